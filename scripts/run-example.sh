#!/usr/bin/env bash
# Builds digestx and runs its main job on the bundled example, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target digestx
# The main job: the whole digest graph of alpine:3.12 (real amd64 documents, synthetic siblings).
echo "\$ digestx inspect oci:examples/alpine-3.12:3.12"
./build/digestx inspect oci:examples/alpine-3.12:3.12
echo
echo "\$ digestx inspect --platform linux/amd64 oci:examples/alpine-3.12:3.12"
./build/digestx inspect --platform linux/amd64 oci:examples/alpine-3.12:3.12
