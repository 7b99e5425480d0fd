#!/usr/bin/env bash
# The digestx benchmark: wall time, peak memory, requests and connections of digestx, skopeo and
# `docker manifest inspect` reading the same images from a real registry (Debian's
# docker-registry on 127.0.0.1) behind proxies that inject network latency, in three settings:
# plain HTTP/1.1, HTTPS with HTTP/2, and the Docker Hub topology (token server and blob CDN on
# other hosts). See bench/README.md for what is measured and how to read the tables.
#
# Knobs (environment):
#   BENCH_RUNS=3            measured runs per command and latency (after one unmeasured warm-up run)
#   BENCH_RTTS="0 20"       round-trip times in ms to inject, one table each (0: loopback through
#                           the proxies, the start-up and CPU baseline the round trips are counted from)
#   BENCH_MODES="http https hub"  which settings to measure
#   BENCH_CHECK=1           measure `check` of 200 references (HTTPS, against a skopeo loop, and hub)
#   BENCH_DOCKER=1          measure docker (0: skip its rows, which take minutes at large RTTs)
#   BENCH_JOBS=2            parallel build jobs
#   BENCH_BUILD_DIR=build-bench   where digestx is built (Release, no tests)
#   BENCH_DIGESTX=PATH      measure this digestx binary instead of building one (it should be a
#                           Release build: a Debug binary's times say little)
#   BENCH_OUT=DIR           where the results (table, raw TSV, request logs) are kept
#                           (default BUILD_DIR/bench-results)
#   BENCH_SKIP_INSTALL=1    do not install missing Debian packages
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
runs=${BENCH_RUNS:-3}
rtts=${BENCH_RTTS:-"0 20"}
modes=${BENCH_MODES:-"http https hub"}
bench_check=${BENCH_CHECK:-1}
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
for mode in $modes; do
    [[ $mode == http || $mode == https || $mode == hub ]] || die "BENCH_MODES: unknown mode '$mode'"
done

# --- packages --------------------------------------------------------------------------------
install_packages() {
    local missing=()
    command -v skopeo >/dev/null || missing+=(skopeo)
    [[ -x /usr/bin/time ]] || missing+=(time)
    [[ -x $registry_bin ]] || missing+=(docker-registry)
    command -v cmake >/dev/null || missing+=(cmake)
    command -v curl >/dev/null || missing+=(curl)
    command -v openssl >/dev/null || missing+=(openssl)
    # The token server signs with python3-cryptography, Debian's.
    "$python" -c 'import cryptography' 2>/dev/null || missing+=(python3-cryptography)
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
[[ ${BENCH_DOCKER:-1} == 1 ]] || docker_bin=
if [[ -n $docker_bin && $modes != http && $EUID != 0 ]]; then
    say "note: not root, so docker cannot be told to trust the test CA; the docker rows are skipped"
    docker_bin=
fi

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
pids=()             # the servers this script started: registries and hub servers
proxy_pids=()       # the proxies of the current RTT
docker_cert_dirs=() # /etc/docker/certs.d/HOST:PORT directories this script created
docker_cert_parent= # /etc/docker/certs.d, when this script created it

stop_pid() {
    local pid=$1
    [[ -n $pid ]] || return 0
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local pid dir
    for pid in "${proxy_pids[@]}" "${pids[@]}"; do stop_pid "$pid"; done
    for dir in "${docker_cert_dirs[@]}"; do rm -rf "$dir"; done
    [[ -z $docker_cert_parent ]] || rmdir "$docker_cert_parent" 2>/dev/null || true
    rm -rf "$work" "$storage"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_file() { # file pid what
    for _ in $(seq 200); do
        [[ -s $1 ]] && return 0
        kill -0 "$2" 2>/dev/null || die "$3 exited"
        sleep 0.05
    done
    die "$3 did not start"
}

# --- TLS: a test CA, the servers' certificate, the token signing key --------------------------
tls=$work/tls
mkdir -p "$tls/cert-dir"
make_tls() {
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls/ca.key" -out "$tls/ca.crt" -days 2 \
        -subj '/CN=digestx bench CA' 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout "$tls/server.key" -out "$tls/server.csr" \
        -subj '/CN=127.0.0.1' 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
        >"$tls/server.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
        -extfile "$tls/server.ext" -out "$tls/server.crt" 2>/dev/null
    # The token signing certificate: the registry's rootcertbundle (distribution token auth).
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls/signing.key" -out "$tls/signing.crt" -days 2 \
        -subj '/CN=digestx bench token issuer' 2>/dev/null
    # skopeo --cert-dir reads *.crt as CAs (containers-certs.d(5)).
    cp "$tls/ca.crt" "$tls/cert-dir/ca.crt"
}
make_tls

# --- the registries and the Docker Hub topology ----------------------------------------------
# One storage, three registries reading it: plain HTTP (the fixtures are pushed there), TLS (HTTP/2
# by ALPN: Go's net/http negotiates h2 on a TLS listener), and the Docker Hub topology (TLS, token
# auth with a realm on another port, blob GETs redirected to a third port). Every server has its
# latency proxy; the proxies' ports are chosen first, as the realm and the redirect base URL
# must name them.
servers=(plain tls hub token cdn)
declare -A port      # server ports
declare -A proxy_for # proxy listen ports
for name in "${servers[@]}"; do proxy_for[$name]=$(free_port); done

start_registry() { # name scheme extra-yaml
    local name=$1 scheme=$2 extra=$3 config=$work/registry-$name.yml pid tls_yaml=
    port[$name]=$(free_port)
    if [[ $scheme == https ]]; then
        tls_yaml=$(printf '  tls:\n    certificate: "%s"\n    key: "%s"' "$tls/server.crt" "$tls/server.key")
    fi
    # The same configuration as the integration tests' bed (tests/support/registry_bed.cpp), no
    # cache section, so every request reads the storage; the access log (stdout) is where the
    # requests inside TLS are counted.
    cat >"$config" <<EOF
version: 0.1
log:
  level: warn
  formatter: text
storage:
  filesystem:
    rootdirectory: "$storage"
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: "127.0.0.1:${port[$name]}"
  secret: "digestx-bench-secret"
$tls_yaml
$extra
EOF
    # REGISTRY_* variables would override the file.
    local unset_vars=() var
    for var in $(compgen -e); do
        if [[ $var == REGISTRY_* ]]; then unset_vars+=(-u "$var"); fi
    done
    env "${unset_vars[@]}" "$registry_bin" serve "$config" >"$work/access-$name.log" 2>"$work/registry-$name.log" &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 100); do
        # Any HTTP answer will do: the hub registry answers 401.
        if [[ $(curl -s -o /dev/null -w '%{http_code}' --cacert "$tls/ca.crt" \
            "$scheme://127.0.0.1:${port[$name]}/v2/" 2>/dev/null || true) != 000 ]]; then return 0; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    tail -20 "$work/registry-$name.log" >&2
    die "the $name registry did not start"
}

start_hub_server() { # mode extra-args...
    local mode=$1 pid
    shift
    "$python" "$here/hub_servers.py" "$mode" --port-file "$work/$mode.port" --log "$work/access-$mode.log" \
        --tls-cert "$tls/server.crt" --tls-key "$tls/server.key" "$@" 2>"$work/$mode.err" &
    pid=$!
    pids+=("$pid")
    wait_for_file "$work/$mode.port" "$pid" "the $mode server"
    port[$mode]=$(<"$work/$mode.port")
}

start_proxies() { # rtt: one proxy per server, on the ports chosen above
    local rtt=$1 half name pid
    half=$(awk -v r="$rtt" 'BEGIN { printf "%g", r / 2 }')
    for name in "${servers[@]}"; do
        rm -f "$work/proxy-$name.port"
        : >"$work/proxy-$name-$rtt.log"
        "$python" "$here/latency_proxy.py" --listen-port "${proxy_for[$name]}" \
            --upstream "127.0.0.1:${port[$name]}" --up-ms "$half" --down-ms "$half" \
            --log "$work/proxy-$name-$rtt.log" --port-file "$work/proxy-$name.port" 2>"$work/proxy-$name-$rtt.err" &
        pid=$!
        proxy_pids+=("$pid")
        wait_for_file "$work/proxy-$name.port" "$pid" "the $name proxy"
    done
}
stop_proxies() {
    local pid
    for pid in "${proxy_pids[@]}"; do stop_pid "$pid"; done
    proxy_pids=()
}

say "starting $registry_bin (plain HTTP) on 127.0.0.1"
start_registry plain http ""
say "loading fixtures into 127.0.0.1:${port[plain]}"
declare -A fact
while IFS='=' read -r key value; do fact[$key]=$value; done < <(
    "$python" "$here/load_fixtures.py" --registry "http://127.0.0.1:${port[plain]}" \
        --repository "$repository" --tag "$tag" --check-list "$work/check-references")
[[ -n ${fact[oci16_digest]:-} && -n ${fact[check_references]:-} ]] || die "the fixture loader printed too little"
say "loaded $repository:oci16 = ${fact[oci16_digest]}, $repository:oci64 = ${fact[oci64_digest]}," \
    "${fact[check_references]} references for check"
start_registry tls https ""
start_hub_server token --key "$tls/signing.key" --cert "$tls/signing.crt" --issuer digestx-bench-issuer
start_hub_server cdn --root "$storage"
start_registry hub https "auth:
  token:
    realm: \"https://127.0.0.1:${proxy_for[token]}/token\"
    service: \"digestx-bench-registry\"
    issuer: \"digestx-bench-issuer\"
    rootcertbundle: \"$tls/signing.crt\"
middleware:
  storage:
    - name: redirect
      options:
        baseurl: \"https://127.0.0.1:${proxy_for[cdn]}\""

# docker reads the CA of a registry from /etc/docker/certs.d/HOST:PORT/ca.crt (docker docs,
# "Verify repository client with certificates"), for the registry's hosts only; created here,
# removed on exit.
trust_for_docker() {
    local dir=/etc/docker/certs.d/127.0.0.1:$1
    [[ -e $dir ]] && die "$dir exists already; not touching it"
    # certs.d itself goes too when this script made it (cleanup removes it after its entries).
    [[ -d /etc/docker/certs.d ]] || docker_cert_parent=/etc/docker/certs.d
    mkdir -p "$dir"
    docker_cert_dirs+=("$dir")
    cp "$tls/ca.crt" "$dir/ca.crt"
}
if [[ -n $docker_bin ]]; then
    for name in tls hub token cdn; do trust_for_docker "${proxy_for[$name]}"; done
fi

# --- the commands ----------------------------------------------------------------------------
mkdir -p "$work/docker-config" "$out_dir"
export DOCKER_CONFIG=$work/docker-config
# `docker manifest` talks to the registry only; no daemon is needed (or contacted).
export DOCKER_HOST=unix://$work/no-docker-daemon.sock

# Per mode: how each tool reaches the registry.
declare -A digestx_net=([http]="--plain-http" [https]="--cacert $tls/ca.crt" [hub]="--cacert $tls/ca.crt")
declare -A skopeo_net=([http]="--tls-verify=false" [https]="--cert-dir $tls/cert-dir" [hub]="--cert-dir $tls/cert-dir")
declare -A docker_net=([http]="--insecure" [https]="" [hub]="")
declare -A host_of=([http]=plain [https]=tls [hub]=hub)

# label | tool | command line (words split on spaces; @HOST@, @DX@, @SK@ and @DK@ are replaced)
cases_for() { # mode -> `cases`
    local mode=$1
    cases=(
        "digestx|digestx digest|$digestx digest @DX@ @HOST@/$repository:oci16"
        "digestx|digestx digest --platform linux/amd64|$digestx digest @DX@ --platform linux/amd64 @HOST@/$repository:oci16"
        "digestx|digestx inspect -o json (16)|$digestx inspect @DX@ -o json @HOST@/$repository:oci16"
        "digestx|digestx inspect -o json (64)|$digestx inspect @DX@ -o json @HOST@/$repository:oci64"
        "skopeo|skopeo inspect --raw (16)|skopeo inspect --raw @SK@ docker://@HOST@/$repository:oci16"
        "skopeo|skopeo inspect (16)|skopeo inspect @SK@ docker://@HOST@/$repository:oci16"
    )
    if [[ -n $docker_bin ]]; then
        cases+=(
            "docker|docker manifest inspect -v (16)|$docker_bin manifest inspect @DK@ -v @HOST@/$repository:oci16"
            "docker|docker manifest inspect -v (64)|$docker_bin manifest inspect @DK@ -v @HOST@/$repository:oci64"
        )
    fi
    if [[ $mode == https && $bench_check == 1 ]]; then
        cases+=(
            "digestx|digestx check (200 references, 20 repositories)|$digestx check @DX@ $work/check-$mode.txt"
            "skopeo|skopeo inspect loop (200 references)|$here/skopeo_loop.sh $work/check-$mode.txt @SK@"
        )
    fi
    # On the hub topology every repository needs its own token: what a realm learnt from an
    # earlier repository saves shows here (the skopeo loop is measured once, over HTTPS).
    if [[ $mode == hub && $bench_check == 1 ]]; then
        cases+=("digestx|digestx check (200 references, 20 repositories)|$digestx check @DX@ $work/check-$mode.txt")
    fi
}

command_for() { # case mode -> argv array in `argv`
    local line=${1##*|} mode=$2
    line=${line//@HOST@/127.0.0.1:${proxy_for[${host_of[$mode]}]}}
    line=${line//@DX@/${digestx_net[$mode]}}
    line=${line//@SK@/${skopeo_net[$mode]}}
    line=${line//@DK@/${docker_net[$mode]}}
    read -r -a argv <<<"$line"
}

# Every tool must read the same image before its speed means anything.
check_answers() {
    local mode=$1 host=127.0.0.1:${proxy_for[${host_of[$1]}]} got
    read -r -a dx <<<"${digestx_net[$mode]}"
    read -r -a sk <<<"${skopeo_net[$mode]}"
    read -r -a dk <<<"${docker_net[$mode]}"
    for size in 16 64; do
        got=$("$digestx" digest "${dx[@]}" "$host/$repository:oci$size")
        [[ $got == "${fact[oci${size}_digest]}" ]] || die "$mode: digestx digest printed '$got' for oci$size"
    done
    got=$(skopeo inspect --raw "${sk[@]}" "docker://$host/$repository:oci16" | sha256sum | cut -d' ' -f1)
    [[ sha256:$got == "${fact[oci16_digest]}" ]] || die "$mode: skopeo --raw bytes hash to sha256:$got"
    if [[ -n $docker_bin ]]; then
        got=$("$docker_bin" manifest inspect "${dk[@]}" -v "$host/$repository:oci16")
        grep -q "${fact[oci16_amd64]}" <<<"$got" || die "$mode: docker manifest inspect -v misses the amd64 manifest"
    fi
    sed "s|^|$host/|" "$work/check-references" >"$work/check-$mode.txt"
}

count_lines() { wc -l <"$1" | tr -d ' '; }

# The logs one run is read from: the proxies' (connections, bytes, plain-HTTP request lines) and
# the servers' access logs (requests inside TLS, with the protocol the registry answered in).
proxy_logs() { local name; for name in "${servers[@]}"; do echo "$work/proxy-$name-$1.log"; done; }
access_logs() { echo "$work/access-tls.log" "$work/access-hub.log" "$work/access-token.log" "$work/access-cdn.log"; }

# Runs one command once; appends a TSV row when `record` is set.
measure() {
    local mode=$1 rtt=$2 entry=$3 run=$4 record=$5
    local tool=${entry%%|*} rest=${entry#*|}
    local label=${rest%%|*}
    local start end rss status=0 file
    local -A before
    command_for "$entry" "$mode"
    for file in $(proxy_logs "$rtt") $(access_logs); do before[$file]=$(count_lines "$file"); done
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
    local proxied accessed
    for _ in $(seq 50); do
        proxied=$(for file in $(proxy_logs "$rtt"); do tail -n "+$((before[$file] + 1))" "$file"; done)
        (($(grep -c '^CONN' <<<"$proxied" || true) == $(grep -c '^END' <<<"$proxied" || true))) && break
        sleep 0.02
    done
    accessed=$(for file in $(access_logs); do
        tail -n "+$((before[$file] + 1))" "$file" | sed -n -E \
            -e 's/^.*"(GET|HEAD|POST|PUT) ([^ ]*) HTTP\/([0-9.]+)" ([0-9]+) .*$/\1 \2 HTTP\/\3 \4/p' \
            -e "s|^REQ (.*)$|\1 HTTP/1.1 ($(basename "$file" .log | sed 's/access-//'))|p"
    done)
    ((record)) || return 0
    local requests connections raw down h2
    if [[ $mode == http ]]; then
        requests=$(grep -c '^REQ' <<<"$proxied" || true)
        raw=$(grep -c '^RAW' <<<"$proxied" || true)
    else
        requests=$(grep -c . <<<"$accessed" || true)
        raw=0
    fi
    h2=$(grep -c 'HTTP/2' <<<"$accessed" || true)
    connections=$(grep -c '^CONN' <<<"$proxied" || true)
    down=$(awk '$1 == "END" { s += $4 } END { print s + 0 }' <<<"$proxied")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$rtt" "$tool" "$label" "$run" \
        "$((end - start))" "$rss" "$requests" "$connections" "$raw" "$down" "$h2" >>"$raw_tsv"
    if ((run == 1)); then
        {
            printf '### %s, RTT %s ms: %s\n\n' "$mode" "$rtt" "$label"
            if [[ $mode == http ]]; then grep -E '^(REQ|RAW)' <<<"$proxied" | sed 's/^/    /'; else sed 's/^/    /' <<<"$accessed"; fi
            echo
        } >>"$requests_md"
    fi
}

# --- start-up, no network -----------------------------------------------------------------------
# Process start, dynamic loading and static initialisers: `digestx ref` opens nothing beyond its
# own libraries, `digestx --version` opens libcurl as every network command does before its first
# request (the difference is what loading Debian's libcurl costs), beside the other tools' own
# `--version`. One unmeasured run, then startup_runs measured ones per row.
startup_runs=10
startup_cases=(
    "digestx|digestx ref alpine:3.12|$digestx ref alpine:3.12"
    "digestx|digestx --version (opens libcurl)|$digestx --version"
    "skopeo|skopeo --version|skopeo --version"
)
[[ -z $docker_bin ]] || startup_cases+=("docker|docker --version|$docker_bin --version")
measure_startup() {
    local entry rest label start end run
    for entry in "${startup_cases[@]}"; do
        rest=${entry#*|}
        label=${rest%%|*}
        read -r -a argv <<<"${rest#*|}"
        for run in $(seq 0 "$startup_runs"); do
            start=${EPOCHREALTIME/./}
            /usr/bin/time -f '%M' -o "$work/time.out" "${argv[@]}" >/dev/null 2>"$work/cmd.err" ||
                die "'${argv[*]}' failed: $(head -1 "$work/cmd.err")"
            end=${EPOCHREALTIME/./}
            ((run > 0)) || continue
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t0\t0\t0\t0\t0\n' startup 0 "${entry%%|*}" "$label" "$run" \
                "$((end - start))" "$(tail -1 "$work/time.out")" >>"$raw_tsv"
        done
    done
}

stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
raw_tsv=$out_dir/bench-$stamp.tsv
requests_md=$out_dir/bench-$stamp-requests.md
table_md=$out_dir/bench-$stamp.md
printf 'mode\trtt_ms\ttool\tcommand\trun\twall_us\tmax_rss_kb\trequests\tconnections\tnon_http\tbytes_down\th2_requests\n' \
    >"$raw_tsv"
: >"$requests_md"
load_before=$(cut -d' ' -f1 /proc/loadavg)

say "start-up without the network: $startup_runs runs per command"
measure_startup

for rtt in $rtts; do
    [[ $rtt =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "BENCH_RTTS: '$rtt' is not a number of milliseconds"
    start_proxies "$rtt"
    for mode in $modes; do
        say "RTT $rtt ms, $mode: $runs runs per command"
        check_answers "$mode"
        cases_for "$mode"
        for entry in "${cases[@]}"; do
            if [[ $entry == *skopeo_loop.sh* ]]; then
                # 200 skopeo processes take minutes: once, and only where the network counts.
                [[ $rtt == 0 ]] || measure "$mode" "$rtt" "$entry" 1 1
                continue
            fi
            measure "$mode" "$rtt" "$entry" 0 0 # warm-up: page cache, the docker CLI's first-run files
            for run in $(seq "$runs"); do measure "$mode" "$rtt" "$entry" "$run" 1; done
        done
    done
    stop_proxies
done

{
    echo "digestx benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)), load average $load_before before and $(cut -d' ' -f1 /proc/loadavg) after"
    echo
    echo "- digestx: $("$digestx" --version 2>/dev/null | head -1) (Release, $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
    echo "- skopeo: $(skopeo --version)"
    [[ -n $docker_bin ]] && echo "- docker CLI: $("$docker_bin" --version)"
    echo "- registry: $("$registry_bin" --version 2>&1 | head -1)"
    echo "- images: $repository:oci16 (${fact[oci16_digest]}), $repository:oci64 (${fact[oci64_digest]})"
    echo "- $runs measured runs per row after one warm-up run"
    echo
    "$python" "$here/summarize.py" "$raw_tsv"
} | tee "$table_md"
say "results: $table_md (raw: $raw_tsv, requests of run 1: $requests_md)"
