#!/usr/bin/env bash
# Measures the Kemendagri export at national scale (docs/BENCHMARKS.md,
# "Exports"): generate 1.9M events, export twice offline, compare, verify,
# an as-of export from a snapshot, LibreOffice opening the workbook, and the
# same export through the API of a running server.
#
#   scripts/national-export.sh [WORKDIR]      (default: a new temp dir; ~3 min, ~4 GB of disk)
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-$(mktemp -d)}
J=$W/jejak
D=$W/data
PORT=${PORT:-18080}
go build -o "$J" ./cmd/jejak
rm -rf "$D" "$W"/{A,B,C,api,lo}
timed() { /usr/bin/time -f '   %e s wall, max RSS %M KB' "$@" 2>&1 | tr '\r' '\n' | grep -v '^\s*$' | awk '!seen[substr($0,1,20)]++' | grep -v '^  [a-z]'; }

echo "== generate (scale 1)";                      timed "$J" generate --data "$D" --scale 1
echo "== export A (no checkpoint, no snapshot)";   timed "$J" export --data "$D" --year 2025 --out "$W/A"
echo "== export B (checkpoint, stored snapshot)";  timed "$J" export --data "$D" --year 2025 --out "$W/B"
echo "== A and B"; for f in "$W"/A/*; do cmp "$f" "$W/B/$(basename "$f")" && echo "   identical $(basename "$f")"; done
echo "== verify A";                                timed "$J" verify --data "$D" "$W/A"
echo "== snapshot as of position 500000";          timed "$J" snapshot create --data "$D" --as-of 500000
echo "== export C as of position 520000";          timed "$J" export --data "$D" --year 2025 --as-of 520000 --out "$W/C"
if command -v soffice >/dev/null; then
  echo "== LibreOffice opens A/export.xlsx (sheet Inovasi to CSV)"
  mkdir -p "$W/lo"
  start=$(date +%s.%N)
  soffice --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2' \
    --outdir "$W/lo" "$W/A/export.xlsx" >/dev/null 2>&1
  echo "   $(echo "$(date +%s.%N) - $start" | bc) s"
  python3 - "$W/lo/export-Inovasi.csv" "$W/A/inovasi.csv" <<'PY'
import csv, sys
def rows(p):
    def cell(x):
        try: return round(float(x), 6)
        except ValueError: return x
    return [[cell(x) for x in r] for r in csv.reader(open(p, newline='', encoding='utf-8'))]
a, b = rows(sys.argv[1]), rows(sys.argv[2])
print(f"   {len(a)} and {len(b)} lines, {sum(x != y for x, y in zip(a, b))} differ (numbers compared as numbers)")
PY
fi

echo "== the same export through the API"
"$J" serve --data "$D" --addr "127.0.0.1:$PORT" >"$W/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
start=$(date +%s.%N)
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.2; done
echo "   serve ready after $(echo "$(date +%s.%N) - $start" | bc) s"
sleep 5 # the snapshot and export stores open in the background
token=$("$J" token issue --data "$D" --role coordinator --user bench)
for i in 1 2; do
  start=$(date +%s.%N)
  job=$(curl -sf -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"year":2025}' "http://127.0.0.1:$PORT/api/v1/exports" | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])')
  while :; do
    status=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/exports/$job" |
      python3 -c 'import sys, json; print(json.load(sys.stdin)["status"])')
    [ "$status" = done ] || [ "$status" = failed ] && break
    sleep 0.1
  done
  echo "   POST /api/v1/exports $i: $status after $(echo "$(date +%s.%N) - $start" | bc) s"
done
curl -sf -H "Authorization: Bearer $token" -o "$W/api.zip" "http://127.0.0.1:$PORT/api/v1/exports/$job/download"
mkdir -p "$W/api" && (cd "$W/api" && unzip -q "$W/api.zip")
for f in "$W"/api/*; do cmp "$f" "$W/B/$(basename "$f")" && echo "   identical to the CLI's: $(basename "$f")"; done
echo "   serve RSS: $(($(ps -o rss= -p $server) / 1024)) MiB"
echo "work dir: $W"
