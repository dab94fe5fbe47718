#!/usr/bin/env node
// `npx jitctl info`: what the router detected on this runtime and what each hint would get.
// `npx jitctl explain <file>`: what the native tier makes of each function the file exports.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { detect } from './router/detect.js';
import { tierForHint } from './router/route.js';
import { engineStatus } from './engine.js';
import type { Detection } from './router/detect.js';
import { getConfig, trustNativesSyntax } from './config.js';
import { hintName, type Hint } from './types.js';
import { explainCommand } from './cli-explain.js';

const USAGE = `Usage: jitctl <command>

Commands:
  info          what jitctl detected on this runtime and the tier each hint would get
  info --json   the same, as JSON
  explain <file> [function] [--signature K1,K2,...] [--json]
                whether each function <file> exports (or the one named) compiles natively: the
                signature, the typed IR and the micro-ops with their stencil sizes, or why not
                with its line and column in <file>. <file> is JavaScript (.js and .cjs are
                required, .mjs imported; compile TypeScript first). Argument kinds: f64, i32,
                Int8Array ... Float64Array; by default the hint's first sample, else typed
                arrays as Float64Array and numbers as f64
  version       jitctl's version (also --version, -v)
  help          this text (also --help, -h)

Environment:
  JITCTL=off|warmup|v8|jsc|native|auto  force or disable tiers (default auto)
  JITCTL_PROFILE=1                   profile every hinted function
  JITCTL_NATIVE=off                  do not load the native addon
  JITCTL_ADDON=path                  load this build of the addon instead of build/ or prebuilds/
  JITCTL_TRUST_NATIVES_SYNTAX=1      natives syntax was on before jitctl and no code of yours calls
                                     %NeverOptimizeFunction: jitFocus may use the v8 tier`;

/** The version in jitctl's own package.json (dist/lib/cli.js is two levels below it). */
function packageVersion(): string {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

const HINTS: readonly Hint[] = ['focus', 'ignore', 'once'];

function yesNo(value: boolean | null): string {
  return value === null ? 'unknown' : value ? 'on' : 'off';
}

// null where there is no optimizing compiler to ask (jitless, or no intrinsics).
function optimizeMode(detection: Detection): string {
  return detection.optimizeMode ?? 'none';
}

/** Whether jitctl/engine compiles here, and why not (under --jitless it maps no executable memory unless allowed). */
function nativeEngine(detection: Detection): string {
  if (!detection.addon.loaded) return 'not loaded';
  const refusal = engineStatus().refusal;
  return refusal ? `refuses to compile: ${refusal}` : 'compiles';
}

function infoReport(detection: Detection): Record<string, unknown> {
  const config = getConfig();
  return {
    jitctl: packageVersion(),
    runtime: detection.runtime,
    node: detection.nodeVersion,
    v8: detection.v8Version,
    arch: process.arch,
    platform: process.platform,
    config: { mode: config.mode, profile: config.profile },
    detection,
    nativeEngine: nativeEngine(detection),
    hints: Object.fromEntries(HINTS.map((hint) => [hintName(hint), tierForHint(hint)])),
  };
}

function infoText(detection: Detection): string {
  const config = getConfig();
  const available = Object.entries(detection.intrinsics).filter(([, ok]) => ok).map(([name]) => name);
  const missing = Object.entries(detection.intrinsics).filter(([, ok]) => !ok).map(([name]) => name);
  const rows: Array<[string, string]> = [
    ['jitctl', packageVersion()],
    ['runtime', detection.runtimeVersion ? `${detection.runtime} ${detection.runtimeVersion}` : detection.runtime],
    ['node', detection.nodeVersion ?? '-'],
    ['v8', detection.v8Version ?? '-'],
    ['natives syntax', detection.nativesSyntax],
    ['natives syntax window', detection.nativesSyntaxWindow],
    ['intrinsics', available.length ? available.join(', ') : 'none'],
    ['missing intrinsics', missing.length ? missing.join(', ') : 'none'],
    ['turbofan', yesNo(detection.turbofan)],
    ['maglev', yesNo(detection.maglev)],
    ['jitless', detection.jitless ? 'yes' : 'no'],
    ['status-bit layout', detection.statusLayout ?? 'unknown'],
    ['optimize mode', optimizeMode(detection)],
    ['addon', detection.addon.loaded ? `loaded (${detection.addon.arch})` : `not loaded${detection.addon.error ? `: ${detection.addon.error}` : ''}`],
    ['native engine', nativeEngine(detection)],
    ['arch', `${process.platform}-${process.arch}`],
    ['native tier', detection.native.available ? 'available' : `not available: ${detection.native.reason}`],
    ['JITCTL', config.mode],
    ['JITCTL_PROFILE', config.profile ? '1' : '0'],
    ['JITCTL_TRUST_NATIVES_SYNTAX', trustNativesSyntax ? '1' : '0'],
  ];
  // What detection could not do, and how to fix it where there is a way (Deno's flag, for one).
  for (const problem of detection.errors) rows.push(['note', problem]);
  for (const hint of HINTS) {
    const { tier, reason } = tierForHint(hint);
    rows.push([hintName(hint), `${tier} (${reason})`]);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  // One line per fact: multi-line messages (an addon load error) are folded.
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value.replace(/\s*\n\s*/g, ' ')}`).join('\n');
}

/** Runs the CLI; returns the exit code (a promise of it for commands that load modules). */
export function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number | Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    err(USAGE);
    return 1;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    out(USAGE);
    return 0;
  }
  if (command === 'version' || command === '--version' || command === '-v') {
    out(packageVersion());
    return 0;
  }
  if (command === 'info') {
    const unknown = rest.filter((arg) => arg !== '--json');
    if (unknown.length > 0) {
      err(`jitctl info: unknown argument '${unknown[0]}'\n\n${USAGE}`);
      return 2;
    }
    const detection = detect();
    out(rest.includes('--json') ? JSON.stringify(infoReport(detection), null, 2) : infoText(detection));
    return 0;
  }
  if (command === 'explain') return explainCommand(rest, out, err);
  err(`jitctl: unknown command '${command}'\n\n${USAGE}`);
  return 2;
}

/**
 * `bun x jitctl` runs this file with Node (its first line names node), so what it would report is
 * Node's. Started that way (bun x sets npm_lifecycle_event and npm_execpath), it runs itself again
 * with the Bun that started it and returns its exit code; null when it was not started by bun x.
 */
function rerunUnderBun(argv: readonly string[]): number | null {
  const env = process.env;
  const bun = env.npm_execpath;
  if (env.npm_lifecycle_event !== 'bunx' || !bun || path.basename(bun) !== 'bun' || env.JITCTL_CLI_RERUN === '1') return null;
  if (typeof (process.versions as { bun?: string }).bun === 'string') return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const run = spawnSync(bun, [__filename, ...argv], { stdio: 'inherit', env: { ...env, JITCTL_CLI_RERUN: '1' } });
  return run.error ? null : run.status ?? 1;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const code = rerunUnderBun(argv) ?? main(argv, (text) => console.log(text), (text) => console.error(text));
  if (typeof code === 'number') process.exitCode = code;
  else void code.then((c) => { process.exitCode = c; });
}
