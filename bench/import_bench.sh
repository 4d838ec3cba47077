#!/usr/bin/env bash
# Import benchmark: the UCI Online Retail file (541,909 lines) loaded with
# `insightcrm dataset load online-retail` into SQLite and into PostgreSQL
# (validating every line, linking products and customers, exact money), and,
# in the same run, Debian's pandas read_csv + to_sql into SQLite (validates
# and links nothing) on the same file. Prints wall seconds, CPU seconds
# (user+sys) and rows/s for each; CPU time is the fairer figure on a shared
# machine.
#   bash bench/import_bench.sh [BINARY] [FILE]
# Needs python3-pandas (apt-get install -y python3-pandas) for /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/insightcrm}
file=${2:-${ICRM_DATASETS:-../shared/datasets}/online-retail/online-retail.csv}
[[ -x $bin ]] || { echo "import_bench: build $bin first (make build)" >&2; exit 2; }
[[ -f $file ]] || { echo "import_bench: no $file (see docs/datasets.md for where to get it)" >&2; exit 2; }
# Run under a throw-away PostgreSQL server, started outside the measurements.
if [[ -z ${ICRM_TEST_PG_URL:-} ]]; then
  exec bash scripts/with-postgres.sh bash "$0" "$bin" "$file"
fi
tmp=$(mktemp -d /tmp/icrm-import-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rows=$(($(wc -l <"$file") - 1))

# measure NAME COMMAND...: runs it under /usr/bin/time, prints one line.
measure() {
  local name=$1
  shift
  /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" || {
    echo "$name failed:" >&2
    cat "$tmp/err" >&2
    return 1
  }
  read -r wall user sys <"$tmp/time"
  awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rows" 'BEGIN {
    printf "%-34s wall %6.2f s  cpu %6.2f s  %9.0f rows/s (wall)  %9.0f rows/s (cpu)\n",
           n, w, u + s, r / w, r / (u + s) }'
}

echo "file: $file ($rows lines); load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
measure "insightcrm -> SQLite" "$bin" dataset load online-retail --db "sqlite:$tmp/icrm.db" --file "$file"
tail -1 "$tmp/out"
measure "insightcrm -> PostgreSQL" "$bin" dataset load online-retail --db "$ICRM_TEST_PG_URL" --file "$file"
tail -1 "$tmp/out"
if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
  measure "pandas read_csv+to_sql -> SQLite" /usr/bin/python3 -c '
import sqlite3, sys, pandas
df = pandas.read_csv(sys.argv[1])
con = sqlite3.connect(sys.argv[2])
df.to_sql("lines", con, index=False)
con.commit()
print(len(df))' "$file" "$tmp/pandas.db"
else
  echo "pandas: not installed (apt-get install -y python3-pandas)"
fi
