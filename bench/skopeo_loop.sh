#!/usr/bin/env bash
# What `digestx check` does, done with skopeo as a shell script would: for every
# HOST/REPOSITORY:TAG@DIGEST line of LIST, ask the registry for the tag's digest with
# `skopeo inspect` and compare it with the pinned one. Exits 1 when one differs.
# Usage: skopeo_loop.sh LIST [skopeo options...]
set -euo pipefail
list=$1
shift
status=0
while read -r line; do
    [[ -n $line ]] || continue
    got=$(skopeo inspect "$@" --format '{{.Digest}}' "docker://${line%@*}")
    if [[ $got != "${line##*@}" ]]; then
        echo "drift: ${line%@*} is $got, pinned ${line##*@}" >&2
        status=1
    fi
done <"$list"
exit "$status"
