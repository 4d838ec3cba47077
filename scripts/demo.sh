#!/usr/bin/env bash
# make demo: prepares the demo database and starts the server on it.
#   scripts/demo.sh BINARY DB_URL PORT
set -euo pipefail
bin=$1 db=$2 port=$3
"$bin" migrate --db "$db"
echo "InsightCRM demo: the server is not part of this build yet (see the open issues)."
