#!/usr/bin/env bash
# Run WSV CRM: Odoo 18.0 with the five WSV addons, demo data and the simulators of the
# outside systems, on http://localhost:8069 (admin / admin).
# First run: creates the virtualenv and the database (a few minutes). Later runs reuse
# both, keep the data, and update the addons only when their files changed.
#   WSV_DB (wsv_crm), WSV_PORT (8069), ODOO_PATH (/opt/odoo18), PGHOST/PGUSER/PGPASSWORD
source "$(dirname "$0")/env.sh"
ensure_venv
ensure_postgres

DB=${WSV_DB:-wsv_crm}
PORT=${WSV_PORT:-8069}
CONF=$WSV_HOME/odoo-$DB.conf
write_odoo_conf "$CONF" "$DB" "$PORT"
STAMP=$WSV_HOME/$DB.addons-hash
HASH=$(addons_hash)

if ! db_exists "$DB"; then
    say "creating database $DB (Chinese, China, demo data) with the five WSV addons"
    "$WSV_VENV/bin/python" "$WSV_ROOT/scripts/odoo_db.py" -c "$CONF" "$DB"
    odoo_bin -c "$CONF" -d "$DB" -i "$WSV_ADDONS" --stop-after-init --log-level=warn
    echo "$HASH" >"$STAMP"
elif [ "$(cat "$STAMP" 2>/dev/null)" != "$HASH" ]; then
    say "addons changed: updating $DB"
    odoo_bin -c "$CONF" -d "$DB" -u "$WSV_ADDONS" -i "$WSV_ADDONS" --stop-after-init --log-level=warn
    echo "$HASH" >"$STAMP"
fi

start_simulators "$PORT"
say "serving Odoo on http://localhost:$PORT (database $DB, admin / admin)"
odoo_bin -c "$CONF" -d "$DB"
