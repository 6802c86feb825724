#!/usr/bin/env bash
# The proxy benchmark of BENCHMARKS.md: PGPrints requests (canonical JSON +
# HMAC-SHA256, no nonce so no replay window limits the count) sent by
# target/release/examples/proxy_load, first signed by the load client
# straight to `paysig serve` (the baseline), then unsigned through
# `paysig proxy` to the same serve. Same count, same concurrency, one run,
# side by side; the proxy's RSS after each round of REQUESTS.
# PROXY_ARGS adds flags to the proxy (e.g. "--threads 1").
#
#   REQUESTS=200000 CONCURRENCY=32 ROUNDS=1 bash tests/proxy/bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=target/release/paysig
LOAD=target/release/examples/proxy_load
REQUESTS=${REQUESTS:-200000}
CONCURRENCY=${CONCURRENCY:-32}
ROUNDS=${ROUNDS:-1}
export BENCH_SECRET=bench-secret-not-real
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

port_of() { # waits for "listening on http://127.0.0.1:PORT" in file $1
  for _ in $(seq 100); do
    if p=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$1" | head -1) && [ -n "$p" ]; then
      echo "$p"; return
    fi
    sleep 0.05
  done
  echo "no port in $1" >&2; exit 1
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# CPU time (user + system) of process $1 in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_s=$(getconf CLK_TCK)
# "CPU µs per request" of process $1 between tick counts $2 and $3.
per_request_us() { echo $(( ($3 - $2) * 1000000 / ticks_per_s / REQUESTS )); }

"$BIN" serve pgprints --port 0 --key k --secret-env BENCH_SECRET >"$tmp/serve.out" 2>/dev/null &
serve_pid=$!
pids+=($serve_pid)
serve_port=$(port_of "$tmp/serve.out")
"$BIN" proxy pgprints --upstream "http://127.0.0.1:$serve_port" --secret-env BENCH_SECRET \
  --listen 127.0.0.1:0 --log off ${PROXY_ARGS:-} >"$tmp/proxy.out" 2>/dev/null &
proxy_pid=$!
pids+=($proxy_pid)
proxy_port=$(port_of "$tmp/proxy.out")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Warm-up (connections, allocator), not counted.
"$LOAD" --url "http://127.0.0.1:$serve_port/pay" --requests 5000 --concurrency "$CONCURRENCY" --sign-pgprints-env BENCH_SECRET >/dev/null
"$LOAD" --url "http://127.0.0.1:$proxy_port/pay" --requests 5000 --concurrency "$CONCURRENCY" >/dev/null
echo "proxy RSS after warm-up: $(rss_kb $proxy_pid) kB"
# Direct and proxied rounds alternate, so both see the same background load.
for round in $(seq "$ROUNDS"); do
  s0=$(cpu_ticks $serve_pid)
  echo "direct: $("$LOAD" --url "http://127.0.0.1:$serve_port/pay" --requests "$REQUESTS" --concurrency "$CONCURRENCY" --sign-pgprints-env BENCH_SECRET)"
  s1=$(cpu_ticks $serve_pid); p1=$(cpu_ticks $proxy_pid)
  echo "proxy:  $("$LOAD" --url "http://127.0.0.1:$proxy_port/pay" --requests "$REQUESTS" --concurrency "$CONCURRENCY")"
  s2=$(cpu_ticks $serve_pid); p2=$(cpu_ticks $proxy_pid)
  echo "  CPU per request: serve $(per_request_us $serve_pid $s0 $s1) us direct, $(per_request_us $serve_pid $s1 $s2) us proxied; proxy $(per_request_us $proxy_pid $p1 $p2) us"
  echo "  proxy RSS after round $round ($((round * REQUESTS)) proxied requests): $(rss_kb $proxy_pid) kB"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
