#!/usr/bin/env bash
# Rebuilds examples/alpine-3.12, the OCI image layout that digestx's README walks through.
#
# Two documents are real, byte for byte: the alpine:3.12 linux/amd64 manifest (74e5ad84…) and its
# image config (b0925e08…), as Docker Hub served them in November 2021 (from
# ../shared/fixtures/alpine-3.12). The other six platforms' manifests and configs are SYNTHETIC
# stand-ins, marked as such inside every one of them, and the manifest list tying the seven
# together is therefore synthetic too: its digest differs from the real list's d9459083….
# Layer blobs are not included (digestx never needs them); the layout holds every manifest,
# index and config blob. The output is deterministic: running this again changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
fixtures=${1:-../shared/fixtures/alpine-3.12}
out=examples/alpine-3.12
rm -rf "$out"
mkdir -p "$out/blobs/sha256"

# put FILE: stores FILE as a blob and prints "digest size".
put() {
  local hex size
  hex=$(sha256sum "$1" | cut -d' ' -f1)
  size=$(stat -c %s "$1")
  cp "$1" "$out/blobs/sha256/$hex"
  echo "sha256:$hex $size"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# platform  architecture  variant  compressed-size-of-the-synthetic-layer
platforms=(
  "linux/386 386 - 2670000"
  "linux/amd64 amd64 - real"
  "linux/arm/v6 arm v6 2490000"
  "linux/arm/v7 arm v7 2310000"
  "linux/arm64/v8 arm64 v8 2590000"
  "linux/ppc64le ppc64le - 2690000"
  "linux/s390x s390x - 2460000"
)

entries=()
for line in "${platforms[@]}"; do
  read -r platform arch variant layer_size <<<"$line"
  if [[ "$layer_size" == real ]]; then
    cp "$fixtures/config-linux-amd64.json" "$work/config"
    cp "$fixtures/manifest-linux-amd64.json" "$work/manifest"
    put "$work/config" >/dev/null
  else
    layer="sha256:$(printf 'synthetic digestx example layer for alpine:3.12 %s' "$platform" | sha256sum | cut -d' ' -f1)"
    diff_id="sha256:$(printf 'synthetic digestx example diff_id for alpine:3.12 %s' "$platform" | sha256sum | cut -d' ' -f1)"
    variant_field=""
    [[ "$variant" == - ]] || variant_field=",\"variant\":\"$variant\""
    printf '{"architecture":"%s","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"],"Labels":{"org.digestx.example":"synthetic"}},"created":"2021-11-12T17:20:08Z","history":[{"created":"2021-11-12T17:20:08Z","created_by":"SYNTHETIC digestx example: stands in for alpine:3.12 %s, not the real image"}],"os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]}%s}' \
      "$arch" "$platform" "$diff_id" "$variant_field" >"$work/config"
    read -r config_digest config_size < <(put "$work/config")
    printf '{\n   "schemaVersion": 2,\n   "mediaType": "application/vnd.docker.distribution.manifest.v2+json",\n   "config": {\n      "mediaType": "application/vnd.docker.container.image.v1+json",\n      "size": %s,\n      "digest": "%s"\n   },\n   "layers": [\n      {\n         "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",\n         "size": %s,\n         "digest": "%s"\n      }\n   ]\n}' \
      "$config_size" "$config_digest" "$layer_size" "$layer" >"$work/manifest"
  fi
  read -r manifest_digest manifest_size < <(put "$work/manifest")
  variant_json=""
  [[ "$variant" == - ]] || variant_json=$(printf ',\n            "variant": "%s"' "$variant")
  entries+=("$(printf '      {\n         "mediaType": "application/vnd.docker.distribution.manifest.v2+json",\n         "size": %s,\n         "digest": "%s",\n         "platform": {\n            "architecture": "%s",\n            "os": "linux"%s\n         }\n      }' \
    "$manifest_size" "$manifest_digest" "$arch" "$variant_json")")
done

{
  printf '{\n   "manifests": [\n'
  for i in "${!entries[@]}"; do
    printf '%s' "${entries[$i]}"
    ((i + 1 < ${#entries[@]})) && printf ',\n' || printf '\n'
  done
  printf '   ],\n   "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",\n   "schemaVersion": 2\n}'
} >"$work/list"
read -r list_digest list_size < <(put "$work/list")

printf '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"3.12"}}]}\n' \
  "$list_digest" "$list_size" >"$out/index.json"
echo "examples/alpine-3.12: list $list_digest ($list_size bytes)"
