#!/usr/bin/env bash
# Load benchmark of `paysig serve aquapay` under wrk: requests/s, p99
# latency, and the server's RSS sampled every second over a run of at least
# 1,000,000 requests, every one with its own nonce.
#
# wrk cannot compute HMACs, so the requests are signed beforehand by Node's
# crypto module (Aquanow's documented code) and replayed by wrk's Lua script
# in order, one list per wrk thread. Each nonce is a future timestamp
# spaced to the measured request rate, so every request arrives within the
# server's window (--tolerance-ms, default 10 s here) on the real clock: the
# replay guard keeps ~rate x 2 x window entries and evicts them as they
# expire, which is what the RSS samples show. A short calibration run
# measures the rate first. Refused requests (a nonce outside the window if
# the rate drifts) show up as wrk's "Non-2xx responses".
#
# Usage: scripts/bench/serve.sh   (env: N=1200000 CONNECTIONS=32 WINDOW_MS=10000
#        SERVER_THREADS=1 WRK_THREADS=1). Needs wrk (apt-get install -y wrk) and node.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-1200000}
CONNECTIONS=${CONNECTIONS:-32}
WINDOW_MS=${WINDOW_MS:-10000}
SERVER_THREADS=${SERVER_THREADS:-1}
WRK_THREADS=${WRK_THREADS:-1}
work=$(mktemp -d)
trap 'kill $server_pid 2>/dev/null || true; kill $sampler_pid 2>/dev/null || true; rm -rf "$work"' EXIT
server_pid=""; sampler_pid=""

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
command -v node >/dev/null || { echo "node is missing" >&2; exit 1; }
cargo build --quiet --release -p paysig-cli --manifest-path "$root/Cargo.toml"
paysig="$root/target/release/paysig"
{ echo "[keys]"; for k in $(seq 0 63); do echo "bench-$k = \"bench-secret-$k\""; done; } >"$work/keys.toml"

# Writes $work/reqs-T.txt (T = 0..WRK_THREADS-1): "key nonce signature"
# lines, nonce_i = start + i * 1000 / rate, request i going to thread
# i mod T and signed by key i mod 64: 64 clients, so that each key's nonces
# stay 1 ms or more apart (unique per key) up to 64,000 requests/s.
generate() { # count rate_per_s start_ms
  node - "$work" "$WRK_THREADS" "$1" "$2" "$3" <<'EOF'
const crypto = require("crypto");
const fs = require("fs");
const [dir, threads, count, rate, start] = process.argv.slice(2).map((v, i) => (i ? Number(v) : v));
const out = Array.from({ length: threads }, () => []);
for (let i = 0; i < count; i++) {
  const nonce = String(Math.floor(start + (i * 1000) / rate));
  const key = i % 64;
  const signatureContent = JSON.stringify({ httpMethod: "POST", path: "/payment/v1/requestPaymentAddress", nonce });
  const sig = crypto.createHmac("sha384", `bench-secret-${key}`).update(signatureContent).digest("hex");
  out[i % threads].push(`bench-${key} ${nonce} ${sig}`);
}
out.forEach((lines, t) => fs.writeFileSync(`${dir}/reqs-${t}.txt`, lines.join("\n") + "\n"));
EOF
}

cat >"$work/replay.lua" <<'EOF'
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  lines = {}
  for line in io.lines(args[1] .. "/reqs-" .. id .. ".txt") do
    lines[#lines + 1] = line
  end
  i = 0
end
function request()
  i = i + 1
  if i > #lines then
    wrk.thread:stop()
    i = 1
  end
  local key, nonce, sig = lines[i]:match("(%S+) (%S+) (%S+)")
  return wrk.format("POST", "/payment/v1/requestPaymentAddress",
    { ["x-nonce"] = nonce, ["x-api-key"] = key, ["x-signature"] = sig }, nil)
end
EOF

# SHOW_REFUSALS=1: print the first refusal bodies (slows wrk a little).
if [ -n "${SHOW_REFUSALS:-}" ]; then
  cat >>"$work/replay.lua" <<'EOF'
shown = 0
function response(status, headers, body)
  if status ~= 200 and shown < 3 then shown = shown + 1; print(status, body) end
end
EOF
fi

start_server() { # window_ms
  "$paysig" serve aquapay --port 0 --keys "$work/keys.toml" \
    --tolerance-ms "$1" --replay-capacity 4000000 --threads "$SERVER_THREADS" --log none >"$work/serve.out" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.05; done
  port=$(sed -n 's/^listening on http:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$work/serve.out")
}

now_ms() { date +%s%3N; }

# One run: signs COUNT requests at RATE per second, starts the server with
# WINDOW, waits for the first nonce's moment and runs wrk for SECONDS.
# Prints wrk's output to $work/$NAME.txt; samples RSS when SAMPLE=1.
phase() { # name count rate window_ms seconds
  local name=$1 count=$2 rate=$3 window=$4 seconds=$5 t0 start wait_ms
  t0=$(now_ms)
  # The first nonce lies far enough ahead to cover signing the list
  # (~generation_ms per 600,000, timed on the first phase) and loading it.
  start=$(( t0 + generation_ms * count / 600000 * 3 / 2 + 3000 ))
  generate "$count" "$rate" "$start"
  start_server "$window"
  wait_ms=$(( start - $(now_ms) - 1000 )) # wrk takes about a second to load
  if [ "$wait_ms" -gt 0 ]; then sleep "$(( wait_ms / 1000 )).$(printf %03d $(( wait_ms % 1000 )))"; fi
  if [ "${SAMPLE:-}" = 1 ]; then
    ( while kill -0 "$server_pid" 2>/dev/null; do
        awk '/VmRSS/ {print $2}' /proc/"$server_pid"/status; sleep 1
      done ) >"$work/rss.txt" 2>/dev/null &
    sampler_pid=$!
  fi
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${seconds}s" --latency -s "$work/replay.lua" \
    "http://127.0.0.1:$port/" -- "$work" >"$work/$name.txt"
  kill -INT "$server_pid"; wait "$server_pid" || true
  [ -z "$sampler_pid" ] || { kill "$sampler_pid" 2>/dev/null || true; sampler_pid=""; }
  awk '/Requests\/sec/ {printf "%d", $2}' "$work/$name.txt"
}

echo "load before: $(cat /proc/loadavg)"
# How long signing 600,000 requests takes here (phases wait for it).
t0=$(now_ms)
generate 200000 1000 "$t0"
generation_ms=$(( ($(now_ms) - t0) * 3 ))
# 1. Calibration: 10 s with the window wide open and nonces 1 ms apart.
rate=$(phase calibrate 600000 1000 3600000 10)
echo "calibration 1 (1 h window): $rate requests/s"
# 2. Again with the real window: the rate depends on how many entries the
#    guard holds, so the spacing of the final run comes from this one.
rate=$(phase calibrate2 $(( rate * 10 * 5 / 4 )) "$rate" "$WINDOW_MS" 8)
echo "calibration 2 ($WINDOW_MS ms window): $rate requests/s"
grep -E "Non-2xx" "$work/calibrate2.txt" || true

# 3. The run: N requests at the calibrated spacing. wrk runs for N / rate
#    seconds over a list 25% longer, so it never runs out of fresh nonces
#    (Requests/sec covers the whole run); check the count it prints is >= N.
SAMPLE=1 phase run $(( N * 5 / 4 )) "$rate" "$WINDOW_MS" $(( N / rate )) >/dev/null
cat "$work/run.txt"
echo "load after: $(cat /proc/loadavg)"
echo "RSS (KiB) of paysig serve, one sample a second from the start of the run:"
awk '{printf "%s%s", (NR>1 ? " " : "  "), $1} END {print ""}' "$work/rss.txt"
awk -v w="$WINDOW_MS" 'NR > w/1000 + 5 {if (min=="" || $1<min) min=$1; if ($1>max) max=$1}
  END {print "RSS once the window is full (after " w/1000 + 5 " s): min " min " KiB, max " max " KiB"}' "$work/rss.txt"
