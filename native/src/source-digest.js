// The digest of the native sources compiled into the addon (binding.gyp and CMakeLists.txt pass it
// as JITCTL_SOURCE_DIGEST). A test compares the digest a prebuild reports with the digest of the
// sources in the tree, so a prebuild that is older than its sources fails CI.
// Usage: node native/src/source-digest.js  (prints the digest)
'use strict';
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative, sep } = require('node:path');

function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else if (/\.(h|cc|js|map)$/.test(name)) out.push(path);
  }
  return out;
}

// Every input of the addon's machine code: the C++ sources and headers (generated stencil headers
// included), the linker's export list and the gyp file whose flags shape the prebuilds.
function sourceDigest(root) {
  const files = [...listFiles(join(root, 'native', 'src')), ...listFiles(join(root, 'native', 'include')), join(root, 'binding.gyp')];
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(root, file).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

module.exports = { sourceDigest };

if (require.main === module) process.stdout.write(sourceDigest(join(__dirname, '..', '..')));
