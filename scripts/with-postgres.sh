#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL 15 server: initdb in a temporary
# directory, a free loopback port, trust auth. The server's URL is exported as
# ICRM_TEST_PG_URL; the server and its directory are removed afterwards.
#   scripts/with-postgres.sh ctest --test-dir build
set -euo pipefail

pg_bin=/usr/lib/postgresql/15/bin
[[ -x $pg_bin/initdb ]] || { echo "with-postgres: $pg_bin/initdb not found (apt install postgresql-15)" >&2; exit 2; }

dir=$(mktemp -d /tmp/icrm-pg.XXXXXX)
chmod 755 "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
       || shuf -i 20000-60000 -n 1)

# PostgreSQL refuses to run as root; run it as the postgres system user then.
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres:postgres "$dir"
  as_pg=(runuser -u postgres --)
fi

cleanup() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

"${as_pg[@]}" "$pg_bin/initdb" -D "$dir/data" -U icrm --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 2; }
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 2; }
createdb -h 127.0.0.1 -p "$port" -U icrm icrm_test

export ICRM_TEST_PG_URL="postgresql://icrm@127.0.0.1:$port/icrm_test"
echo "with-postgres: PostgreSQL 15 on port $port"
set +e
"$@"
rc=$?
set -e
exit $rc
