#!/usr/bin/env bash
# Benchmarks: a database "wsv_bench" with the five addons and generated volumes (made once
# and kept; WSV_BENCH_CUSTOMERS, default 100000), then each tests/bench script, which prints
# its figures against the targets and a baseline of the same run.
source "$(dirname "$0")/env.sh"
ensure_venv
ensure_postgres
DB=${WSV_BENCH_DB:-wsv_bench}
CONF=$WSV_HOME/odoo-bench.conf
write_odoo_conf "$CONF" "$DB" "$(free_port)"
if ! db_exists "$DB" || [ "$(psql -d "$DB" -Atc 'select count(*) from res_partner where is_customer' 2>/dev/null)" = 0 ]; then
    dropdb --if-exists --force "$DB"
    say "creating $DB and generating ${WSV_BENCH_CUSTOMERS:-100000} customers (once)"
    "$WSV_VENV/bin/python" "$WSV_ROOT/scripts/odoo_db.py" -c "$CONF" "$DB" --no-demo
    odoo_bin -c "$CONF" -d "$DB" -i "$WSV_ADDONS" --stop-after-init --log-level=warn
    "$WSV_VENV/bin/python" "$WSV_ROOT/scripts/generate_data.py" -c "$CONF" -d "$DB" \
        --customers "${WSV_BENCH_CUSTOMERS:-100000}"
    addons_hash >"$WSV_HOME/$DB.addons-hash"
elif [ "$(cat "$WSV_HOME/$DB.addons-hash" 2>/dev/null)" != "$(addons_hash)" ]; then
    say "addons changed: updating $DB"
    odoo_bin -c "$CONF" -d "$DB" -u "$WSV_ADDONS" --stop-after-init --log-level=warn
    addons_hash >"$WSV_HOME/$DB.addons-hash"
fi
if [ "$(psql -d "$DB" -Atc 'select count(*) from sale_order')" = 0 ]; then
    say "generating the contracts of $DB (once)"
    "$WSV_VENV/bin/python" "$WSV_ROOT/scripts/generate_data.py" -c "$CONF" -d "$DB" \
        --customers 0 --salespeople 0
fi
for bench in "$WSV_ROOT"/tests/bench/bench_*.py; do
    say "$(basename "$bench")"
    "$WSV_VENV/bin/python" "$bench" -c "$CONF" -d "$DB"
done
