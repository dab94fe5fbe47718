// The builds agree with the sources: binding.gyp compiles every engine source, and the loaded addon
// and every committed prebuild carry the digest of the native sources in this tree (a prebuild
// left behind by a source change fails here, and so in CI).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';

import { engineStatus, nativeSourceDigest } from '../../lib/engine.js';
import { ROOT, readRoot } from './helpers.js';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sourceDigest } = require(join(ROOT, 'native', 'source-digest.js')) as { sourceDigest(root: string): string };

// The dynamic symbols an addon defines (binutils nm reads both x86-64 and AArch64 ELF).
function exportedSymbols(path: string): string[] {
  const out = execFileSync('nm', ['-D', '--defined-only', path], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((line) => line.split(' ').pop()!).sort();
}
const NODE_API_ENTRY_POINTS = ['napi_register_module_v1', 'node_api_module_get_api_version_v1'];

describe('native build', () => {
  const digest = sourceDigest(ROOT);

  // Every .cc file of native/ but the C++ tests: native/core (CMakeLists.txt globs it for the
  // engine library) and native/node (the binding, which CMakeLists.txt globs for cmake-js).
  it('binding.gyp compiles every .cc file of native/ outside native/test (CMakeLists.txt globs them)', () => {
    const gyp = readRoot('binding.gyp');
    const listed = [...gyp.matchAll(/'(native\/[\w/-]+\.cc)'/g)].map((m) => m[1]).sort();
    const present = (readdirSync(join(ROOT, 'native'), { recursive: true }) as string[])
      .map((f) => f.split(sep).join('/'))
      .filter((f) => f.endsWith('.cc') && !f.startsWith('test/'))
      .map((f) => `native/${f}`)
      .sort();
    assert.deepEqual(listed, present);
  });

  it('the loaded addon was built from the native sources in this tree', () => {
    assert.equal(engineStatus().loaded, true, engineStatus().error);
    assert.equal(nativeSourceDigest(), digest, 'rebuild: npm run build:native (or bash tools/prebuild.sh)');
  });

  it('the loaded addon exports only the Node-API entry points (node-gyp and cmake-js alike)', () => {
    assert.equal(engineStatus().loaded, true, engineStatus().error);
    const addons = Object.keys(require.cache).filter((path) => path.endsWith('.node'));
    assert.equal(addons.length, 1, `one addon loaded: ${addons.join(', ')}`);
    assert.deepEqual(exportedSymbols(addons[0]), NODE_API_ENTRY_POINTS);
  });

  for (const dir of ['linux-x64', 'linux-arm64']) {
    it(`the committed prebuild prebuilds/${dir} exports only the Node-API entry points`, () => {
      const files = readdirSync(join(ROOT, 'prebuilds', dir)).filter((f) => f.endsWith('.node'));
      assert.deepEqual(exportedSymbols(join(ROOT, 'prebuilds', dir, files[0])), NODE_API_ENTRY_POINTS);
    });

    it(`the committed prebuild prebuilds/${dir} is current (carries digest of the sources)`, () => {
      const files = readdirSync(join(ROOT, 'prebuilds', dir)).filter((f) => f.endsWith('.node'));
      assert.equal(files.length, 1, `one addon in prebuilds/${dir}`);
      const binary = readFileSync(join(ROOT, 'prebuilds', dir, files[0]));
      assert.ok(binary.includes(Buffer.from(digest)), `prebuilds/${dir} is stale: run bash tools/prebuild.sh`);
    });
  }
});
