#!/usr/bin/env bash
# Builds digestx and runs every test (unit, conformance, integration against real registries).
# Usage: scripts/test.sh            (release build with warnings as errors, in build/)
#        DIGESTX_SANITIZE=1 scripts/test.sh   (address+undefined sanitizers, in build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

build_dir=build
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DDIGESTX_WERROR=ON)
if [[ "${DIGESTX_SANITIZE:-0}" == "1" ]]; then
  build_dir=build-asan
  flags=(-DCMAKE_BUILD_TYPE=Debug -DDIGESTX_WERROR=ON -DDIGESTX_SANITIZE=ON)
fi
cmake -S . -B "$build_dir" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" --timeout 300
cd ..
# The .deb: built by CPack, unpacked into a temporary root and run from there.
scripts/package-test.sh "$build_dir"
