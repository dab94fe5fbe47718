// The digest of the native sources compiled into the addon (binding.gyp and CMakeLists.txt pass it
// as JITCTL_SOURCE_DIGEST). A test compares the digest a prebuild reports with the digest of the
// sources in the tree, so a prebuild that is older than its sources fails CI.
// Usage: node native/source-digest.js  (prints the digest)
'use strict';
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative, sep } = require('node:path');

function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else if (/\.(h|cc|map)$/.test(name)) out.push(path);
  }
  return out;
}

// Every input of the addon's machine code: the engine (native/core), the generated micro-op and
// stencil headers (native/generated), the Node-API binding and the linker's export list
// (native/node), the public header (native/include) and the gyp file whose flags shape the
// prebuilds. native/test is not compiled into the addon.
const INPUT_DIRS = ['core', 'generated', 'node', 'include'];

function sourceDigest(root) {
  const files = [...INPUT_DIRS.flatMap((dir) => listFiles(join(root, 'native', dir))), join(root, 'binding.gyp')];
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(root, file).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

module.exports = { INPUT_DIRS, sourceDigest };

if (require.main === module) process.stdout.write(sourceDigest(join(__dirname, '..')));
