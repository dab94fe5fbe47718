// jitctl from ESM and from CommonJS is one module instance: the same functions, one registry.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as cjs from '../lib/index.js';

// A variable specifier keeps TypeScript from resolving (and rewriting) the import at compile time.
const ESM_ENTRY = path.join(__dirname, '..', 'lib', 'index.mjs');
const importEsm = (specifier: string): Promise<typeof cjs> => import(specifier) as Promise<typeof cjs>;

describe('ESM entry', () => {
  let esm: typeof cjs;
  before(async () => { esm = await importEsm(ESM_ENTRY); });

  it('exports the public API by name', () => {
    assert.deepEqual(Object.keys(esm).sort(), ['configure', 'explain', 'formatExplain', 'formatStats', 'jitFocus', 'jitIgnore', 'jitOnce', 'stats', 'warmup', 'warmupAsync']);
  });

  it('exports the very functions the CommonJS entry exports', () => {
    assert.deepEqual(
      [esm.jitFocus === cjs.jitFocus, esm.jitIgnore === cjs.jitIgnore, esm.jitOnce === cjs.jitOnce, esm.stats === cjs.stats],
      [true, true, true, true]);
  });

  it('shares one registry: a function hinted through ESM is in the CommonJS stats()', () => {
    esm.jitFocus(function hintedThroughEsm(x: number) { return x; });
    assert.ok(cjs.stats().some((s) => s.name === 'hintedThroughEsm'));
  });

  it('shares one configuration', () => {
    const before = cjs.configure();
    try {
      esm.configure({ profile: !before.profile });
      assert.equal(cjs.configure().profile, !before.profile);
    } finally {
      cjs.configure({ profile: before.profile });
    }
  });
});

describe('package entry points ("exports" in package.json)', () => {
  it("import('jitctl') and require('jitctl') give the same jitFocus", () => {
    // In a child process whose working directory is the package, so that 'jitctl' resolves to this package.
    const root = path.join(__dirname, '..', '..');
    const script = "import('jitctl').then((esm) => { const cjs = require('jitctl'); console.log(esm.jitFocus === cjs.jitFocus && esm.default === undefined); })";
    const run = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.stdout.trim(), 'true', run.stderr);
  });
});
