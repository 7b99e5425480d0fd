#!/usr/bin/env bash
# The digestx benchmark: wall time, peak memory and requests of digestx, skopeo and
# `docker manifest inspect` reading the same multi-platform image from a real registry
# (Debian's docker-registry on 127.0.0.1) behind a proxy that injects network latency.
# See bench/README.md for what is measured and how to read the table.
#
# Knobs (environment):
#   BENCH_RUNS=5          measured runs per command and latency (after one unmeasured warm-up run)
#   BENCH_RTTS="0 25 100" round-trip times in ms to inject, one table each (0: loopback through
#                         the proxy, the start-up and CPU baseline)
#   BENCH_JOBS=2          parallel build jobs
#   BENCH_BUILD_DIR=build-bench   where digestx is built (Release, no tests)
#   BENCH_DIGESTX=PATH    measure this digestx binary instead of building one (it should be a
#                         Release build: a Debug binary's times say little)
#   BENCH_OUT=DIR         where the results (table, raw TSV, request logs) are kept
#                         (default BUILD_DIR/bench-results)
#   BENCH_SKIP_INSTALL=1  do not install missing Debian packages
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
runs=${BENCH_RUNS:-5}
rtts=${BENCH_RTTS:-"0 25 100"}
jobs=${BENCH_JOBS:-2}
build_dir=${BENCH_BUILD_DIR:-$root/build-bench}
out_dir=${BENCH_OUT:-$build_dir/bench-results}
python=/usr/bin/python3
[[ -x $python ]] || python=$(command -v python3)
registry_bin=/usr/bin/docker-registry
repository=bench/app
tag=multi

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$runs'"

# --- packages --------------------------------------------------------------------------------
install_packages() {
    local missing=()
    command -v skopeo >/dev/null || missing+=(skopeo)
    [[ -x /usr/bin/time ]] || missing+=(time)
    [[ -x $registry_bin ]] || missing+=(docker-registry)
    command -v cmake >/dev/null || missing+=(cmake)
    command -v curl >/dev/null || missing+=(curl)
    ((${#missing[@]} == 0)) && return 0
    [[ ${BENCH_SKIP_INSTALL:-0} == 1 ]] && die "missing: ${missing[*]} (BENCH_SKIP_INSTALL=1)"
    ((EUID == 0)) || die "missing Debian packages: ${missing[*]}; run as root or install them"
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
}
install_packages
# The product's own build dependencies are installed by scripts/install-deps.sh.
docker_bin=$(command -v docker || true)
[[ -n $docker_bin ]] || say "note: no docker CLI on PATH; the docker rows are skipped"

# --- build -----------------------------------------------------------------------------------
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [[ -n ${BENCH_DIGESTX:-} ]]; then
    digestx=$BENCH_DIGESTX
    [[ -x $digestx ]] || die "BENCH_DIGESTX=$digestx is not an executable"
    say "using $digestx (not built here)"
else
    say "building digestx (Release) in $build_dir"
    cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DDIGESTX_TESTS=OFF \
        "${launcher[@]}" >/dev/null
    cmake --build "$build_dir" --target digestx -j "$jobs" >/dev/null
    digestx=$build_dir/digestx
fi

# --- temporary state and clean-up ------------------------------------------------------------
work=$(mktemp -d /tmp/digestx-bench.XXXXXX)
# The registry's filesystem driver fsyncs every file it writes; in RAM that costs nothing.
storage_parent=/dev/shm
[[ -d $storage_parent && -w $storage_parent ]] || storage_parent=$work
storage=$(mktemp -d "$storage_parent/digestx-bench-storage.XXXXXX")
registry_pid=
proxy_pid=

stop_pid() {
    local pid=$1
    [[ -n $pid ]] || return 0
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    stop_pid "$proxy_pid"
    stop_pid "$registry_pid"
    rm -rf "$work" "$storage"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- the registry ----------------------------------------------------------------------------
start_registry() {
    for _ in 1 2 3; do
        registry_port=$(free_port)
        # The same configuration as the integration tests' bed (tests/support/registry_bed.cpp),
        # open mode: no cache section, so every request reads the storage.
        cat >"$work/registry.yml" <<EOF
version: 0.1
log:
  level: warn
  formatter: text
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: "$storage"
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: "127.0.0.1:$registry_port"
  secret: "digestx-bench-secret"
EOF
        # REGISTRY_* variables would override the file.
        local unset_vars=() name
        for name in $(compgen -e); do
            if [[ $name == REGISTRY_* ]]; then unset_vars+=(-u "$name"); fi
        done
        env "${unset_vars[@]}" "$registry_bin" serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
        registry_pid=$!
        for _ in $(seq 100); do
            if curl -fsS -o /dev/null "http://127.0.0.1:$registry_port/v2/" 2>/dev/null; then return 0; fi
            kill -0 "$registry_pid" 2>/dev/null || break
            sleep 0.1
        done
        stop_pid "$registry_pid"
        registry_pid=
        grep -q 'address already in use' "$work/registry.log" || break
    done
    tail -20 "$work/registry.log" >&2
    die "the registry did not start"
}

start_proxy() {
    local rtt=$1 half
    half=$(awk -v r="$rtt" 'BEGIN { printf "%g", r / 2 }')
    rm -f "$work/proxy.port"
    : >"$work/proxy-$rtt.log"
    "$python" "$here/latency_proxy.py" --upstream "127.0.0.1:$registry_port" --up-ms "$half" --down-ms "$half" \
        --log "$work/proxy-$rtt.log" --port-file "$work/proxy.port" 2>"$work/proxy-$rtt.err" &
    proxy_pid=$!
    for _ in $(seq 100); do
        [[ -s $work/proxy.port ]] && break
        kill -0 "$proxy_pid" 2>/dev/null || { cat "$work/proxy-$rtt.err" >&2; die "the proxy exited"; }
        sleep 0.05
    done
    [[ -s $work/proxy.port ]] || die "the proxy did not start"
    proxy_port=$(<"$work/proxy.port")
    proxy_log=$work/proxy-$rtt.log
}

say "starting $registry_bin on 127.0.0.1"
start_registry
say "loading fixtures into 127.0.0.1:$registry_port"
declare -A fact
while IFS='=' read -r key value; do fact[$key]=$value; done < <(
    "$python" "$here/load_fixtures.py" --registry "http://127.0.0.1:$registry_port" \
        --repository "$repository" --tag "$tag")
[[ -n ${fact[list_digest]:-} ]] || die "the fixture loader printed no list digest"
say "loaded $repository:$tag = ${fact[list_digest]} (${fact[platforms]} platforms)"

# --- the commands ----------------------------------------------------------------------------
mkdir -p "$work/docker-config" "$out_dir"
export DOCKER_CONFIG=$work/docker-config
# `docker manifest` talks to the registry only; no daemon is needed (or contacted).
export DOCKER_HOST=unix://$work/no-docker-daemon.sock

# label | tool | command line (words split on spaces; REF is replaced by the reference)
cases=(
    "digestx|digestx digest|$digestx digest --plain-http REF"
    "digestx|digestx manifest|$digestx manifest --plain-http REF"
    "digestx|digestx inspect|$digestx inspect --plain-http REF"
    "digestx|digestx inspect --platform linux/amd64|$digestx inspect --plain-http --platform linux/amd64 REF"
    "skopeo|skopeo inspect --raw|skopeo inspect --raw --tls-verify=false docker://REF"
    "skopeo|skopeo inspect|skopeo inspect --tls-verify=false docker://REF"
)
if [[ -n $docker_bin ]]; then
    cases+=(
        "docker|docker manifest inspect|$docker_bin manifest inspect --insecure REF"
        "docker|docker manifest inspect -v|$docker_bin manifest inspect --insecure -v REF"
    )
fi

command_for() { # case ref -> argv array in `argv`
    local line=${1##*|}
    read -r -a argv <<<"${line//REF/$2}"
}

# Every tool must read the same image before its speed means anything.
check_answers() {
    local ref=$1 got
    got=$("$digestx" digest --plain-http "$ref")
    [[ $got == "${fact[list_digest]}" ]] || die "digestx digest printed '$got', expected ${fact[list_digest]}"
    got=$(skopeo inspect --raw --tls-verify=false "docker://$ref" | sha256sum | cut -d' ' -f1)
    [[ sha256:$got == "${fact[list_digest]}" ]] || die "skopeo --raw bytes hash to sha256:$got"
    got=$(skopeo inspect --tls-verify=false "docker://$ref")
    grep -q "${fact[list_digest]}" <<<"$got" || die "skopeo inspect does not name the list digest"
    if [[ -n $docker_bin ]]; then
        got=$("$docker_bin" manifest inspect --insecure -v "$ref")
        grep -q "${fact[amd64_manifest]}" <<<"$got" || die "docker manifest inspect -v misses the amd64 manifest"
    fi
}

count_lines() { wc -l <"$1" | tr -d ' '; }

# Runs one command once; appends a TSV row when `record` is set.
measure() {
    local rtt=$1 entry=$2 run=$3 record=$4
    local tool=${entry%%|*} rest=${entry#*|}
    local label=${rest%%|*}
    local before after start end rss status=0
    command_for "$entry" "127.0.0.1:$proxy_port/$repository:$tag"
    before=$(count_lines "$proxy_log")
    start=${EPOCHREALTIME/./}
    /usr/bin/time -f '%M' -o "$work/time.out" "${argv[@]}" >"$work/cmd.out" 2>"$work/cmd.err" || status=$?
    end=${EPOCHREALTIME/./}
    if ((status != 0)); then
        cat "$work/cmd.err" >&2
        die "'${argv[*]}' exited with $status"
    fi
    rss=$(tail -1 "$work/time.out")
    # Requests are logged when the proxy reads them; the END lines (bytes) follow the clients'
    # close by a few milliseconds.
    for _ in $(seq 50); do
        after=$(tail -n "+$((before + 1))" "$proxy_log")
        (($(grep -c '^CONN' <<<"$after" || true) == $(grep -c '^END' <<<"$after" || true))) && break
        sleep 0.02
    done
    ((record)) || return 0
    local requests connections raw down
    requests=$(grep -c '^REQ' <<<"$after" || true)
    connections=$(grep -c '^CONN' <<<"$after" || true)
    raw=$(grep -c '^RAW' <<<"$after" || true)
    down=$(awk '$1 == "END" { s += $4 } END { print s + 0 }' <<<"$after")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rtt" "$tool" "$label" "$run" \
        "$((end - start))" "$rss" "$requests" "$connections" "$raw" "$down" >>"$raw_tsv"
    if ((run == 1)); then
        { printf '### RTT %s ms: %s\n\n' "$rtt" "$label"; grep -E '^(REQ|RAW)' <<<"$after" | sed 's/^/    /'; echo; } \
            >>"$requests_md"
    fi
}

stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
raw_tsv=$out_dir/bench-$stamp.tsv
requests_md=$out_dir/bench-$stamp-requests.md
table_md=$out_dir/bench-$stamp.md
printf 'rtt_ms\ttool\tcommand\trun\twall_us\tmax_rss_kb\trequests\tconnections\tnon_http\tbytes_down\n' >"$raw_tsv"
: >"$requests_md"

for rtt in $rtts; do
    [[ $rtt =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "BENCH_RTTS: '$rtt' is not a number of milliseconds"
    start_proxy "$rtt"
    say "RTT $rtt ms: proxy 127.0.0.1:$proxy_port -> registry 127.0.0.1:$registry_port, $runs runs per command"
    check_answers "127.0.0.1:$proxy_port/$repository:$tag"
    for entry in "${cases[@]}"; do
        measure "$rtt" "$entry" 0 0 # warm-up: page cache, the docker CLI's first-run files
        for run in $(seq "$runs"); do measure "$rtt" "$entry" "$run" 1; done
    done
    stop_pid "$proxy_pid"
    proxy_pid=
done

{
    echo "digestx benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1))"
    echo
    echo "- digestx: $("$digestx" --version 2>/dev/null | head -1) (Release, $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
    echo "- skopeo: $(skopeo --version)"
    [[ -n $docker_bin ]] && echo "- docker CLI: $("$docker_bin" --version)"
    echo "- registry: $("$registry_bin" --version 2>&1 | head -1)"
    echo "- image: $repository:$tag, a Docker manifest list of ${fact[platforms]} platforms (${fact[list_digest]})"
    echo "- $runs measured runs per row after one warm-up run"
    echo
    "$python" "$here/summarize.py" "$raw_tsv"
} | tee "$table_md"
say "results: $table_md (raw: $raw_tsv, requests of run 1: $requests_md)"
