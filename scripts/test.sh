#!/usr/bin/env bash
# Every test of WSV CRM, on a fresh machine as on a warm one:
#   1. lint: ruff (check and format) and pylint-odoo with the OCA mandatory checks;
#   2. plain pytest for the rule modules (tests/unit, no database);
#   3. the Odoo tests of the five addons, installed on a fresh test database copied from
#      a template that holds their dependencies (cached on a hash of the dependencies
#      and requirements, so a warm run starts in seconds);
#      then Odoo's own sale, sale_management and crm suites on a database with them installed;
#   4. integration tests (tests/integration) against a live server on that database.
# Fails on any failed test, any skipped Odoo test and any ERROR line in Odoo's log,
# and ends with a line "N passed, N failed".
source "$(dirname "$0")/env.sh"
ensure_venv
ensure_postgres
ensure_chromium
ensure_lint_venv

OUT=$WSV_HOME/test-run
rm -rf "$OUT" && mkdir -p "$OUT"
PASSED=0
FAILED=0
count() { PASSED=$((PASSED + $1)); FAILED=$((FAILED + $2)); }
# junit counts: "passed failed"
junit_counts() {
    "$WSV_VENV/bin/python" - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print(0, 1); sys.exit()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
total = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get(k, 0)) for s in suites for k in ("failures", "errors", "skipped"))
print(total - bad, bad)
PY
}
check() {  # check NAME COMMAND...: one lint check, counted as one test
    local name=$1; shift
    if "$@" >"$OUT/$name.log" 2>&1; then
        count 1 0; say "$name: ok"
    else
        count 0 1; say "$name: FAILED"; cat "$OUT/$name.log"
    fi
}
# build_template NAME PREFIX [chinese]: a database NAME (its name carries the hash of what
# it depends on) with the dependencies of our addons installed, made once; the older ones of
# the same PREFIX are dropped. "chinese": created as the product's are (odoo_db.py).
build_template() {
    local name=$1 prefix=$2 chinese=${3:-} old
    db_exists "$name" && return 0
    say "building template $name: $DEPS (once per change of dependencies)"
    for old in $(psql -d postgres -Atc "select datname from pg_database where datname like '${prefix}%'"); do
        dropdb --force "$old" && rm -rf "$WSV_HOME/data/filestore/$old"
    done
    [ -z "$chinese" ] || "$WSV_VENV/bin/python" scripts/odoo_db.py -c "$CONF" "$name.tmp"
    odoo_bin -c "$CONF" -d "$name.tmp" -i "$DEPS" --stop-after-init --log-level=warn
    psql -d postgres -qc "ALTER DATABASE \"$name.tmp\" RENAME TO \"$name\""
    if [ -d "$WSV_HOME/data/filestore/$name.tmp" ]; then
        mv "$WSV_HOME/data/filestore/$name.tmp" "$WSV_HOME/data/filestore/$name"
    fi
}
# odoo_summary LOG: "failed errors total" of the Odoo test run in LOG; nothing if it did not end
odoo_summary() {
    grep -oE "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database" "$1" |
        tail -n 1 | sed -E 's/([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/'
}
cd "$WSV_ROOT"

# 1. lint
mapfile -t PY_DIRS < <(ls -d addons scripts tests simulators 2>/dev/null)
check ruff-check "$LINT_BIN/ruff" check --no-fix "${PY_DIRS[@]}"
check ruff-format "$LINT_BIN/ruff" format --check "${PY_DIRS[@]}"
check pylint-odoo "$LINT_BIN/pylint" --rcfile=.pylintrc-mandatory addons/wsv_*
check oca-checks-module "$LINT_BIN/oca-checks-odoo-module" addons/wsv_*/__manifest__.py
check oca-checks-po "$LINT_BIN/oca-checks-po" addons/wsv_*/i18n/*.po

# 2. plain pytest
say "pytest: rule modules"
pytest -q -p no:cacheprovider -p no:odoo tests/unit --junitxml="$OUT/unit.xml" || true
read -r p f < <(junit_counts "$OUT/unit.xml"); count "$p" "$f"

# 3. Odoo tests
DEPS=$(external_depends)
TPL=wsv_tpl_$( (echo "$DEPS"; cat requirements.txt scripts/odoo_db.py config/odoo.conf.template "$ODOO_PATH/requirements.txt"; echo "$ODOO_PATH") | sha1sum | cut -c1-10)
CONF=$WSV_HOME/odoo-test.conf
PORT=$(free_port)
# the simulators of a test run listen on ports of their own, apart from a running product
WSV_QICHACHA_PORT=$(free_port)
WSV_SAP_PORT=$(free_port)
WSV_NUONUO_PORT=$(free_port)
WSV_SAP_DB=$OUT/sap-simulator.sqlite
export WSV_QICHACHA_PORT WSV_SAP_PORT WSV_NUONUO_PORT WSV_SAP_DB
# Odoo's tests run in the threaded server; the integration tests against the server as
# deployed (workers, cron worker, queue_job's runner in a process of its own)
write_odoo_conf "$CONF" wsv_test "$PORT" dev
SERVER_CONF=$WSV_HOME/odoo-test-server.conf
write_odoo_conf "$SERVER_CONF" wsv_test "$PORT" prod
sed -i 's/^dbfilter.*/dbfilter =/' "$CONF" "$SERVER_CONF"
build_template "$TPL" wsv_tpl_ chinese
say "Odoo tests on a fresh copy of $TPL"
copy_db "$TPL" wsv_test
TAGS=$(echo "$WSV_ADDONS" | sed 's/\([a-z_]*\)/\/\1/g')
odoo_bin -c "$CONF" -d wsv_test -i "$WSV_ADDONS" --test-enable --test-tags "$TAGS" \
    --stop-after-init --log-level=test --http-port="$PORT" >"$OUT/odoo.log" 2>&1 || true
# ERROR lines, and the warnings that hide a broken install (demo data that failed to load)
grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) |^[0-9-]+ [0-9:,]+ [0-9]+ WARNING .*(failed to install|odoo\.addons\.wsv_)" \
    "$OUT/odoo.log" |
    # Headless Chrome preconnects sockets it may never use; Odoo's test server closes them
    # after 5 s and Python's http.server logs that at ERROR level. Not an application error.
    grep -vE " ERROR [^ ]+ werkzeug: .* Request timed out: TimeoutError" >"$OUT/odoo-errors.log" || true
SKIPPED=$(grep -cE "odoo\.addons\.wsv_[a-z_.]+: skipped " "$OUT/odoo.log" || true)
read -r of oe ot < <(odoo_summary "$OUT/odoo.log") || true
if [ -z "${ot:-}" ]; then
    say "Odoo tests did not run to the end: last lines of the log"; tail -n 60 "$OUT/odoo.log"
    count 0 1
else
    count $((ot - of - oe - SKIPPED)) $((of + oe + SKIPPED))
    say "Odoo: $of failed, $oe error(s) of $ot tests; $SKIPPED skipped"
    [ "$SKIPPED" = 0 ] || grep -E "odoo\.addons\.wsv_[a-z_.]+: skipped " "$OUT/odoo.log"
    [ "$ot" -gt 0 ] || count 0 1
fi
if [ -s "$OUT/odoo-errors.log" ]; then
    say "ERROR lines (and install warnings) in Odoo's log, each a failure:"
    cat "$OUT/odoo-errors.log"
    count 0 "$(wc -l <"$OUT/odoo-errors.log")"
fi

# 3b. Odoo's own sale, sale_management and crm suites with every wsv addon installed: the
# standard sales flows keep working (a database of their own: the addons installed first,
# then Odoo's modules updated with their tests, at_install and post_install)
# (an English database without a country, as Odoo's own runs use: their assertions are on
# English texts and the default chart of accounts; its template is cached like ours)
say "Odoo's sale, sale_management and crm suites with the wsv addons installed"
CORE_TPL=wsv_coretpl_${TPL#wsv_tpl_}
build_template "$CORE_TPL" wsv_coretpl_
copy_db "$CORE_TPL" wsv_core_test
odoo_bin -c "$CONF" -d wsv_core_test -i "$WSV_ADDONS" --stop-after-init --log-level=warn \
    --http-port="$PORT" >"$OUT/odoo-core-install.log" 2>&1 || true
odoo_bin -c "$CONF" -d wsv_core_test -u sale,sale_management,crm --test-enable \
    --test-tags /sale,/sale_management,/crm --stop-after-init --log-level=test \
    --http-port="$PORT" >"$OUT/odoo-core.log" 2>&1 || true
of='' oe='' ot=''
read -r of oe ot < <(odoo_summary "$OUT/odoo-core.log") || true
if [ -z "$ot" ]; then
    say "Odoo's suites did not run to the end: last lines of the log"; tail -n 60 "$OUT/odoo-core.log"
    count 0 1
else
    count $((ot - of - oe)) $((of + oe))
    say "Odoo's suites: $of failed, $oe error(s) of $ot tests"
    [ "$of" = 0 ] && [ "$oe" = 0 ] || grep -E "^(FAIL|ERROR): | (ERROR|CRITICAL) " "$OUT/odoo-core.log" | head -n 80
    [ "$ot" -gt 200 ] || { say "Odoo's suites ran only $ot tests"; count 0 1; }
fi
dropdb --if-exists --force wsv_core_test && rm -rf "$WSV_HOME/data/filestore/wsv_core_test"

# every term of the installed addons has its zh_CN translation
check i18n-zh_CN "$WSV_VENV/bin/python" scripts/i18n_check.py -c "$CONF" -d wsv_test ${WSV_ADDONS//,/ }

# 4. integration tests against a live server on the test database
if [ -d tests/integration ]; then
    say "integration tests against a live server"
    start_simulators "$PORT"
    check_db_connections "$SERVER_CONF"
    "$WSV_VENV/bin/python" "$ODOO_PATH/odoo-bin" -c "$SERVER_CONF" -d wsv_test --http-port="$PORT" \
        --log-level=warn >"$OUT/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 120); do
        curl -sf -o /dev/null "http://127.0.0.1:$PORT/web/login" && break
        sleep 0.5
    done
    WSV_URL="http://127.0.0.1:$PORT" WSV_DB=wsv_test WSV_CONF="$CONF" WSV_SERVER_CONF="$SERVER_CONF" pytest -q -p no:cacheprovider -p no:odoo tests/integration \
        --junitxml="$OUT/integration.xml" || true
    kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true
    read -r p f < <(junit_counts "$OUT/integration.xml"); count "$p" "$f"
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
