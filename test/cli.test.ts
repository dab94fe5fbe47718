// `jitctl` on the command line: info (text and JSON), help, and errors for anything else.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

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
});
