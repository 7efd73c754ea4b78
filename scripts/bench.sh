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
    odoo_bin -c "$CONF" -d "$DB" -i "$WSV_ADDONS" --stop-after-init --log-level=warn --workers=0
    "$WSV_VENV/bin/python" "$WSV_ROOT/scripts/generate_data.py" -c "$CONF" -d "$DB" \
        --customers "${WSV_BENCH_CUSTOMERS:-100000}"
    addons_hash >"$WSV_HOME/$DB.addons-hash"
elif [ "$(cat "$WSV_HOME/$DB.addons-hash" 2>/dev/null)" != "$(addons_hash)" ]; then
    say "addons changed: updating $DB"
    odoo_bin -c "$CONF" -d "$DB" -u "$WSV_ADDONS" --stop-after-init --log-level=warn --workers=0
    addons_hash >"$WSV_HOME/$DB.addons-hash"
fi
if [ "$(psql -d "$DB" -Atc 'select count(*) from sale_order')" = 0 ]; then
    say "generating the contracts of $DB (once)"
    "$WSV_VENV/bin/python" "$WSV_ROOT/scripts/generate_data.py" -c "$CONF" -d "$DB" \
        --customers 0 --salespeople 0
fi
case "${1:-}" in
load | pages)
    # load: Locust against the server as deployed (tests/load/run_load.py), exits 1 on any
    # error; pages: the main screens in headless Chromium (tests/load/pages.py)
    ensure_load_venv
    [ "$1" = load ] || ensure_chromium
    PORT=$(free_port)
    LOAD_CONF=$WSV_HOME/odoo-bench-load.conf
    write_odoo_conf "$LOAD_CONF" "$DB" "$PORT" prod
    check_db_connections "$LOAD_CONF"
    ROLES=$WSV_HOME/load-roles.json
    "$WSV_VENV/bin/python" "$WSV_ROOT/tests/load/prepare.py" -c "$CONF" -d "$DB" >"$ROLES"
    # the server itself in the background (not the odoo_bin function: its subshell would be
    # what the trap stops, leaving the server running)
    "$WSV_VENV/bin/python" "$ODOO_PATH/odoo-bin" -c "$LOAD_CONF" -d "$DB" --http-port="$PORT" \
        --log-level=warn >"$WSV_HOME/load-server.log" 2>&1 &
    SERVER_PID=$!
    trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
    for _ in $(seq 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/web/login" && break; sleep 0.5; done
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/web/login" || die "the server did not start: $WSV_HOME/load-server.log"
    say "Odoo on port $PORT as deployed: $(conf_value "$LOAD_CONF" workers) workers (log: $WSV_HOME/load-server.log)"
    if [ "$1" = load ]; then
        "$LOAD_PYTHON" "$WSV_ROOT/tests/load/run_load.py" --url "http://127.0.0.1:$PORT" \
            --db "$DB" --roles "$ROLES" --server-pid "$SERVER_PID" "${@:2}"
    else
        SELLER=$("$LOAD_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["salesperson"][0])' "$ROLES")
        CONTRACT=$(psql -d "$DB" -Atc "select o.id from sale_order o join res_users u on u.id = o.user_id
            where u.login = '$SELLER' and o.is_contract order by o.id limit 1")
        "$LOAD_PYTHON" "$WSV_ROOT/tests/load/pages.py" --url "http://127.0.0.1:$PORT" \
            --roles "$ROLES" --contract "$CONTRACT"
    fi
    exit $?
    ;;
esac
for bench in "$WSV_ROOT"/tests/bench/bench_*.py; do
    say "$(basename "$bench")"
    "$WSV_VENV/bin/python" "$bench" -c "$CONF" -d "$DB"
done
