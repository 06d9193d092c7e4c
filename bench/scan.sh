#!/usr/bin/env bash
# Scan throughput against its floor, in one run: builds a multi-layer OCI image of about MB megabytes
# (uncompressed; half random, half text, so gzip has work), pushes it into a local docker-registry, then
#   floor: skopeo copy of the image to a local dir + gzip -dc of every layer (download + decompress)
#   scan:  regscand scan --plain-http of the same image (download, decompress, tar walk, analyzers)
#   rescan: `regscand serve` (embedded PostgreSQL) receives the registry's webhooks and scans the image;
#          the same image copied into another repository is then scanned with every layer known: the
#          job's wall time and the blob GETs the registry served for that repository
# and prints the wall times, the ratio, regscand's peak RSS and the rescan figures. Targets: scan <= 1.3x
# floor, RSS < 200 MB, known-layers rescan < 100 ms with zero layer downloads.
# Usage: bench/scan.sh [MB] [layers].
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BENCH_REGSCAND:-$root/build/server/regscand}
mb=${1:-512}
layers=${2:-4}
[ -x "$bin" ] || { echo "build first: $bin missing" >&2; exit 1; }
for tool in docker-registry skopeo python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool missing (scripts/lib.sh installs it)" >&2; exit 1; }
done

tmp=$(mktemp -d)
chmod 755 "$tmp"  # the embedded PostgreSQL runs as the postgres user when this runs as root
registry_pid=
daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
dport=$(free_port)
hook=bench-hook-token-0123456789
reader=bench-reader-token-0123456789
# Notifications wait (and are retried) until the daemon starts after the CLI measurements.
cat > "$tmp/registry.yml" <<YAML
version: 0.1
storage: {filesystem: {rootdirectory: $tmp/registry}}
http: {addr: 127.0.0.1:$port}
notifications:
  endpoints:
    - name: regscand
      url: http://127.0.0.1:$dport/v1/webhooks/local
      headers: {Authorization: [Bearer $hook]}
      timeout: 2s
      threshold: 3
      backoff: 1s
YAML
docker-registry serve "$tmp/registry.yml" >"$tmp/registry.log" 2>&1 &
registry_pid=$!

echo "# building a $mb MB image in $layers layers" >&2
python3 - "$tmp/layout" "$mb" "$layers" <<'PY'
import hashlib, io, json, os, sys, tarfile, gzip, random
out, mb, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(f"{out}/blobs/sha256", exist_ok=True)
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open(f"{out}/blobs/sha256/{d}", "wb").write(data)
    return "sha256:" + d, len(data)
rng = random.Random(7)
per_layer = mb * 1024 * 1024 // n
layers, diff_ids = [], []
words = [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(8)) for _ in range(512)]
for i in range(n):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as t:
        files = [(f"opt/data{i}/random.bin", os.urandom(per_layer // 2)),
                 (f"opt/data{i}/text.txt", b" ".join(rng.choice(words) for _ in range(per_layer // 18)))]
        if i == 0:
            files.append(("lib/apk/db/installed", b"P:musl\nV:1.2.4-r2\n\n"))
            files.append(("etc/os-release", b"ID=alpine\nVERSION_ID=3.19.1\n"))
        for name, data in files:
            ti = tarfile.TarInfo(name); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
    tar = raw.getvalue()
    diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
    d, size = blob(gzip.compress(tar, compresslevel=1))
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": size})
cd, cs = blob(json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode())
m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
                "layers": layers}).encode()
md, ms = blob(m)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md,
           "size": ms, "annotations": {"org.opencontainers.image.ref.name": "big"}}]}, open(f"{out}/index.json", "w"))
open(f"{out}/oci-layout", "w").write('{"imageLayoutVersion": "1.0.0"}')
PY
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.2; done
skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$tmp/layout:big" "docker://127.0.0.1:$port/bench/big:1"

now() { date +%s.%N; }
t0=$(now)
skopeo --insecure-policy copy -q --src-tls-verify=false "docker://127.0.0.1:$port/bench/big:1" "dir:$tmp/pulled"
for f in "$tmp"/pulled/*; do
  if [ "$(head -c2 "$f" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then gzip -dc "$f" >/dev/null; fi
done
t1=$(now)
/usr/bin/time -f "%M" -o "$tmp/rss" "$bin" scan --plain-http --format table "127.0.0.1:$port/bench/big:1" >"$tmp/scan.out"
t2=$(now)
floor=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
scan=$(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.2f", b-a}')
ratio=$(awk -v f="$floor" -v s="$scan" 'BEGIN{printf "%.2f", s/f}')
rss=$(awk '{printf "%.0f", $1/1024}' "$tmp/rss")
grep -q "musl" "$tmp/scan.out" || { echo "scan did not find the image's package" >&2; cat "$tmp/scan.out" >&2; exit 1; }
cat > "$tmp/regscand.yaml" <<YAML
server: {listen: "127.0.0.1:$dport"}
data_dir: "$tmp/var"
auth: {tokens: [{name: bench, role: reader, token: "$reader"}]}
logging: {level: warn}
registries:
  - {name: local, kind: distribution, url: "http://127.0.0.1:$port", webhook_tokens: ["$hook"]}
scanner: {workers: 2, poll_interval: 1s}
feeds: {sources: []}
YAML
"$bin" serve --config "$tmp/regscand.yaml" >"$tmp/daemon.log" 2>&1 &
daemon_pid=$!
# job_for REPO: the succeeded scan job of REPO as JSON, once there is one (10 min at most).
job_for() {
  for _ in $(seq 1 1200); do
    kill -0 "$daemon_pid" 2>/dev/null || break
    if out=$(curl -fs -H "Authorization: Bearer $reader" "http://127.0.0.1:$dport/v1/jobs?state=succeeded" 2>/dev/null) &&
      job=$(python3 -c 'import json,sys; j=[i for i in json.load(sys.stdin)["items"] if i["repository"]==sys.argv[1]]; print(json.dumps(j[0])) if j else sys.exit(1)' "$1" <<<"$out"); then
      echo "$job"
      return 0
    fi
    sleep 0.5
  done
  echo "no scan of $1 (daemon log: $tmp/daemon.log)" >&2
  tail -20 "$tmp/daemon.log" >&2
  return 1
}
job_for bench/big >/dev/null
skopeo --insecure-policy copy -q --src-tls-verify=false --dest-tls-verify=false \
  "docker://127.0.0.1:$port/bench/big:1" "docker://127.0.0.1:$port/bench/copy:1"
copy=$(job_for bench/copy)
read -r rescan_ms fetched <<<"$(python3 -c '
import json, sys, datetime
j = json.loads(sys.argv[1])
t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
ms = (t(j["finished_at"]) - t(j["started_at"])).total_seconds() * 1000
print(f"{ms:.0f}", sum(i["layers_fetched"] for i in j["result"]["images"]))' "$copy")"
layer_gets=0
for d in $(python3 -c 'import json,sys; print(" ".join(l["digest"] for l in json.load(open(sys.argv[1]))["layers"]))' \
  "$tmp/layout/blobs/sha256/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"][7:])' "$tmp/layout/index.json")"); do
  layer_gets=$((layer_gets + $(grep -c "GET /v2/bench/copy/blobs/$d" "$tmp/registry.log" || true)))
done

printf '%-44s %10s   %s\n' "" "value" "floor/target"
printf '%-44s %10s   %s\n' "skopeo copy + gzip -dc (s)" "$floor" "-"
printf '%-44s %10s   %s\n' "regscand scan (s)" "$scan" "<= 1.3x floor"
printf '%-44s %10s   %s\n' "scan / floor" "$ratio" "<= 1.30"
printf '%-44s %10s   %s\n' "regscand peak RSS (MB)" "$rss" "< 200"
printf '%-44s %10s   %s\n' "known-layers rescan, daemon job (ms)" "$rescan_ms" "< 100"
printf '%-44s %10s   %s\n' "known-layers rescan: layers fetched" "$fetched" "0"
printf '%-44s %10s   %s\n' "known-layers rescan: layer GETs at registry" "$layer_gets" "0"
