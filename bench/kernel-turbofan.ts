// TurboFan's compile times of functions, as V8's --trace-opt reports them: the line
//   [completed compiling 0x... <JSFunction dot_tfc1 (sfi = 0x...)> (target TURBOFAN) - took 0.011, 0.891, 0.022 ms]
// (`target TURBOFAN_JS` on Node 24 and later)
// gives the three phases (prepare, execute, finalize) of one compile; their sum is the compile
// time, without the call that triggered it. " OSR" after the target marks an on-stack
// replacement compile (of a loop, entered inside a running call).

export interface TurbofanCompile { osr: boolean; ms: number }

/** Every TurboFan compile of each named function, in the order V8 completed them. */
export function turbofanCompiles(traceOutput: string, names: readonly string[]): Map<string, TurbofanCompile[]> {
  const compiles = new Map<string, TurbofanCompile[]>();
  const wanted = new Set(names);
  for (const line of traceOutput.split('\n')) {
    if (!line.startsWith('[completed compiling ')) continue;
    const nameStart = line.indexOf('<JSFunction ');
    if (nameStart < 0) continue;
    const rest = line.slice(nameStart + '<JSFunction '.length);
    const name = rest.slice(0, rest.search(/[ >]/));
    if (!wanted.has(name)) continue;
    // V8 12.x and later (Node 24, 26) name the target TURBOFAN_JS.
    const target = Math.max(rest.indexOf('(target TURBOFAN)'), rest.indexOf('(target TURBOFAN_JS)'));
    const took = rest.indexOf(' - took ');
    if (target < 0 || took < 0) continue;
    const phases = rest.slice(took + ' - took '.length).replace(/ ms\]\s*$/, '').split(',').map((s) => Number(s.trim()));
    if (phases.length !== 3 || !phases.every(Number.isFinite)) continue;
    const list = compiles.get(name) ?? [];
    list.push({ osr: rest.slice(target, took).includes('OSR'), ms: phases[0] + phases[1] + phases[2] });
    compiles.set(name, list);
  }
  return compiles;
}
