// TurboFan's compile time of a function, as V8's --trace-opt reports it: the line
//   [completed compiling 0x... <JSFunction dot_tfc1 (sfi = 0x...)> (target TURBOFAN) - took 0.011, 0.891, 0.022 ms]
// gives the three phases (prepare, execute, finalize) of one compile; their sum is the compile
// time, without the call that triggered it. OSR compiles (of a loop, inside a call) are left out:
// the function's own compile is what jitctl's compile is compared with.

/** The first non-OSR TurboFan compile time of each named function, in ms, in the order of `names`. */
export function turbofanCompileTimes(traceOutput: string, names: readonly string[]): Map<string, number> {
  const times = new Map<string, number>();
  const wanted = new Set(names);
  for (const line of traceOutput.split('\n')) {
    if (!line.startsWith('[completed compiling ')) continue;
    const nameStart = line.indexOf('<JSFunction ');
    if (nameStart < 0) continue;
    const rest = line.slice(nameStart + '<JSFunction '.length);
    const name = rest.slice(0, rest.search(/[ >]/));
    if (!wanted.has(name) || times.has(name)) continue;
    const target = rest.indexOf('(target TURBOFAN)');
    const took = rest.indexOf(' - took ');
    if (target < 0 || took < 0 || rest.slice(target, took).includes('OSR')) continue;
    const phases = rest.slice(took + ' - took '.length).replace(/ ms\]\s*$/, '').split(',').map((s) => Number(s.trim()));
    if (phases.length === 3 && phases.every(Number.isFinite)) times.set(name, phases[0] + phases[1] + phases[2]);
  }
  return times;
}
