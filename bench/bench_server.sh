# Sourced by the HTTP benchmarks. Sourcing it makes a temporary directory
# $work and an EXIT trap that stops the server (if started) and removes $work.
# start_bench_server BIN DB WORK adds an admin, starts `insightcrm serve` on a
# free port and sets server_pid, base and key (an API key of that admin).
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

start_bench_server() {
  local bin=$1 db=$2 work=$3
  printf '%s' 'bench password 1234' |
    "$bin" user add --db "sqlite:$db" --email bench@example.com --name Bench --role admin --password-stdin >/dev/null
  # SERVE_ARGS: extra `serve` options for a run (e.g. --threads 2 to compare).
  # shellcheck disable=SC2086
  "$bin" serve --db "sqlite:$db" --port 0 --web "$work/none" ${SERVE_ARGS:-} >"$work/serve.log" 2>&1 &
  server_pid=$!
  local port=
  for _ in $(seq 1 300); do
    port=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$work/serve.log" | grep -oE '[0-9]+$' || true)
    [[ -n $port ]] && break
    sleep 0.1
  done
  [[ -n $port ]] || { cat "$work/serve.log"; echo "server did not start" >&2; exit 1; }
  base="http://127.0.0.1:$port"
  local session
  session=$(curl -sf -H 'Content-Type: application/json' \
    -d '{"email":"bench@example.com","password":"bench password 1234"}' "$base/api/v1/auth/login" |
    sed -E 's/.*"token":"([^"]+)".*/\1/')
  key=$(curl -sf -H 'Content-Type: application/json' -H "Authorization: Bearer $session" \
    -d '{"name":"bench"}' "$base/api/v1/tokens" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  [[ $key == icrm_* ]] || { echo "could not create an API key" >&2; exit 1; }
}
