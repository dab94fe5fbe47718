// The builds agree with the sources: binding.gyp compiles every engine source, and the loaded addon
// and every committed prebuild carry the digest of the native sources in this tree (a prebuild
// left behind by a source change fails here, and so in CI).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { engineStatus, nativeSourceDigest } from '../../lib/engine.js';
import { ROOT, readRoot } from './helpers.js';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sourceDigest } = require(join(ROOT, 'native', 'src', 'source-digest.js')) as { sourceDigest(root: string): string };

describe('native build', () => {
  const digest = sourceDigest(ROOT);

  it('binding.gyp compiles every .cc file of native/src (CMakeLists.txt globs them)', () => {
    const gyp = readRoot('binding.gyp');
    const listed = [...gyp.matchAll(/'native\/src\/([\w-]+\.cc)'/g)].map((m) => m[1]).sort();
    const present = readdirSync(join(ROOT, 'native', 'src')).filter((f) => f.endsWith('.cc')).sort();
    assert.deepEqual(listed, present);
  });

  it('the loaded addon was built from the native sources in this tree', () => {
    assert.equal(engineStatus().loaded, true, engineStatus().error);
    assert.equal(nativeSourceDigest(), digest, 'rebuild: npm run build:native (or bash tools/prebuild.sh)');
  });

  for (const dir of ['linux-x64', 'linux-arm64']) {
    it(`the committed prebuild prebuilds/${dir} is current (carries digest of the sources)`, () => {
      const files = readdirSync(join(ROOT, 'prebuilds', dir)).filter((f) => f.endsWith('.node'));
      assert.equal(files.length, 1, `one addon in prebuilds/${dir}`);
      const binary = readFileSync(join(ROOT, 'prebuilds', dir, files[0]));
      assert.ok(binary.includes(Buffer.from(digest)), `prebuilds/${dir} is stale: run bash tools/prebuild.sh`);
    });
  }
});
