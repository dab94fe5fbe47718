#!/usr/bin/env bash
# Builds the committed prebuilds: prebuilds/linux-x64 and prebuilds/linux-arm64 (cross-compiled).
#   bash tools/prebuild.sh            # both
#   bash tools/prebuild.sh x64        # one
# Needs g++ and, for arm64, g++-aarch64-linux-gnu. Node headers come from npm_config_nodedir
# (default /usr, where Debian's nodejs puts them) because node-gyp cannot download them offline.
# Without CC/CXX, prebuildify would silently put an x86-64 binary into linux-arm64/, so the
# result is checked with `file`.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
target="$(node -p process.versions.node)"
archs=("${@:-x64 arm64}")
read -r -a archs <<< "${archs[*]}"

for arch in "${archs[@]}"; do
  case "$arch" in
    x64)
      npx prebuildify --napi --strip --target "$target" --arch x64
      expect='x86-64'
      ;;
    arm64)
      CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ \
        npx prebuildify --napi --strip --strip-bin aarch64-linux-gnu-strip --target "$target" --arch arm64
      expect='ARM aarch64'
      ;;
    *)
      echo "unknown arch $arch (x64 or arm64)" >&2
      exit 2
      ;;
  esac
  file "prebuilds/linux-$arch/"*.node | grep -q "$expect" || {
    echo "prebuilds/linux-$arch does not hold an $expect binary:" >&2
    file "prebuilds/linux-$arch/"*.node >&2
    exit 1
  }
done
# The local build/ of the last cross-compile must not shadow the prebuilds (node-gyp-build
# prefers build/Release).
rm -rf build
ls -l prebuilds/*/
