#!/usr/bin/env bash
# Runs the part of the suite that applies to Deno and Bun (hints, options, stats, warm-up, the
# native engine) on the real binaries, from the npm registry packages @deno/linux-x64-glibc and
# @oven/bun-linux-x64, unpacked once into .cache/runtimes/. Build first (npm run build:ts).
#
#   bash tools/runtimes.sh               # fetch if needed, then run under Deno and Bun
#   bash tools/runtimes.sh --fetch-only  # only download the binaries (test/runtimes.test.ts uses them)
set -euo pipefail
cd "$(dirname "$0")/.."
DENO_VERSION=2.9.6
BUN_VERSION=1.4.5
cache=.cache/runtimes
deno="$cache/deno-linux-x64-glibc-$DENO_VERSION/deno"
bun="$cache/oven-bun-linux-x64-$BUN_VERSION/bin/bun"

fetch() { # package version dir
  local dir="$cache/$3"
  [ -d "$dir" ] && return 0
  mkdir -p "$cache"
  echo "runtimes: fetching $1@$2" >&2
  local tgz
  tgz="$(npm pack "$1@$2" --pack-destination "$cache" --silent | tail -n 1)"
  mkdir -p "$dir.partial"
  tar -xzf "$cache/$tgz" -C "$dir.partial" --strip-components=1
  rm -f "$cache/$tgz"
  mv "$dir.partial" "$dir"
}
fetch @deno/linux-x64-glibc "$DENO_VERSION" "deno-linux-x64-glibc-$DENO_VERSION"
fetch @oven/bun-linux-x64 "$BUN_VERSION" "oven-bun-linux-x64-$BUN_VERSION"
chmod +x "$deno" "$bun"
[ "${1:-}" = "--fetch-only" ] && exit 0

# The specs that are about jitctl itself rather than about V8 or Node: they must pass wherever
# jitctl runs. The engine's Math oracles are left out: they check the stencils against the running
# engine's Math, and Bun's JavaScriptCore and Deno's newer V8 compute some functions differently
# in the last place (docs/native-engine.md).
specs=(
  dist/test/hints.test.js dist/test/options.test.js dist/test/decorators.test.js dist/test/config.test.js
  dist/test/stats.test.js dist/test/tiers-warmup.test.js dist/test/tierwatch.test.js dist/test/profiler.test.js
  dist/test/native/calls.test.js dist/test/native/control-flow.test.js dist/test/native/validator.test.js
  dist/test/native/trace-builder.test.js dist/test/native/trace-builder-errors.test.js
)
echo "== Deno $("$deno" --version | head -n 1)"
"$deno" run -A node_modules/mocha/bin/mocha.js --no-config --timeout 60000 "${specs[@]}"
echo "== Bun $("$bun" --version)"
"$bun" node_modules/mocha/bin/mocha.js --no-config --timeout 60000 "${specs[@]}"
# The jsc tier's own tests hint small numeric functions, which the native tier would take first on
# Bun: they run with the addon off, so that they test the jsc tier (the native tier on Bun is
# tested by test/runtimes.test.ts).
echo "== Bun $("$bun" --version): the jsc tier, native tier off"
JITCTL_NATIVE=off "$bun" node_modules/mocha/bin/mocha.js --no-config --timeout 60000 dist/test/tiers-jsc.test.js
