// `jitctl` on the command line: info (text and JSON), help, and errors for anything else.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { engineStatus } from '../lib/engine.js';

const CLI = path.join(__dirname, '..', 'lib', 'cli.js');
const VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

function jitctl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, JITCTL: '', JITCTL_PROFILE: '' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('jitctl CLI', () => {
  it('starts with a #!/usr/bin/env node line, so that npm can link it as a binary', () => {
    assert.equal(fs.readFileSync(CLI, 'utf8').split('\n')[0], '#!/usr/bin/env node');
  });

  describe('jitctl info', () => {
    let info: ReturnType<typeof jitctl>;
    before(() => { info = jitctl('info'); });

    it('exits 0', () => assert.equal(info.status, 0, info.stderr));

    it("starts with jitctl's own version", () => {
      assert.match(info.stdout.split('\n')[0], new RegExp(`^jitctl +${VERSION.replace(/\./g, '\\.')}$`));
    });

    const facts = ['jitctl', 'runtime', 'node', 'v8', 'natives syntax', 'intrinsics', 'turbofan', 'maglev', 'jitless',
      'status-bit layout', 'addon', 'arch', 'native tier', 'JITCTL', 'JITCTL_PROFILE'];
    for (const fact of facts) {
      it(`prints a '${fact}' line`, () => assert.match(info.stdout, new RegExp(`^${fact} +\\S`, 'm')));
    }

    it('prints the running Node version', () => {
      assert.match(info.stdout, new RegExp(`^node +${process.versions.node.replace(/\./g, '\\.')}$`, 'm'));
    });

    for (const hint of ['jitFocus', 'jitIgnore', 'jitOnce']) {
      it(`prints the tier ${hint} would get, with the reason`, () => {
        assert.match(info.stdout, new RegExp(`^${hint} +(native|v8|warmup|noop) \\(.+\\)$`, 'm'));
      });
    }

    it('puts every fact on one line', () => {
      assert.ok(info.stdout.trimEnd().split('\n').every((line) => /^\S/.test(line)), info.stdout);
    });
  });

  describe('jitctl info --json', () => {
    it('prints the detection as JSON, with the tier of each hint', () => {
      const run = jitctl('info', '--json');
      const parsed = JSON.parse(run.stdout) as { node: string; hints: Record<string, { tier: string }> };
      assert.deepEqual([parsed.node, Object.keys(parsed.hints)], [process.versions.node, ['jitFocus', 'jitIgnore', 'jitOnce']]);
    });

    it("names jitctl's version", () => {
      assert.equal((JSON.parse(jitctl('info', '--json').stdout) as { jitctl: string }).jitctl, VERSION);
    });
  });

  describe('version', () => {
    for (const flag of ['--version', '-v', 'version']) {
      it(`jitctl ${flag} prints the version in package.json alone and exits 0`, () => {
        const run = jitctl(flag);
        assert.deepEqual([run.status, run.stdout], [0, `${VERSION}\n`]);
      });
    }
  });

  describe('help', () => {
    for (const flag of ['--help', '-h', 'help']) {
      it(`jitctl ${flag} prints the usage and exits 0`, () => {
        const run = jitctl(flag);
        assert.deepEqual([run.status, run.stdout.startsWith('Usage: jitctl <command>')], [0, true]);
      });
    }

    const usage = (): string => jitctl('--help').stdout;
    for (const command of ['info', 'info --json', 'version', 'help']) {
      it(`lists the command '${command}'`, () => assert.match(usage(), new RegExp(`^  ${command} {2,}\\S`, 'm')));
    }
    it("lists the command 'explain' with its arguments", () => {
      assert.match(usage(), /^ {2}explain <file> \[function\] \[--signature K1,K2,\.\.\.\] \[--json\]$/m);
    });
    for (const variable of ['JITCTL', 'JITCTL_PROFILE', 'JITCTL_NATIVE', 'JITCTL_ADDON']) {
      it(`lists the environment variable ${variable}`, () => assert.match(usage(), new RegExp(`^  ${variable}=\\S+ +\\S`, 'm')));
    }
  });

  describe('errors', () => {
    it('an unknown command exits 2 and names the command', () => {
      const run = jitctl('optimize');
      assert.deepEqual([run.status, run.stderr.split('\n')[0]], [2, "jitctl: unknown command 'optimize'"]);
    });

    it('an unknown argument to info exits 2 and names the argument', () => {
      const run = jitctl('info', '--verbose');
      assert.deepEqual([run.status, run.stderr.split('\n')[0]], [2, "jitctl info: unknown argument '--verbose'"]);
    });

    it('no command exits 1 with the usage on stderr', () => {
      const run = jitctl();
      assert.deepEqual([run.status, run.stderr.startsWith('Usage: jitctl <command>')], [1, true]);
    });
  });

  describe('jitctl explain', () => {
    const INDEX = path.join(__dirname, '..', 'lib', 'index.js');
    let dir: string;
    const file = (name: string): string => path.join(dir, name);
    // The fixture's lines, so that positions can be checked against the file itself.
    const KERNELS = [
      `const { jitFocus } = require(${JSON.stringify(INDEX)});`,
      'function dot(a, b, n) {',
      '  let s = 0;',
      '  for (let i = 0; i < n; i++) s += a[i] * b[i];',
      '  return s;',
      '}',
      'function readsProperty(o) {',
      '  return o.x + 1;',
      '}',
      'const hinted = jitFocus(function hintedSum(a) { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s; },',
      '  { samples: [[new Int32Array(4)]] });',
      'module.exports = { dot, readsProperty, hinted, notAFunction: 3 };',
    ];

    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jitctl-explain-'));
      fs.writeFileSync(file('kernels.js'), `${KERNELS.join('\n')}\n`);
      fs.writeFileSync(file('kernels.mjs'), 'export function scale(out, a, k) {\n  for (let i = 0; i < a.length; i++) out[i] = a[i] * k;\n}\n');
      fs.writeFileSync(file('nothing.js'), 'module.exports = { answer: 42 };\n');
      fs.writeFileSync(file('broken.js'), 'module.exports = function (\n');
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe('on a file of kernels', () => {
      it('explains every exported function and exits 0', () => {
        const run = jitctl('explain', file('kernels.js'));
        const heads = run.stdout.split('\n').filter((line) => /^\S/.test(line)).map((line) => line.split(':')[0]);
        assert.deepEqual([run.status, heads], [0, ['dot', 'readsProperty', 'hinted']], run.stderr);
      });

      it('gives a decline\'s position in the file', () => {
        const run = jitctl('explain', file('kernels.js'), 'readsProperty');
        const at = /line (\d+), column (\d+)|kernels\.js:(\d+):(\d+)/.exec(run.stdout);
        const line = Number(at?.[1] ?? at?.[3]);
        const column = Number(at?.[2] ?? at?.[4]);
        assert.deepEqual([line, column], [8, KERNELS[7].indexOf('o.x') + 1], run.stdout);
      });

      it('explains only the function named', () => {
        const run = jitctl('explain', file('kernels.js'), 'dot');
        assert.deepEqual([run.status, run.stdout.split('\n')[0].startsWith('dot: ')], [0, true], run.stdout + run.stderr);
      });

      (engineCompiles() ? it : it.skip)('prints the signature, the IR and the micro-ops of a kernel', () => {
        const run = jitctl('explain', file('kernels.js'), 'dot');
        assert.deepEqual([/^dot: compiles natively for \(Float64Array, Float64Array, f64\)$/m.test(run.stdout),
          /^ {2}typed IR:$/m.test(run.stdout), /^ {2}micro-ops \(\d+, /m.test(run.stdout)], [true, true, true], run.stdout);
      });

      (engineCompiles() ? it : it.skip)('explains a hinted export through its function, with the hint\'s sample', () => {
        const run = jitctl('explain', file('kernels.js'), 'hinted');
        assert.match(run.stdout, /^hinted: compiles natively for \(Int32Array\)$/m);
      });

      (engineCompiles() ? it : it.skip)('takes --signature', () => {
        const run = jitctl('explain', file('kernels.js'), 'dot', '--signature', 'Float32Array,Float32Array,i32');
        assert.match(run.stdout, /^dot: compiles natively for \(Float32Array, Float32Array, i32\)$/m);
      });

      it('prints JSON with --json', () => {
        const run = jitctl('explain', file('kernels.js'), '--json');
        const reports = JSON.parse(run.stdout) as Array<{ name: string; compiles: boolean; reason: string | null }>;
        assert.deepEqual([reports.map((r) => r.name), reports[1].compiles], [['dot', 'readsProperty', 'hinted'], false]);
      });

      it('imports an .mjs file', () => {
        const run = jitctl('explain', file('kernels.mjs'));
        assert.deepEqual([run.status, run.stdout.split('\n')[0].startsWith('scale: ')], [0, true], run.stderr);
      });
    });

    describe('bad input exits 2 with a clear error', () => {
      const cases: Array<[string, () => string[], RegExp]> = [
        ['no file', () => ['explain'], /^jitctl explain: which file\?/],
        ['a missing file', () => ['explain', file('missing.js')], /^jitctl explain: no such file: .*missing\.js$/],
        ['no such function', () => ['explain', file('kernels.js'), 'nope'],
          /^jitctl explain: .*kernels\.js exports no function named 'nope' \(it exports dot, readsProperty, hinted\)$/],
        ['no function exported', () => ['explain', file('nothing.js')], /^jitctl explain: .*nothing\.js exports no functions$/],
        ['a file that does not load', () => ['explain', file('broken.js')], /^jitctl explain: cannot load .*broken\.js: /],
        ['an unknown argument kind', () => ['explain', file('kernels.js'), '--signature', 'Float64Array,float'],
          /^jitctl explain: --signature: unknown argument kind "float"/],
        ['--signature without kinds', () => ['explain', file('kernels.js'), '--signature'], /^jitctl explain: --signature needs argument kinds/],
        ['an unknown option', () => ['explain', file('kernels.js'), '--verbose'], /^jitctl explain: unknown option '--verbose'/],
        ['one argument too many', () => ['explain', file('kernels.js'), 'dot', 'extra'], /^jitctl explain: unexpected argument 'extra'/],
      ];
      for (const [label, args, message] of cases) {
        it(label, () => {
          const run = jitctl(...args());
          assert.deepEqual([run.status, message.test(run.stderr.split('\n')[0]), run.stdout], [2, true, ''], run.stderr);
        });
      }
    });
  });
});

function engineCompiles(): boolean {
  const status = engineStatus();
  return status.loaded && status.supported && !status.refusal;
}
