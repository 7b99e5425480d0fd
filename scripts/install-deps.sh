#!/usr/bin/env bash
# Installs the Debian 12 packages digestx builds and tests with, if any is missing.
# Runs as root on a fresh machine; does nothing (and needs no network) when all are present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build git ca-certificates openssl curl
  libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libcli11-dev catch2 libexpected-dev
  # YAML parser for the Compose, Kubernetes and workflow scanners of `check` and `pin`.
  libyaml-cpp-dev
  # TOML parser for containers' registries.conf (registry mirrors and relocations).
  libtomlplusplus-dev
  # The CNCF distribution registry: the integration tests start real instances of it.
  docker-registry
  # libcrypt's bcrypt writes the test registry's htpasswd file (no apache2-utils needed).
  libcrypt-dev
  # clang with libFuzzer's runtime builds the fuzz targets (-DDIGESTX_FUZZ=ON, docs/fuzzing.md).
  clang libclang-rt-14-dev
  # Man pages are Markdown rendered by pandoc at build time; the .deb's Depends line comes from
  # dpkg-shlibdeps (dpkg-dev), which CPack runs on the binaries `file` identifies as ELF.
  pandoc dpkg-dev file
  # The completion tests run the generated zsh and fish scripts in the real shells.
  zsh fish
)
if [[ "${DIGESTX_EXTRA_PACKAGES:-}" != "" ]]; then
  read -r -a extra <<<"$DIGESTX_EXTRA_PACKAGES"
  packages+=("${extra[@]}")
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
