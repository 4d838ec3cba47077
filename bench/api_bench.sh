#!/usr/bin/env bash
# API throughput with wrk: 64 connections against `insightcrm serve` on a
# SQLite database holding 100,000 leads. Not a test; run by hand:
#   bash bench/api_bench.sh [BINARY] [DURATION]
# Prints requests/s, p50 and p99 latency per endpoint, and the server's CPU
# time per request (user + system from /proc, which compares builds on a
# shared machine better than requests/s). The server and wrk share the
# machine, so on 2 cores each gets about one.
# ONLY=REGEX runs only the endpoints whose name matches (ONLY=leads/);
# PERF_OUT=PREFIX samples the server under each endpoint with
# `perf record -e cpu-clock -g` into PREFIX.<n>.data (read with perf report -i;
# PERF_ARGS="--call-graph dwarf" for whole stacks: the libraries lack frame pointers).
set -euo pipefail
bin=${1:-build/insightcrm}
duration=${2:-15s}
connections=64
leads=100000

# A temporary $work directory and the EXIT trap that stops the server and removes it.
source "$(dirname "$0")/bench_server.sh"

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

# An admin, the server and an API key for wrk (signed in, then the key created as a script would).
start_bench_server "$bin" "$db" "$work"

# wrk scripts: every request carries the key; random_ids picks a lead per request.
cat >"$work/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $key"
LUA
cat >"$work/random_ids.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $key"
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/leads/" .. math.random(1, $leads))
end
LUA

# The server's CPU time (user + system, clock ticks) from /proc.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
runs=0
run() {  # name, path, lua script
  local name=$1 path=$2 script=$3
  [[ -n ${ONLY:-} && ! $name =~ $ONLY ]] && return 0
  runs=$((runs + 1))
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$base$path")
  local perf_pid= ticks_before
  if [[ -n ${PERF_OUT:-} ]]; then
    perf record -q -e cpu-clock ${PERF_ARGS:--g} -p "$server_pid" -o "$PERF_OUT.$runs.data" 2>/dev/null &
    perf_pid=$!
  fi
  ticks_before=$(cpu_ticks)
  out=$(wrk -t 2 -c "$connections" -d "$duration" --latency -s "$script" "$base$path")
  local ticks=$(($(cpu_ticks) - ticks_before))
  if [[ -n $perf_pid ]]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  local requests
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
  printf '%-45s %12s %10s %10s %10s  (HTTP %s) %s\n' "$name" "$rps" "$p50" "$p99" \
    "$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { printf "%.1f", n ? t * 1e6 / hz / n : 0 }')" \
    "$code" "$errors"
}

# Other people's compile jobs share the 2 cores: say how busy the machine was.
echo "commit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?'), $leads leads, $connections connections, $duration each"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-45s %12s %10s %10s %10s\n' endpoint "requests/s" "p50" "p99" "CPU us/req"
# The CSV export of every lead, first: its time, size, and the server's
# heap (RssAnon: resident anonymous memory, not the mapped database file;
# sampled every 20 ms) before and at its highest during it.
if [[ -z ${ONLY:-} || "GET /api/v1/leads.csv" =~ $ONLY ]]; then
  rss() { awk '/RssAnon/ { print $2 }' "/proc/$server_pid/status"; }
  rss_before=$(rss)
  (peak=0; while [[ ! -e $work/csv.done ]]; do r=$(rss); ((r > peak)) && peak=$r; echo "$peak" >"$work/csv.peak"; sleep 0.02; done) &
  csv=$(curl -s -o "$work/leads.csv" -w '%{http_code} %{time_total} %{size_download}' \
    -H "Authorization: Bearer $key" "$base/api/v1/leads.csv")
  touch "$work/csv.done"; wait $!
  read -r csv_code csv_seconds csv_bytes <<<"$csv"
  printf '%-45s %s s, %s rows, %s MB, server heap %s MB, at most %s MB during it  (HTTP %s)\n' \
    "GET /api/v1/leads.csv" "$csv_seconds" "$(($(wc -l <"$work/leads.csv") - 1))" \
    "$((csv_bytes / 1000000))" "$((rss_before / 1024))" "$(($(cat "$work/csv.peak") / 1024))" "$csv_code"
fi
run "GET /api/v1/leads/{random id}" "/api/v1/leads/1" "$work/random_ids.lua"
run "GET /api/v1/leads?sort=-created_at&limit=50" "/api/v1/leads?sort=-created_at&limit=50" "$work/auth.lua"
run "GET /readyz (no auth)" "/readyz" "$work/auth.lua"
run "GET /healthz (no auth)" "/healthz" "$work/auth.lua"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
