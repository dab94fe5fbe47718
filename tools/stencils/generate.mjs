#!/usr/bin/env node
// jitctl stencil generator: tools/stencils/uops.mjs (the micro-op table) + templates/*.h
//   -> clang-19 objects per target (compile.mjs) -> ELF (elf.mjs) -> stencil model (holes.mjs)
//   -> native/generated/uops.h, native/generated/stencils/{x86_64,aarch64}.h,
//      lib/compiler/trace/uops.ts, docs/uops.md (write.mjs).
//
// Usage: node tools/stencils/generate.mjs [--check] [--table <module>] [--root <dir>]
//   --check  regenerate in memory and exit 1 (with a summary) if a committed output differs.
//   --table  another table module (the golden test uses tools/stencils/fixtures/toy-uops.mjs).
//   --root   directory the output paths are relative to (default: the repository).
//   --disasm OP[,OP...]  print llvm-objdump-19 listings of these stencils (both targets, before the
//            trailing jump is dropped) instead of writing anything.
//
// Design (details in docs/uops.md, "Stencil design"):
// - One C function per micro-op, `preserve_none`, continuation style: it ends with
//   `musttail return _JIT_CONTINUE(frame)`; RETURN returns to the C-ABI shim; branches tail-call
//   `_JIT_TARGET`. Holes are extern symbols whose address is the value.
// - Operand i of an op is the hole _JIT_OPERANDi (Hole.index = i, its position in the operand
//   list; a Label operand is always last and is _JIT_TARGET instead). A derived operand (one the
//   validator computes, uops.mjs) is the hole after the op's own operands.
// - x86-64: -fno-pic -mcmodel=small (operands are disp32/imm32, R_X86_64_32S); 64-bit immediates
//   live in the stencil's data with an R_X86_64_64 hole. AArch64: -fpic, and optimize.mjs turns
//   each operand's GOT load into one movz (MOVW_UABS_G0: offsets < 64 KiB) or movz/movk x4.
//   Remaining GOT relocations (libm calls) get slots in the stencil's own data (holes.mjs): the
//   runtime never builds a GOT.
// - optimize.mjs threads branches to hole jumps and inverts a final `jcc CONTINUE; jmp TARGET`;
//   holes.mjs drops a trailing jump to _JIT_CONTINUE so that stencils fall through.
// - Every relocation and symbol is understood or generation fails.
// Every output starts with a sha256 of its inputs: the table, the templates, these generator
// files, the clang flags and `clang-19 --version`.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { clangVersion, compileUnits, compilerFlags, stencilSource, TARGETS } from './compile.mjs';
import { readElf } from './elf.mjs';
import { buildStencil } from './holes.mjs';
import { optimizeAssembly } from './optimize.mjs';
import { writeTargetHeader, writeUopsDoc, writeUopsHeader, writeUopsTs } from './write.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const TEMPLATES = join(HERE, 'templates');

export const OUTPUTS = {
  uopsHeader: 'native/generated/uops.h',
  x86_64: 'native/generated/stencils/x86_64.h',
  aarch64: 'native/generated/stencils/aarch64.h',
  uopsTs: 'lib/compiler/trace/uops.ts',
  uopsDoc: 'docs/uops.md',
};

function parseArgs(argv) {
  const options = { check: false, table: join(HERE, 'uops.mjs'), root: REPO };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') options.check = true;
    else if (arg === '--table') options.table = resolve(argv[++i] ?? '');
    else if (arg === '--root') options.root = resolve(argv[++i] ?? '');
    else if (arg === '--disasm') options.disasm = (argv[++i] ?? '').split(',');
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

function inputsDigest(tablePath, version) {
  const hash = createHash('sha256');
  const add = (label, content) => { hash.update(`${label}\0${content.length}\0`); hash.update(content); };
  add('table', readFileSync(tablePath));
  for (const file of readdirSync(TEMPLATES).sort()) add(`templates/${file}`, readFileSync(join(TEMPLATES, file)));
  for (const file of readdirSync(HERE).filter((f) => f.endsWith('.mjs')).sort()) add(file, readFileSync(join(HERE, file)));
  for (const target of Object.keys(TARGETS)) add(`flags ${target}`, compilerFlags(target).join(' '));
  add('clang', version);
  // The compiler's name is spelled out as well: a version mismatch is the usual cause of a diff.
  return { hash: hash.digest('hex'), clang: version };
}

async function buildTarget(table, target, inspect) {
  const real = table.uops.filter((u) => !u.pseudo);
  const shimOp = { name: 'shim', operands: [] };
  // The interrupt check the emitter inserts before backward-branch targets; operand 0 is the
  // loop's length in micro-ops (an i32 immediate).
  const pollOp = { name: 'poll', operands: [{ name: 'weight', kind: 'ImmI32', written: false }] };
  // The same check at the head of a loop that holds loops, yielding earlier (templates/poll.c).
  const pollSource = readFileSync(join(TEMPLATES, 'poll.c'), 'utf8');
  const units = [
    { name: '_shim', source: readFileSync(join(TEMPLATES, 'shim.c'), 'utf8'), uop: shimOp },
    { name: '_poll', source: pollSource, uop: pollOp },
    { name: '_poll_outer', source: `#define POLL_OUTER 1\n${pollSource}`, uop: pollOp },
    ...real.map((uop) => ({ name: uop.name, source: stencilSource(uop), uop })),
    ...real.flatMap((uop) => uop.variants.map((variant) => ({
      name: variant.name, source: stencilSource(uop, variant.locations), uop: { ...uop, name: variant.name },
    }))),
  ];
  const objects = await compileUnits(target, units, TEMPLATES, (asm, unit) => optimizeAssembly(asm, target, unit.uop), inspect);
  const externs = [];
  const shim = buildStencil(readElf('_shim.o', objects.get('_shim')), target, shimOp, externs, table.externs);
  const poll = buildStencil(readElf('_poll.o', objects.get('_poll')), target, pollOp, externs, table.externs);
  const outerPoll = buildStencil(readElf('_poll_outer.o', objects.get('_poll_outer')), target, pollOp, externs, table.externs);
  const stencils = new Map();
  for (const unit of units.slice(3)) {
    stencils.set(unit.name, buildStencil(readElf(`${unit.name}.o`, objects.get(unit.name)), target, unit.uop, externs, table.externs));
  }
  return { shim, poll, outerPoll, stencils, externs };
}

export async function generate(options) {
  const module = await import(pathToFileURL(options.table).href);
  const table = {
    uops: module.UOPS, operandKinds: module.OPERAND_KINDS, elementKinds: module.ELEMENT_KINDS, externs: module.EXTERNS,
    derivedRules: module.DERIVED_RULES ?? ['None'],
    cachedRegisters: module.CACHED_REGISTERS ?? 0,
  };
  const version = clangVersion();
  const digest = inputsDigest(options.table, version);
  // Both targets at once: the two clang runs are the slow part.
  const built = await Promise.all(Object.keys(TARGETS).map((t) => buildTarget(table, t, options.inspect?.(t))));
  const models = Object.fromEntries(Object.keys(TARGETS).map((t, i) => [t, built[i]]));
  const sizes = { targets: Object.keys(TARGETS), code: {} };
  for (const target of sizes.targets) {
    sizes.code[target] = new Map([...models[target].stencils].map(([name, s]) => [name, s.code.bytes.length]));
  }
  return {
    version,
    files: {
      [OUTPUTS.uopsHeader]: writeUopsHeader(table, digest),
      [OUTPUTS.x86_64]: writeTargetHeader(table, 'x86_64', models.x86_64, digest, compilerFlags('x86_64')),
      [OUTPUTS.aarch64]: writeTargetHeader(table, 'aarch64', models.aarch64, digest, compilerFlags('aarch64')),
      [OUTPUTS.uopsTs]: writeUopsTs(table, digest),
      [OUTPUTS.uopsDoc]: writeUopsDoc(table, digest, sizes),
    },
  };
}

function firstDifference(a, b) {
  const left = a.split('\n');
  const right = b.split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) return `line ${i + 1}:\n    committed: ${left[i] ?? '<end of file>'}\n    generated: ${right[i] ?? '<end of file>'}`;
  }
  return 'identical lines (line endings differ)';
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.disasm) {
    options.inspect = (target) => (dir) => {
      for (const name of options.disasm) {
        const listing = execFileSync('llvm-objdump-19', ['-dr', '--no-show-raw-insn', join(dir, `${name}.o`)], { encoding: 'utf8' });
        console.log(`=== ${name} (${target})\n${listing.split('\n').slice(6).join('\n')}`);
      }
    };
    await generate(options);
    return;
  }
  const { files, version } = await generate(options);
  if (options.check) {
    const stale = [];
    for (const [path, text] of Object.entries(files)) {
      const full = join(options.root, path);
      if (!existsSync(full)) stale.push(`${path}: missing`);
      else {
        const committed = readFileSync(full, 'utf8');
        if (committed !== text) stale.push(`${path}: differs at ${firstDifference(committed, text)}`);
      }
    }
    if (stale.length) {
      console.error(`stencil outputs are out of date (generated with ${version}):`);
      for (const line of stale) console.error(`  ${line}`);
      console.error('run `npm run stencils` and commit the result');
      process.exit(1);
    }
    console.log(`stencil outputs are up to date (${Object.keys(files).length} files)`);
    return;
  }
  for (const [path, text] of Object.entries(files)) {
    const full = join(options.root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    console.log(`wrote ${relative(process.cwd(), full) || full}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error.message);
    process.exit(2);
  });
}
