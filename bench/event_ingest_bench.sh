#!/usr/bin/env bash
# Durable event ingest through HTTP: wrk POSTs NDJSON batches of 1,000 events
# (distinct ids, 1,000 leads, page views / email opens / purchases) to
# `insightcrm serve` on SQLite; every 202 means the batch was committed
# (synchronous=FULL) before the answer. Not a test; run by hand:
#   bash bench/event_ingest_bench.sh [BINARY] [DURATION] [CONNECTIONS]
# Prints requests/s (x 1,000 = events/s), latency percentiles and the rows
# the log holds at the end (which must equal 1,000 x the requests answered).
# With PERF_OUT=FILE the server is sampled by `perf record -e cpu-clock -g`
# during the run (software clock: works where hardware counters do not);
# read it with `perf report -i FILE`.
set -euo pipefail
bin=${1:-build/insightcrm}
duration=${2:-20s}
connections=${3:-8}
leads=1000

# A temporary $work directory and the EXIT trap that stops the server and removes it.
source "$(dirname "$0")/bench_server.sh"

db="$work/bench.db"
"$bin" migrate --db "sqlite:$db" >/dev/null
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $leads)
INSERT INTO leads (external_id, name, email, company, source, status, expected_value_minor,
                   currency, created_at, updated_at)
SELECT 'L' || i, 'Lead ' || i, 'lead' || i || '@example.com', 'Company ' || i, 'web', 'new',
       0, 'EUR', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z' FROM n;
SQL
# An admin, the server and an API key for wrk.
start_bench_server "$bin" "$db" "$work"

# Lead ids are 1..$leads (a fresh database). Events are timed from ten minutes
# back, advancing one second every 20 requests of a wrk thread, so a run of up to
# 18,000 requests per thread stays short of the 5-minute future limit (an event
# past it is rejected, not stored, and would inflate the figure).
now=$(date -u +%s)
cat >"$work/events.lua" <<LUA
local counter = 0
local thread_id = 0
local types = {"page_view", "email_open", "purchase"}
function setup(thread) thread:set("tid", thread_id); thread_id = thread_id + 1 end
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-ndjson"
  wrk.headers["Authorization"] = "Bearer $key"
end
function request()
  counter = counter + 1
  local base = $now - 600 + math.floor(counter / 20)
  local lines = {}
  for i = 1, 1000 do
    lines[i] = string.format('{"id":"t%d-%d-%d","entity":"lead:%d","type":"%s","ts":"%s","value":%d}',
      tid, counter, i, (i * 7 + counter) % $leads + 1, types[i % 3 + 1],
      os.date("!%Y-%m-%dT%H:%M:%SZ", base), i % 50)
  end
  return wrk.format(nil, "/api/v1/events", nil, table.concat(lines, "\n"))
end
function response(status, headers, body)
  if status ~= 202 then print("status " .. status .. ": " .. body) end
end
LUA
# The server's CPU time (user + system, clock ticks) from /proc: on a shared
# machine the CPU spent per stored event compares builds better than events/s.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
rows_before=$(sqlite3 "$db" 'SELECT COUNT(*) FROM events')
ticks_before=$(cpu_ticks)
perf_pid=
if [[ -n ${PERF_OUT:-} ]]; then
  perf record -q -e cpu-clock -g -p "$server_pid" -o "$PERF_OUT" 2>/dev/null &
  perf_pid=$!
fi
wrk -t 2 -c "$connections" -d "$duration" --latency -s "$work/events.lua" "$base" | grep -vE '^\s*$'
if [[ -n $perf_pid ]]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
sleep 1  # the requests in flight when wrk stopped are committed
ticks=$(($(cpu_ticks) - ticks_before))
rows=$(($(sqlite3 "$db" 'SELECT COUNT(*) FROM events') - rows_before))
echo "server CPU: $((ticks * 1000 / $(getconf CLK_TCK))) ms for $rows events =" \
  "$(awk -v t="$ticks" -v r="$rows" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", r ? t / hz * 1e6 / r : 0 }') us/event"
stats=$(curl -sf -H "Authorization: Bearer $key" "$base/api/v1/events/stats")
echo "stats: $stats"
echo "rows in the log: $(sqlite3 "$db" 'SELECT COUNT(*) FROM events')"
