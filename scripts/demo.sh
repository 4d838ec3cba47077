#!/usr/bin/env bash
# make demo: prepares the demo database and starts the server on it, in the
# foreground (Ctrl-C stops it gracefully).
#   scripts/demo.sh BINARY DB_URL PORT
# On the first run it creates an admin account with a random password and
# prints the login once; later runs find the account and leave it alone.
set -euo pipefail
bin=$1 db=$2 port=$3
host=127.0.0.1
admin_email=${DEMO_ADMIN_EMAIL:-admin@insightcrm.local}
url="http://$host:$port/"
web=web/dist

"$bin" migrate --db "$db"

# --- demo accounts -----------------------------------------------------------
if "$bin" user list --db "$db" | awk 'NR > 1 { print $2 }' | grep -qixF "$admin_email"; then
  echo "InsightCRM demo: admin account $admin_email already exists (its password was printed on the first run;"
  echo "  to start over, delete the demo database or disable it with: $bin user disable --db $db --email $admin_email)"
else
  password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
  printf '%s\n' "$password" | "$bin" user add --db "$db" --email "$admin_email" --name "Demo admin" \
    --role admin --password-stdin >/dev/null
  echo "======================================================================"
  echo " InsightCRM demo"
  echo "   URL:      $url"
  echo "   login:    $admin_email"
  echo "   password: $password"
  echo " (shown once; it is stored only as an argon2id hash)"
  echo "======================================================================"
fi
# ------------------------------------------------------------------------------

# Demo data on first start (a believable small business, docs/demo-data.md): the
# manager and three reps get their passwords printed once; a later run finds the
# data and does nothing.
"$bin" demo --db "$db" >/dev/null

[[ -d $web ]] || echo "note: the dashboard is not built ($web missing); the API still works."
echo
echo "InsightCRM demo: $url   (health: ${url}healthz)   Stop with Ctrl-C."
echo
exec "$bin" serve --db "$db" --host "$host" --port "$port" --web "$web"
