#!/usr/bin/env bash
# REST API read latency: a private PostgreSQL 15 cluster seeded by bench/api_seed.sql (10,000 images,
# 1,000,000 findings by default; 100,000 images and 10,000,000 findings with `bench/api.sh 100000`, which
# seeds in minutes and needs ~15 GB of disk while it does), `regscand serve` on it (no workers, auth on), then
# wrk on each dashboard endpoint: a 2 s warm-up, unpaced (the ceiling), then paced at ~500 req/s (the target
# of every endpoint: p99 < 50 ms). Prints req/s and p50/p99 per endpoint beside the target.
# Usage: bench/api.sh [images] [seconds]
#   BENCH_ONLY=REGEX runs only the endpoints whose name (summary, image_vulns, ..., findings) matches;
#   BENCH_KEEP=1 leaves the seeded cluster running at the end (for EXPLAIN) and prints how to reach and stop it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BENCH_REGSCAND:-$root/build/server/regscand}
images=${1:-10000}
seconds=${2:-10}
rate=500
connections=10
floor_p99_ms=50
pgbin=/usr/lib/postgresql/15/bin

[ -x "$bin" ] || { echo "build first: $bin missing (scripts/test.sh or cmake --build build)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL 15 missing: apt-get install postgresql-15" >&2; exit 1; }

tmp=$(mktemp -d)
chmod 755 "$tmp"  # the cluster runs as the postgres user when this runs as root
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_port=$(free_port)
port=$(free_port)
mkdir -p "$tmp/pg" "$tmp/run"
[ "$(id -u)" -ne 0 ] || chown postgres: "$tmp/pg" "$tmp/run"
pid=
cleanup() {
  [ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    echo "# kept: psql -h $tmp/run -p $pg_port -U regscand regscand;" \
      "stop: $( [ "$(id -u)" -ne 0 ] || echo "runuser -u postgres -- ")$pgbin/pg_ctl -D $tmp/pg -m immediate stop && rm -rf $tmp"
    return
  fi
  as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
as_pg "$pgbin/initdb" -D "$tmp/pg" -U regscand -A trust --no-sync --no-locale -E UTF8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -l "$tmp/run/pg.log" -w -o \
  "-p $pg_port -k $tmp/run -c listen_addresses='' -c fsync=off -c shared_buffers=512MB -c work_mem=16MB -c max_wal_size=8GB -c checkpoint_timeout=30min" \
  start >/dev/null
psql_() { as_pg psql -q -X -h "$tmp/run" -p "$pg_port" -U regscand -d postgres "$@"; }
psql_ -c "CREATE DATABASE regscand" >/dev/null

token=bench-reader-token-0123456789
cat > "$tmp/regscand.yaml" <<YAML
server: {listen: "127.0.0.1:$port", threads: 2}
data_dir: "$tmp/var"
database: {url: "host=$tmp/run port=$pg_port user=regscand dbname=regscand", pool_size: 8}
logging: {level: warn}
auth:
  tokens: [{name: bench, role: reader, token: "$token"}]
registries:
  - {name: bench, kind: distribution, url: "http://127.0.0.1:9", webhook_tokens: ["bench-webhook-token-0123456789"]}
scanner: {workers: 0}
feeds: {sources: []}
scheduler: {enabled: false}
YAML
"$bin" migrate --config "$tmp/regscand.yaml" >"$tmp/migrate.log" 2>&1 || { cat "$tmp/migrate.log"; exit 1; }
start=$(date +%s.%N)
psql_ -d regscand -v images="$images" -f "$root/bench/api_seed.sql" >/dev/null
seeded=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}')
counts=$(psql_ -d regscand -At -c "SELECT (SELECT count(*) FROM image_inventories) || ' images, ' ||
  (SELECT count(*) FROM findings) || ' findings, ' || (SELECT count(*) FROM image_packages) || ' image packages'")

"$bin" serve --config "$tmp/regscand.yaml" >"$tmp/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/daemon.log"; exit 1; }
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$tmp/daemon.log"; exit 1; }

# Request paths: 1,000 images spread over the catalog; the 20 CVEs in every image and 200 group CVEs.
q() { psql_ -d regscand -At -c "$1"; }
q "SELECT '/v1/summary'" >"$tmp/summary"
q "SELECT '/v1/images/' || digest || '/vulnerabilities' FROM image_inventories
   WHERE id % greatest(1, $images / 1000) = 0" >"$tmp/image_vulns"
q "SELECT '/v1/images/' || digest || '/vulnerabilities?severity=critical,high&fixable=true'
   FROM image_inventories WHERE id % greatest(1, $images / 1000) = 0" >"$tmp/image_vulns_filtered"
q "SELECT '/v1/vulnerabilities/' || advisory_id || '/images' FROM advisories ORDER BY id LIMIT 20" >"$tmp/cve_hot"
q "SELECT '/v1/vulnerabilities/' || advisory_id || '/images' FROM advisories ORDER BY id OFFSET 20 LIMIT 200" \
  >"$tmp/cve_group"
q "SELECT '/v1/vulnerabilities/' || (doc->'aliases'->>0) || '/images' FROM advisories ORDER BY id LIMIT 220" \
  >"$tmp/cve_alias"
q "SELECT '/v1/images/' || digest FROM image_inventories WHERE id % greatest(1, $images / 1000) = 0" \
  >"$tmp/image"
q "SELECT '/v1/vulnerabilities/' || advisory_id FROM advisories ORDER BY id LIMIT 220" >"$tmp/vuln"
q "SELECT '/v1/repositories'" >"$tmp/repositories"
q "SELECT '/v1/findings?severity=critical'" >"$tmp/findings"

run() {  # [seconds=N] run FILE DELAY_MS CONNECTIONS -> RESULT line
  BENCH_PATHS=$1 BENCH_TOKEN=$token BENCH_DELAY_MS=$2 \
    wrk -t2 -c"$3" -d"${seconds}s" --latency -s "$root/bench/api.lua" "http://127.0.0.1:$port" | grep '^RESULT'
}
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }
rps() { awk -v r="$(field requests "$1")" -v s="$(field seconds "$1")" 'BEGIN{printf "%.0f", r/s}'; }

echo "# $(nproc) cores; $counts (seeded in ${seeded} s); ${seconds} s per run"
printf '%-42s %8s %8s %8s   %8s %8s %8s   %s\n' "" "paced/s" "p50 ms" "p99 ms" "max/s" "p50 ms" "p99 ms" "target"
labels=(
  "summary|GET /v1/summary"
  "image_vulns|GET /v1/images/{digest}/vulnerabilities"
  "image_vulns_filtered|  ?severity=critical,high&fixable=true"
  "cve_hot|GET /v1/vulnerabilities/{id}/images, in all"
  "cve_group|  id in 1 image of 30"
  "cve_alias|  by alias (DSA-n)"
  "image|GET /v1/images/{digest}"
  "vuln|GET /v1/vulnerabilities/{id}"
  "repositories|GET /v1/repositories"
  "findings|GET /v1/findings?severity=critical"
)
for entry in "${labels[@]}"; do
  name=${entry%%|*}
  [[ $name =~ ${BENCH_ONLY:-.} ]] || continue
  seconds=2 run "$tmp/$name" 0 "$connections" >/dev/null  # warm-up (caches, the summary's first computation)
  max=$(run "$tmp/$name" 0 "$connections")
  # Each connection waits between requests so that, with the latency seen unpaced, the rate is ~$rate/s.
  paced_delay=$(awk -v c="$connections" -v r="$rate" -v l="$(field p50_ms "$max")" \
    'BEGIN{d = c * 1000 / r - l; printf "%d", d < 0 ? 0 : d}')
  paced=$(run "$tmp/$name" "$paced_delay" "$connections")
  target="p99 < $floor_p99_ms ms at $rate/s"
  bad=$(($(field non2xx "$paced") + $(field non2xx "$max")))
  [ "$bad" -eq 0 ] || target="$target  ($bad non-2xx!)"
  late=$(($(field timeouts "$paced") + $(field timeouts "$max")))
  [ "$late" -eq 0 ] || target="$target  ($late timed out after 2 s!)"
  printf '%-42s %8s %8s %8s   %8s %8s %8s   %s\n' "${entry#*|}" \
    "$(rps "$paced")" "$(field p50_ms "$paced")" "$(field p99_ms "$paced")" \
    "$(rps "$max")" "$(field p50_ms "$max")" "$(field p99_ms "$max")" "$target"
done
