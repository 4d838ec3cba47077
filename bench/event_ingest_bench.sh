#!/usr/bin/env bash
# Durable event ingest through HTTP: wrk POSTs NDJSON batches of 1,000 events
# (distinct ids, 1,000 leads, page views / email opens / purchases) to
# `insightcrm serve` on SQLite; every 202 means the batch was committed and
# the WAL synced before the answer. Not a test; run by hand:
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
# CLIENT picks how wrk builds the bodies; the server receives the same bytes
# either way (CLIENT=check builds both for every request and stops at the
# first difference):
#   splice (default): the parts of each line that do not change between
#     requests are built once in init(); a request only splices in its counter
#     and its time (one os.date per request) and joins the pieces.
#   format: the original generator, one string.format and one os.date per
#     event (1,000 per request); it cost the shared machine a real share of
#     a core (bench/README.md, "The load generator's share of the machine").
client=${CLIENT:-splice}
cat >"$work/events.lua" <<LUA
local counter = 0
local thread_id = 0
local leads = $leads
local types = {"page_view", "email_open", "purchase"}
local client = "$client"
function setup(thread) thread:set("tid", thread_id); thread_id = thread_id + 1 end

-- The original generator.
local function body_format(counter, base)
  local lines = {}
  for i = 1, 1000 do
    lines[i] = string.format('{"id":"t%d-%d-%d","entity":"lead:%d","type":"%s","ts":"%s","value":%d}',
      tid, counter, i, (i * 7 + counter) % leads + 1, types[i % 3 + 1],
      os.date("!%Y-%m-%dT%H:%M:%SZ", base), i % 50)
  end
  return table.concat(lines, "\n")
end

-- The same lines from pieces: parts[6 * (i - 1) + 1 .. 6 * i] is line i as
-- id prefix (per request), "<i>\",\"entity\":\"lead:" (constant), the lead
-- number (from a table), "\",\"type\":...\"ts\":\"" (constant), the time
-- (per request) and "\",\"value\":<v>}" plus the newline (constant).
local parts, lead_names = {}, {}
local function prepare()
  for n = 1, leads do lead_names[n] = tostring(n) end
  for i = 1, 1000 do
    local at = 6 * (i - 1)
    parts[at + 2] = i .. '","entity":"lead:'
    parts[at + 4] = '","type":"' .. types[i % 3 + 1] .. '","ts":"'
    parts[at + 6] = '","value":' .. (i % 50) .. (i < 1000 and '}\n' or '}')
  end
end
local function body_splice(counter, base)
  local id = '{"id":"t' .. tid .. '-' .. counter .. '-'
  local ts = os.date("!%Y-%m-%dT%H:%M:%SZ", base)
  for i = 1, 1000 do
    local at = 6 * (i - 1)
    parts[at + 1] = id
    parts[at + 3] = lead_names[(i * 7 + counter) % leads + 1]
    parts[at + 5] = ts
  end
  return table.concat(parts)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-ndjson"
  wrk.headers["Authorization"] = "Bearer $key"
  prepare()
end
function request()
  counter = counter + 1
  local base = $now - 600 + math.floor(counter / 20)
  local body
  if client == "format" then
    body = body_format(counter, base)
  else
    body = body_splice(counter, base)
    if client == "check" and body ~= body_format(counter, base) then
      print("CLIENT=check: the bodies differ at request " .. counter .. " of thread " .. tid)
      os.exit(1)
    end
  end
  return wrk.format(nil, "/api/v1/events", nil, body)
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
# wrk's own CPU (user + system) as well: it shares the two cores with the server.
/usr/bin/time -f '%U %S %e' -o "$work/wrk.time" \
  wrk -t 2 -c "$connections" -d "$duration" --latency -s "$work/events.lua" "$base" | grep -vE '^\s*$'
if [[ -n $perf_pid ]]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
sleep 1  # the requests in flight when wrk stopped are committed
ticks=$(($(cpu_ticks) - ticks_before))
rows=$(($(sqlite3 "$db" 'SELECT COUNT(*) FROM events') - rows_before))
echo "server CPU: $((ticks * 1000 / $(getconf CLK_TCK))) ms for $rows events =" \
  "$(awk -v t="$ticks" -v r="$rows" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", r ? t / hz * 1e6 / r : 0 }') us/event"
read -r wrk_user wrk_sys wrk_wall <"$work/wrk.time"
echo "client ($client) CPU: $(awk -v u="$wrk_user" -v s="$wrk_sys" -v w="$wrk_wall" -v r="$rows" \
  'BEGIN { printf "%.2f s over %.1f s = %.0f %% of one core, %.2f us/event", u + s, w, (u + s) / w * 100, r ? (u + s) * 1e6 / r : 0 }')"
stats=$(curl -sf -H "Authorization: Bearer $key" "$base/api/v1/events/stats")
echo "stats: $stats"
echo "rows in the log: $(sqlite3 "$db" 'SELECT COUNT(*) FROM events')"
