// The packed package works where it is installed with install scripts disabled and no compiler:
// npm pack, npm install --ignore-scripts of the tarball into an empty folder, then compile and run
// a kernel from there through the bundled prebuild.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ROOT } from './helpers.js';

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });

const SCRIPT = `
const { compile, TraceBuilder, engineStatus } = require('jitctl/engine');
const b = new TraceBuilder();
const x = b.slot('f64'), y = b.slot('f64');
b.param(x).returns(y).op('SQRT_F64', y, x).op('RETURN');
console.log(JSON.stringify({ result: compile(b).call(2), status: engineStatus() }));
`;

describe('the packed package', function () {
  this.timeout(120_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'jitctl-pack-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('installs with --ignore-scripts and compiles and runs a kernel with its prebuild', () => {
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], ROOT)) as Array<{ filename: string }>;
    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    // Offline first (the runtime dependencies are in the npm cache after any install of this
    // repository); the npm registry only when the cache lacks them.
    try {
      npm(['install', '--ignore-scripts', '--offline', join(dir, packed[0].filename)], app);
    } catch {
      npm(['install', '--ignore-scripts', '--prefer-offline', join(dir, packed[0].filename)], app);
    }
    writeFileSync(join(app, 'run.js'), SCRIPT);
    const out = JSON.parse(execFileSync(process.execPath, ['run.js'], { cwd: app, encoding: 'utf8' })) as {
      result: number;
      status: { loaded: boolean };
    };
    assert.deepEqual(out, { result: Math.SQRT2, status: { ...out.status, loaded: true } });
  });
});
