// Stage 1b: a peephole pass over the assembly clang writes for one stencil (CPython's Tools/jit
// does the same). clang lays a stencil out as a C function; these rewrites make it a good
// fragment of straight-line code:
// - jump threading: a branch to a local block that only jumps to a hole branches to the hole;
// - dead blocks (unreferenced and not fallen into) are dropped;
// - a final `jcc _JIT_CONTINUE; jmp X` becomes `j!cc X`, so the stencil falls through;
// - AArch64: operands are not loaded from a GOT: `adrp x, :got:_JIT_OPERANDi` + `ldr` become one
//   `movz` (slot and view offsets, which the runtime checks are below 64 KiB) or a full
//   movz/movk sequence (immediates).
// Every rewrite keeps the meaning of the code; anything unexpected is left as clang wrote it.

const X86_INVERSE = {
  ja: 'jbe', jbe: 'ja', jae: 'jb', jb: 'jae', je: 'jne', jne: 'je', jg: 'jle', jle: 'jg',
  jge: 'jl', jl: 'jge', jp: 'jnp', jnp: 'jp', js: 'jns', jns: 'js', jo: 'jno', jno: 'jo',
};
const A64_INVERSE = {
  eq: 'ne', ne: 'eq', hs: 'lo', lo: 'hs', cs: 'cc', cc: 'cs', mi: 'pl', pl: 'mi', vs: 'vc',
  vc: 'vs', hi: 'ls', ls: 'hi', ge: 'lt', lt: 'ge', gt: 'le', le: 'gt',
};
const HOLE_TARGETS = ['_JIT_CONTINUE', '_JIT_TARGET'];

// One line of the function body: { text, label?, op?, args? }.
function parseLine(text, target) {
  const code = (target === 'x86_64' ? text.replace(/#.*$/, '') : text.replace(/\/\/.*$/, '')).trim();
  if (code === '') return { text, empty: true };
  const label = /^([.\w$]+):$/.exec(code);
  if (label) return { text, label: label[1] };
  const [, op, rest = ''] = /^(\S+)\s*(.*)$/.exec(code);
  return { text, op, args: rest.split(',').map((a) => a.trim()).filter((a) => a !== '') };
}

// Branch shape: { kind: 'jump'|'cond', dest, invert(dest) -> text, retarget(dest) -> text }.
function branchOf(line, target) {
  if (!line.op) return null;
  if (target === 'x86_64') {
    if (line.op === 'jmp' && line.args.length === 1 && !line.args[0].startsWith('*')) {
      return { kind: 'jump', dest: line.args[0], retarget: (d) => `\tjmp\t${d}` };
    }
    if (X86_INVERSE[line.op] && line.args.length === 1) {
      return {
        kind: 'cond', dest: line.args[0], retarget: (d) => `\t${line.op}\t${d}`,
        invert: (d) => `\t${X86_INVERSE[line.op]}\t${d}`,
      };
    }
    return null;
  }
  if (line.op === 'b' && line.args.length === 1) return { kind: 'jump', dest: line.args[0], retarget: (d) => `\tb\t${d}` };
  const cond = /^b\.(\w+)$/.exec(line.op);
  if (cond && A64_INVERSE[cond[1]] && line.args.length === 1) {
    return {
      kind: 'cond', dest: line.args[0], retarget: (d) => `\tb.${cond[1]}\t${d}`,
      invert: (d) => `\tb.${A64_INVERSE[cond[1]]}\t${d}`,
    };
  }
  // cbz/cbnz reach +-1 MiB like b.cond; tbz/tbnz (+-32 KiB) are never retargeted to holes.
  if ((line.op === 'cbz' || line.op === 'cbnz') && line.args.length === 2) {
    const other = line.op === 'cbz' ? 'cbnz' : 'cbz';
    return {
      kind: 'cond', dest: line.args[1], retarget: (d) => `\t${line.op}\t${line.args[0]}, ${d}`,
      invert: (d) => `\t${other}\t${line.args[0]}, ${d}`,
    };
  }
  return null;
}

function endsFlow(line, target) {
  const branch = branchOf(line, target);
  if (branch?.kind === 'jump') return true;
  return line.op === 'ret' || line.op === 'retq' || line.op === 'ud2' || line.op === 'brk';
}

function threadJumps(body, target) {
  const instructions = () => body.filter((l) => l.op);
  // A label whose first instruction is an unconditional jump to a hole.
  const forwards = new Map();
  for (let i = 0; i < body.length; i++) {
    if (!body[i].label) continue;
    const next = body.slice(i + 1).find((l) => l.op || l.label);
    const branch = next?.op && branchOf(next, target);
    if (branch?.kind === 'jump' && HOLE_TARGETS.includes(branch.dest)) forwards.set(body[i].label, branch.dest);
  }
  for (const line of instructions()) {
    const branch = branchOf(line, target);
    if (branch && forwards.has(branch.dest)) {
      Object.assign(line, parseLine(branch.retarget(forwards.get(branch.dest)), target));
    }
  }
}

function referencedLabels(body) {
  const names = new Set();
  for (const line of body) if (line.op) for (const arg of line.args) for (const m of arg.matchAll(/[.\w$]+/g)) names.add(m[0]);
  return names;
}

function dropDeadBlocks(body, target) {
  for (let changed = true; changed;) {
    changed = false;
    const used = referencedLabels(body);
    for (let i = 0; i < body.length; i++) {
      if (!body[i].label || !body[i].label.startsWith('.LBB') || used.has(body[i].label)) continue;
      const previous = body.slice(0, i).reverse().find((l) => l.op || l.label);
      if (!previous?.op || !endsFlow(previous, target)) continue;
      let end = i + 1;
      while (end < body.length && !body[end].label) end++;
      body.splice(i, end - i);
      changed = true;
      break;
    }
  }
}

function invertTail(body, target) {
  const meaningful = body.filter((l) => l.op || l.label);
  const last = meaningful.at(-1);
  const before = meaningful.at(-2);
  if (!last?.op || !before?.op) return;
  const jump = branchOf(last, target);
  const cond = branchOf(before, target);
  if (jump?.kind !== 'jump' || cond?.kind !== 'cond' || cond.dest !== '_JIT_CONTINUE') return;
  if (jump.dest === '_JIT_CONTINUE') return;
  Object.assign(before, parseLine(cond.invert(jump.dest), target));
  body.splice(body.indexOf(last), 1);
}

// AArch64: GOT loads of operand holes -> movz/movk.
function materializeOperands(body, uop) {
  const regOf = (r) => r.replace(/^w/, 'x');
  for (let i = 0; i < body.length; i++) {
    const line = body[i];
    if (line.op !== 'adrp') continue;
    const got = /^:got:_JIT_OPERAND(\d)$/.exec(line.args[1] ?? '');
    if (!got) continue;
    const index = Number(got[1]);
    const symbol = `_JIT_OPERAND${index}`;
    const kind = uop.operands[index]?.kind;
    const reg = line.args[0];
    const uses = [];
    for (let j = i + 1; j < body.length; j++) {
      const other = body[j];
      if (!other.op) continue;
      if (other.op === 'adrp' && other.args[0] === reg) break;  // the next page load of this register
      if (other.op === 'ldr' && other.args[1] === `[${reg}` && other.args[2] === `:got_lo12:${symbol}]`) {
        // A 32-bit load zero-extends, which the code after it may rely on (an i32 register's upper
        // half is zero, prelude.h); the movz/movk below give the whole 64-bit value instead.
        if (other.args[0].startsWith('w')) return fail(`a 32-bit GOT load of ${symbol}: ${other.text.trim()}`);
        uses.push(j);
      }
      else if (other.args?.some((a) => a.includes(`:got_lo12:${symbol}`))) return fail(`unexpected GOT use: ${other.text.trim()}`);
    }
    if (uses.length === 0) throw new Error(`${uop.name}: adrp of ${symbol} without its ldr`);
    const small = kind === 'F64' || kind === 'I32' || kind === 'U32' || kind === 'View';
    const sequence = small ? [`\tmovz\t${reg}, #:abs_g0:${symbol}`]
      : [`\tmovz\t${reg}, #:abs_g3:${symbol}`, `\tmovk\t${reg}, #:abs_g2_nc:${symbol}`,
        `\tmovk\t${reg}, #:abs_g1_nc:${symbol}`, `\tmovk\t${reg}, #:abs_g0_nc:${symbol}`];
    for (const j of uses.reverse()) {
      const dest = body[j].args[0];
      if (regOf(dest) === reg) body.splice(j, 1);
      else body.splice(j, 1, parseLine(`\tmov\t${dest}, ${reg}`, 'aarch64'));
    }
    body.splice(i, 1, ...sequence.map((text) => parseLine(text, 'aarch64')));
  }
  function fail(why) { throw new Error(`${uop.name}: ${why}`); }
}

export function optimizeAssembly(text, target, uop) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^_JIT_ENTRY:/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^\.Lfunc_end\d+:/.test(l));
  if (start < 0 || end < 0) throw new Error(`${uop.name}: cannot find _JIT_ENTRY in the assembly`);
  const body = lines.slice(start + 1, end).map((l) => parseLine(l, target));
  if (target === 'aarch64') materializeOperands(body, uop);
  threadJumps(body, target);
  dropDeadBlocks(body, target);
  invertTail(body, target);
  return [...lines.slice(0, start + 1), ...body.map((l) => l.text), ...lines.slice(end)].join('\n');
}
