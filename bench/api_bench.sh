#!/usr/bin/env bash
# API throughput with wrk: 64 connections against `insightcrm serve` on a
# SQLite database holding 100,000 leads. Not a test; run by hand:
#   bash bench/api_bench.sh [BINARY] [DURATION]
# Prints requests/s and p99 latency per endpoint. The server and wrk share the
# machine, so on 2 cores each gets about one.
set -euo pipefail
bin=${1:-build/insightcrm}
duration=${2:-15s}
connections=64
leads=100000

work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/bench.db"
"$bin" migrate --db "sqlite:$db" >/dev/null
# Seed straight through SQL: the benchmark measures serving, not import.
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL; -- prints "wal"
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $leads)
INSERT INTO leads (external_id, name, email, company, source, status, expected_value_minor,
                   currency, created_at, updated_at)
SELECT 'L' || i, 'Lead ' || i, 'lead' || i || '@example.com', 'Company ' || (i % 997),
       CASE i % 3 WHEN 0 THEN 'web' WHEN 1 THEN 'referral' ELSE 'event' END,
       CASE i % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'contacted' WHEN 2 THEN 'qualified'
                  WHEN 3 THEN 'converted' ELSE 'lost' END,
       (i % 1000) * 100, 'EUR',
       strftime('%Y-%m-%dT%H:%M:%S.000000Z', 1700000000 + i * 60, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%S.000000Z', 1700000000 + i * 60, 'unixepoch')
FROM n;
SQL

"$bin" serve --db "sqlite:$db" --port 0 --web "$work/none" >"$work/serve.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 1 100); do
  port=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$work/serve.log" | grep -oE '[0-9]+$' || true)
  [[ -n $port ]] && break
  sleep 0.1
done
[[ -n $port ]] || { cat "$work/serve.log"; echo "server did not start" >&2; exit 1; }
base="http://127.0.0.1:$port"

# Picks endpoints that exist in this build: the lead routes once they land,
# otherwise /readyz (a ping and one row read from schema_version) and /healthz.
endpoints=()
if [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/leads/1") != 404 ]]; then
  endpoints+=("/api/v1/leads/50000" "/api/v1/leads?sort=-created_at&limit=50")
fi
endpoints+=("/readyz" "/healthz")

printf '%-45s %12s %10s %10s\n' endpoint "requests/s" "p50" "p99"
for e in "${endpoints[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base$e")
  out=$(wrk -t 2 -c "$connections" -d "$duration" --latency "$base$e")
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
  printf '%-45s %12s %10s %10s  (HTTP %s) %s\n' "$e" "$rps" "$p50" "$p99" "$code" "$errors"
done
