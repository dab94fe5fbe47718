// The flags Node was started with, on its command line and in NODE_OPTIONS (which
// process.execArgv does not show). Read, never changed.

/** The flags Node was started with (command line and NODE_OPTIONS). */
function startupFlags(): string[] {
  const flags: string[] = [];
  try {
    if (Array.isArray(process.execArgv)) flags.push(...process.execArgv);
    const env = process.env.NODE_OPTIONS;
    if (typeof env === 'string') flags.push(...env.split(/\s+/).filter(Boolean));
  } catch {
    // A locked-down process object: no flags known.
  }
  return flags;
}

/** True when one of Node's startup flags sets V8 flag `name` (either spelling, with or without `=true`). */
export function startupFlagIsSet(name: string): boolean {
  const dashed = `--${name.replace(/_/g, '-')}`;
  for (const raw of startupFlags()) {
    const flag = raw.replace(/_/g, '-');
    if (flag === dashed || flag === `${dashed}=true` || flag === `${dashed}=1`) return true;
  }
  return false;
}

