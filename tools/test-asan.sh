#!/usr/bin/env bash
# Builds the addon with AddressSanitizer (cmake-js, into build-asan/) and runs the native mocha
# suite against it; then builds and runs the C++ tests (ctest) with AddressSanitizer too.
#   bash tools/test-asan.sh
# Needs g++ (libasan), cmake. Node itself is not instrumented, so libasan is preloaded and leak
# detection is off (Node keeps allocations alive at exit by design).
set -euo pipefail
cd "$(dirname "$0")/.."
flags="-fsanitize=address -fno-omit-frame-pointer -g -O1"
npx cmake-js compile --out build-asan --CDCMAKE_BUILD_TYPE=RelWithDebInfo \
  "--CDCMAKE_CXX_FLAGS=$flags" "--CDCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address"
[ -f dist/test/native/uops.test.js ] || npm run build:ts
libasan=$(g++ -print-file-name=libasan.so)
specs=$(ls dist/test/native/*.test.js | grep -v -e '/package\.test\.js$' -e '/build\.test\.js$')
LD_PRELOAD="$libasan" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 JITCTL_ADDON=build-asan/Release/jitctl.node \
  node node_modules/mocha/bin/mocha.js --config test/native/mocharc.json $specs "$@"

cmake -S . -B build-asan-ctest -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS=$flags" \
  "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address" > /dev/null
cmake --build build-asan-ctest -j2
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan-ctest --output-on-failure
