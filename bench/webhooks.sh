#!/usr/bin/env bash
# Webhook inbox throughput: starts `regscand serve` (embedded PostgreSQL, no workers) in a temp dir,
# drives POST /v1/webhooks/bench with wrk on loopback (each request = 1 manifest push + 3 blob events,
# all new, so each commits a manifest, a tag and a scan job durably), then GET /healthz as the ceiling.
# Prints events/s and p50/p99 beside the floor. Usage: bench/webhooks.sh [seconds] [connections]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BENCH_REGSCAND:-$root/build/server/regscand}
seconds=${1:-10}
connections=${2:-32}
floor_events=5000
floor_p99_ms=50

[ -x "$bin" ] || { echo "build first: $bin missing (scripts/test.sh or cmake --build build)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }

tmp=$(mktemp -d)
chmod 711 "$tmp"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$tmp/regscand.yaml" <<YAML
server: {listen: "127.0.0.1:$port", threads: 2}
data_dir: "$tmp/var"
logging: {level: warn}
registries:
  - {name: bench, kind: distribution, url: "http://127.0.0.1:9", webhook_tokens: ["bench-webhook-token-0123456789"]}
scanner: {workers: 0}
feeds: {sources: []}
YAML
"$bin" serve --config "$tmp/regscand.yaml" >"$tmp/daemon.log" 2>&1 &
pid=$!
cleanup() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$tmp/daemon.log"; exit 1; }

run() { wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$@" | grep '^RESULT'; }
echo "# $(nproc) cores, ${seconds}s per run, $connections connections"
hook=$(run "$root/bench/webhooks.lua" "http://127.0.0.1:$port/v1/webhooks/bench")
health=$(run "$root/bench/healthz.lua" "http://127.0.0.1:$port/healthz")
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }
hook_rps=$(awk -v r="$(field requests "$hook")" -v s="$(field seconds "$hook")" 'BEGIN{printf "%.0f", r/s}')
health_rps=$(awk -v r="$(field requests "$health")" -v s="$(field seconds "$health")" 'BEGIN{printf "%.0f", r/s}')
jobs=$(curl -fs "http://127.0.0.1:$port/metrics" | awk '/^regscand_webhook_events_total/ && /outcome="applied"/ {s+=$2} END {print s+0}')
printf '%-34s %10s %10s %10s   %s\n' "" "per s" "p50 ms" "p99 ms" "floor"
printf '%-34s %10s %10s %10s   %s\n' "manifest events (durable, 202)" "$hook_rps" "$(field p50_ms "$hook")" \
  "$(field p99_ms "$hook")" ">= $floor_events/s, p99 < $floor_p99_ms ms"
printf '%-34s %10s %10s %10s   %s\n' "GET /healthz (ceiling)" "$health_rps" "$(field p50_ms "$health")" \
  "$(field p99_ms "$health")" "-"
echo "non-2xx: webhooks $(field non2xx "$hook"), healthz $(field non2xx "$health"); manifest events applied: $jobs"
