#!/usr/bin/env bash
# Builds the Debian package from a configured build tree, unpacks it into a temporary root and
# runs the installed copy: what a fresh Debian 12 machine gets from `apt install ./digestx_*.deb`.
# Usage: scripts/package-test.sh BUILD_DIR     (scripts/test.sh runs it after the tests)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=$(realpath "${1:?usage: scripts/package-test.sh BUILD_DIR}")
fail() { echo "package test: $*" >&2; exit 1; }

(cd "$build_dir" && rm -f digestx_*.deb && cpack -G DEB >/dev/null)
deb=$(ls "$build_dir"/digestx_*.deb)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# The dependencies: the runtime libraries dpkg-shlibdeps found, and libcurl, which digestx opens
# when a command first needs the network (declared in cmake/DigestxInstall.cmake).
depends=$(dpkg-deb -f "$deb" Depends)
[[ "$depends" == *libcurl4* ]] || fail "Depends names no libcurl: $depends"
[[ "$depends" == *libssl3* ]] || fail "Depends names no libssl3: $depends"

dpkg -x "$deb" "$root"
digestx="$root/usr/bin/digestx"
[[ -x "$digestx" ]] || fail "no usr/bin/digestx in $deb"

version=$("$digestx" --version)
[[ "$version" == "digestx "*$'\n'"libcurl "* ]] || fail "unexpected --version output: $version"
echo "$version"
# The package's version is the binary's: both come from git describe when there is a checkout.
deb_version=$(dpkg-deb -f "$deb" Version)
[[ "${version%%$'\n'*}" == "digestx $deb_version" ]] || fail "package version $deb_version is not --version's: ${version%%$'\n'*}"

# One real command, offline: the bundled example layout, through the installed binary.
inspect=$("$digestx" inspect oci:examples/alpine-3.12:3.12)
[[ "$inspect" == *"manifest list"*"407b6b6a6e2d"* ]] || fail "inspect of the example printed: $inspect"
ref=$("$digestx" -o json ref alpine:3.12)
[[ "$ref" == *'"canonical": "docker.io/library/alpine:3.12"'* ]] || fail "ref printed: $ref"

for page in digestx digestx-inspect digestx-check digestx-completion; do
  [[ -f "$root/usr/share/man/man1/$page.1.gz" ]] || fail "no man page $page.1.gz in $deb"
done
if command -v man >/dev/null; then
  rendered=$(MANPAGER=cat MANWIDTH=100 man -l "$root/usr/share/man/man1/digestx.1.gz" 2>&1) || fail "man -l failed: $rendered"
  [[ "$rendered" == *"NAME"*"digestx - which container-image digest is which"* ]] || fail "man -l rendered: $rendered"
fi

# The packaged bash completion, sourced as bash-completion's loader sources it.
completion="$root/usr/share/bash-completion/completions/digestx"
offers=$(bash --norc -c 'source "$1"; COMP_WORDS=(digestx ins); COMP_CWORD=1; _digestx; echo "${COMPREPLY[*]}"' _ "$completion")
[[ "$offers" == "inspect" ]] || fail "bash completion of 'digestx ins' offered: $offers"
[[ -s "$root/usr/share/zsh/vendor-completions/_digestx" ]] || fail "no zsh completion in $deb"
[[ -s "$root/usr/share/fish/vendor_completions.d/digestx.fish" ]] || fail "no fish completion in $deb"

echo "package test: $(basename "$deb") unpacks and runs (Depends: $depends)"
