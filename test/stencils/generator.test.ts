// The stencil generator (tools/stencils/) and the micro-op table it derives everything from.
// Generation needs clang-19; without it those tests skip and say why (CI installs clang-19).
import { strict as assert } from 'node:assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ElementKind, ELEMENT_KIND_ARRAYS, OPCODES, OperandKind, UOPS } from '../../lib/compiler/trace/uops.js';

const REPO = resolve(__dirname, '../../..');
const GENERATOR = join(REPO, 'tools/stencils/generate.mjs');
const FIXTURES = join(REPO, 'tools/stencils/fixtures');
const GOLDEN = join(FIXTURES, 'golden');

const hasClang = spawnSync('clang-19', ['--version']).status === 0;

function generator(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [GENERATOR, ...args], { cwd: REPO, encoding: 'utf8' });
}

function requireClang(this: Mocha.Context): void {
  if (!hasClang) {
    console.log('      skipped: clang-19 is not on PATH (needed to compile the stencil templates)');
    this.skip();
  }
}

describe('stencil generator (tools/stencils/generate.mjs)', function () {
  this.timeout(120_000);

  describe('on the toy table (tools/stencils/fixtures/toy-uops.mjs)', function () {
    before(requireClang);

    it('reproduces the committed golden output for x86-64 and AArch64', function () {
      const run = generator('--table', join(FIXTURES, 'toy-uops.mjs'), '--root', GOLDEN, '--check');
      assert.equal(run.status, 0, run.stderr);
    });

    it('exits 1 and names the file when one output differs from the committed one', function () {
      const root = mkdtempSync(join(tmpdir(), 'jitctl-golden-'));
      try {
        cpSync(GOLDEN, root, { recursive: true });
        const header = join(root, 'native/generated/stencils/aarch64.h');
        writeFileSync(header, readFileSync(header, 'utf8').replace('0x', '0X'));
        const run = generator('--table', join(FIXTURES, 'toy-uops.mjs'), '--root', root, '--check');
        assert.deepEqual([run.status, /native\/generated\/stencils\/aarch64\.h: differs/.test(run.stderr)], [1, true], run.stderr);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  });

  describe('on templates it cannot turn into stencils', function () {
    before(requireClang);

    it('fails on a call to a function that is not a declared extern', function () {
      const run = generator('--table', join(FIXTURES, 'bad-extern.mjs'), '--root', tmpdir(), '--check');
      assert.deepEqual([run.status, /unknown external symbol exp2_not_allowed/.test(run.stderr)], [2, true], run.stderr);
    });

    it('fails on a stencil that keeps state in a writable global', function () {
      const run = generator('--table', join(FIXTURES, 'bad-state.mjs'), '--root', tmpdir(), '--check');
      assert.deepEqual([run.status, /writable or unknown section/.test(run.stderr)], [2, true], run.stderr);
    });
  });

  describe('committed outputs (npm run stencils -- --check)', function () {
    before(requireClang);
    // tools/node-matrix.sh sets it: the first run of the suite has checked them, and the check does
    // not depend on the Node version.
    before(function () {
      if (process.env.JITCTL_SKIP_STENCIL_CHECK === '1') {
        console.log('      skipped: JITCTL_SKIP_STENCIL_CHECK=1 (checked by an earlier run of the suite)');
        this.skip();
      }
    });
    // About 2,000 register variants per target, one clang run each: minutes on two cores.
    this.timeout(1_800_000);

    it('match what the generator produces from the current table and templates', function () {
      const run = generator('--check');
      assert.equal(run.status, 0, run.stderr);
    });
  });
});

describe('micro-op table rules (defineTable in tools/stencils/uops.mjs)', function () {
  interface TableModule { defineTable(entries: object[]): unknown[] }
  const loadTable = (): Promise<TableModule> => import(join(REPO, 'tools/stencils/uops.mjs')) as Promise<TableModule>;
  const entry = (fields: object) => ({ name: 'TEST', viewKind: -1, pseudo: false, ends: false, doc: 'A test op.', ...fields });

  it('rejects an op that writes a slot before it may branch', async function () {
    const { defineTable } = await loadTable();
    assert.throws(() => defineTable([entry({ operands: 'd=I32 a:I32 miss:Label', c: 'd = a;\n  if (a < 0) JUMP(miss);' })]),
      /TEST: writes d before it may branch/);
    // Two branches: the write must come after the last one.
    assert.throws(() => defineTable([entry({ operands: 'd=F64 a:F64 miss:Label', c: 'if (a < 0) JUMP(miss);\n  d = a;\n  if (a > 9) JUMP(miss);' })]),
      /TEST: writes d before it may branch/);
  });

  it('rejects an op that writes a slot and never falls through', async function () {
    const { defineTable } = await loadTable();
    assert.throws(() => defineTable([entry({ operands: 'd=I32 to:Label', ends: true, c: 'd = 1;\n  JUMP(to);' })]),
      /TEST: an op that ends \(never falls through\) must not write a slot/);
  });

  it('rejects a slow path that is never entered, SLOW() without one, and a write before SLOW()', async function () {
    const { defineTable } = await loadTable();
    assert.throws(() => defineTable([entry({ operands: 'd=F64 a:F64', c: 'd = a;', slow: 'd = -a;', inline: 'd = a;' })]),
      /TEST: has a slow path that its body never enters/);
    assert.throws(() => defineTable([entry({ operands: 'd=F64 a:F64', c: 'if (a < 0) SLOW(); d = a;', slow: 'd = -a;' })]),
      /TEST: has a slow path but no inline body/);
    assert.throws(() => defineTable([entry({ operands: 'd=F64 a:F64', c: 'if (a < 0) SLOW(); d = a;' })]),
      /TEST: uses SLOW\(\) but has no slow path/);
    assert.throws(() => defineTable([entry({ operands: 'd=F64 a:F64', c: 'd = a; if (a < 0) SLOW();', slow: 'd = -a;', inline: 'd = a;' })]),
      /TEST: writes d before it may take its slow path \(SLOW\)/);
    assert.equal(defineTable([entry({ operands: 'd=F64 a:F64', c: 'if (a < 0) SLOW(); d = a;', slow: 'd = -a;', inline: 'd = a < 0 ? -a : a;' })]).length, 1);
  });

  it('accepts a write after the last branch, and a branch that writes nothing', async function () {
    const { defineTable } = await loadTable();
    assert.equal(defineTable([
      entry({ name: 'LOADISH', operands: 'd=I32 a:I32 miss:Label', c: 'if (a < 0) JUMP(miss);\n  d = a;' }),
      entry({ name: 'BRANCH', operands: 'a:I32 to:Label', c: 'if (a) JUMP(to);' }),
      entry({ name: 'DONE', operands: 'to:Label', ends: true, c: 'JUMP(to);' }),
    ]).length, 3);
  });
});

describe('micro-op table (lib/compiler/trace/uops.ts)', function () {
  it('numbers opcodes by position', function () {
    assert.deepEqual(UOPS.map((uop) => uop.opcode), UOPS.map((_, index) => index));
  });

  it('maps every name to its opcode', function () {
    assert.deepEqual(Object.entries(OPCODES), UOPS.map((uop) => [uop.name, uop.opcode]));
  });

  it('puts a Label operand, if any, last', function () {
    const misplaced = UOPS.filter((uop) => uop.operands.slice(0, -1).some((o) => o.kind === OperandKind.Label));
    assert.deepEqual(misplaced.map((uop) => uop.name), []);
  });

  it('gives each op a JS reference function over exactly its read operands', function () {
    const wrong = UOPS.filter((uop) => uop.js !== undefined).filter((uop) => {
      const reads = uop.operands.filter((o) => !o.written && o.kind !== OperandKind.Label).length;
      const fn: unknown = new Function(`return (${uop.js});`)();
      return typeof fn !== 'function' || fn.length !== reads;
    });
    assert.deepEqual(wrong.map((uop) => uop.name), []);
  });

  it('has JS reference semantics that agree with the op names on edge values', function () {
    const run = (name: string, ...args: unknown[]): unknown => new Function(`return (${UOPS[OPCODES[name]!]!.js});`)()(...args);
    assert.deepEqual(
      [run('ROUND_F64', 0.49999999999999994), run('ROUND_F64', -0.5), run('DIV_I32', -2147483648, -1), run('SHR_U32', -1, 0)],
      [0, -0, -2147483648, 4294967295],
    );
  });

  it('names a TypedArray constructor for every element kind', function () {
    const names = Object.keys(ElementKind).map((kind) => ELEMENT_KIND_ARRAYS[ElementKind[kind as keyof typeof ElementKind]]);
    assert.deepEqual(names, Object.keys(ElementKind).map((kind) => `${kind}Array`));
  });

  it('gives every typed-array op a view kind that names its element type', function () {
    const wrong = UOPS.filter((uop) => /^(LOAD|STORE)_/.test(uop.name)).filter((uop) => {
      const kind = Object.keys(ElementKind)[uop.viewKind];
      return kind === undefined || uop.name.split('_')[1] !== kind.toUpperCase();
    });
    assert.deepEqual(wrong.map((uop) => uop.name), []);
  });
});
