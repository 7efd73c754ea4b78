#!/usr/bin/env bash
# Run WSV CRM: Odoo 18.0 with the five WSV addons, demo data and the simulators of the
# outside systems, on http://localhost:8069 (admin / admin).
# First run: creates the virtualenv and the database (a few minutes). Later runs reuse
# both, keep the data, and update the addons only when their files changed.
# The server runs as deployed: 2 x cores + 1 worker processes, a cron worker, queue_job's
# runner and the websocket process on WSV_GEVENT_PORT (8079); see docs/operations.md.
#   --dev (or WSV_DEV=1): one threaded process that reloads on code changes, for development
#   WSV_DB (wsv_crm), WSV_PORT (8069), WSV_WORKERS, ODOO_PATH (/opt/odoo18), PGHOST/PGUSER/PGPASSWORD
source "$(dirname "$0")/env.sh"
MODE=prod
[ "${1:-}" != --dev ] && [ "${WSV_DEV:-0}" = 0 ] || MODE=dev
ensure_venv
ensure_postgres

DB=${WSV_DB:-wsv_crm}
PORT=${WSV_PORT:-8069}
CONF=$WSV_HOME/odoo-$DB.conf
WSV_GEVENT_PORT=${WSV_GEVENT_PORT:-$((PORT + 10))} write_odoo_conf "$CONF" "$DB" "$PORT" "$MODE"
check_db_connections "$CONF"
STAMP=$WSV_HOME/$DB.addons-hash
HASH=$(addons_hash)

if ! db_exists "$DB"; then
    say "creating database $DB (Chinese, China, demo data) with the five WSV addons"
    "$WSV_VENV/bin/python" "$WSV_ROOT/scripts/odoo_db.py" -c "$CONF" "$DB"
    odoo_bin -c "$CONF" -d "$DB" -i "$WSV_ADDONS" --stop-after-init --log-level=warn --workers=0
    echo "$HASH" >"$STAMP"
elif [ "$(cat "$STAMP" 2>/dev/null)" != "$HASH" ]; then
    say "addons changed: updating $DB"
    odoo_bin -c "$CONF" -d "$DB" -u "$WSV_ADDONS" -i "$WSV_ADDONS" --stop-after-init \
        --log-level=warn --workers=0
    echo "$HASH" >"$STAMP"
fi

start_simulators "$PORT"
if [ "$MODE" = dev ]; then
    say "serving Odoo on http://localhost:$PORT (database $DB, admin / admin), development mode"
    odoo_bin -c "$CONF" -d "$DB" --dev=reload
else
    say "serving Odoo on http://localhost:$PORT (database $DB, admin / admin): $(conf_value "$CONF" workers) workers"
    odoo_bin -c "$CONF" -d "$DB"
fi
