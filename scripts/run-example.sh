#!/usr/bin/env bash
# Builds digestx and runs its main job on the bundled example, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target digestx
for ref in alpine:3.12 docker.io/library/alpine:3.12@sha256:d9459083f962de6bd980ae6a05be2a4cf670df6a1d898157bceb420342bec280 \
           localhost:5000/team/app oci:examples/alpine-3.12:3.12; do
  echo "\$ digestx ref $ref"
  ./build/digestx ref "$ref"
  echo
done
echo "\$ digestx digest --file examples/alpine-3.12/blobs/sha256/74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18"
./build/digestx digest --file examples/alpine-3.12/blobs/sha256/74e5ad84a67e9b8ed7609b32dc2460b76175020923d7f494a73a851446222d18
echo
# The main job: the whole digest graph of alpine:3.12 (real amd64 documents, synthetic siblings).
echo "\$ digestx inspect oci:examples/alpine-3.12:3.12"
./build/digestx inspect oci:examples/alpine-3.12:3.12
echo
echo "\$ digestx inspect --platform linux/amd64 oci:examples/alpine-3.12:3.12"
./build/digestx inspect --platform linux/amd64 oci:examples/alpine-3.12:3.12
