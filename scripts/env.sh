# shellcheck shell=bash
# Shared setup for scripts/run.sh and scripts/test.sh: sourced, never run.
# Everything here is idempotent and quick when already done, so both commands
# can call it on every run, on a fresh machine as on a warm one.
set -euo pipefail

WSV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WSV_HOME=${WSV_HOME:-$HOME/.cache/wsv_crm}
WSV_VENV=${WSV_VENV:-$WSV_HOME/venv}
WSV_PYTHON=${WSV_PYTHON:-python3.11}
WSV_ADDONS="wsv_crm_customer,wsv_contract,wsv_fulfillment,wsv_einvoice,wsv_sap_bridge"
mkdir -p "$WSV_HOME"

say() { printf '\033[1m[wsv]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[wsv] %s\033[0m\n' "$*" >&2; exit 2; }

# --- Odoo 18.0 source -------------------------------------------------------
find_odoo() {
    local d
    for d in "${ODOO_PATH:-}" /opt/odoo18 /opt/odoo; do
        if [ -n "$d" ] && [ -f "$d/odoo/release.py" ]; then
            grep -q "version_info = (18, 0" "$d/odoo/release.py" \
                || die "ODOO_PATH=$d is not Odoo 18.0 (see odoo/release.py)."
            ODOO_PATH=$(cd "$d" && pwd)
            export ODOO_PATH
            return 0
        fi
    done
    die "Odoo 18.0 source not found. Check out Odoo 18.0 (for example to /opt/odoo18, the
default place) and/or set ODOO_PATH to the folder that holds odoo-bin and odoo/release.py.
See README.md, section 'Odoo'."
}

# --- Python virtualenv --------------------------------------------------------
# Rebuilt incrementally when Odoo's or our requirements change (hash stamp).
ensure_venv() {
    find_odoo
    command -v "$WSV_PYTHON" >/dev/null || die "$WSV_PYTHON not found: Odoo 18.0 wants Python 3.10-3.12."
    local want
    want=$( (cat "$ODOO_PATH/requirements.txt" "$WSV_ROOT/requirements.txt"; echo "$ODOO_PATH") | sha1sum | cut -c1-16)
    if [ ! -x "$WSV_VENV/bin/python" ]; then
        say "creating virtualenv $WSV_VENV"
        "$WSV_PYTHON" -m venv "$WSV_VENV"
    fi
    if [ "$(cat "$WSV_VENV/.wsv-stamp" 2>/dev/null)" != "$want" ]; then
        say "installing Python requirements (Odoo's and ours) into $WSV_VENV"
        local tmp
        tmp=$(mktemp -d)
        # Odoo pins old setuptools-era sdists; python-ldap needs system LDAP headers and
        # is only for the auth_ldap addon, which we do not use.
        echo "setuptools<70" >"$tmp/constraint.txt"
        grep -v '^python-ldap' "$ODOO_PATH/requirements.txt" >"$tmp/odoo-req.txt"
        PIP_CONSTRAINT="$tmp/constraint.txt" pip_install -r "$tmp/odoo-req.txt"
        # compat mode: the default editable finder is shadowed by the odoo/addons
        # namespace that the OCA addon wheels create.
        pip_install --no-deps -e "$ODOO_PATH" --config-settings editable_mode=compat
        PIP_CONSTRAINT="$tmp/constraint.txt" pip_install -r "$WSV_ROOT/requirements.txt"
        rm -rf "$tmp"
        echo "$want" >"$WSV_VENV/.wsv-stamp"
    fi
    export PATH="$WSV_VENV/bin:$PATH"
}

# side_venv NAME REQUIREMENTS: a virtualenv of its own for tools whose pins clash with
# Odoo's, rebuilt when the requirements file changes; prints its bin folder.
side_venv() {
    local venv=$WSV_HOME/$1 want log
    want=$(sha1sum <"$WSV_ROOT/$2" | cut -c1-16)
    # (called in $(...), where set -e is off: every failure returns by hand)
    [ -x "$venv/bin/python" ] || "$WSV_PYTHON" -m venv "$venv" >&2 || return 1
    if [ "$(cat "$venv/.wsv-stamp" 2>/dev/null)" != "$want" ]; then
        say "installing $2 into $venv"
        log=$(mktemp)
        if ! "$venv/bin/pip" install -q -r "$WSV_ROOT/$2" >"$log" 2>&1; then
            grep -v "is neither a file nor a directory" "$log" >&2; rm -f "$log"; return 1
        fi
        rm -f "$log"
        echo "$want" >"$venv/.wsv-stamp"
    fi
    echo "$venv/bin"
}

# Lint tools (their pins of polib and pylint clash with Odoo's).
ensure_lint_venv() { LINT_BIN=$(side_venv lint-venv requirements-lint.txt) || die "could not install requirements-lint.txt"; }

# Locust and Playwright for the load benchmark (Locust's gevent is not Odoo's).
ensure_load_venv() {
    LOAD_PYTHON=$(side_venv load-venv requirements-load.txt) || die "could not install requirements-load.txt"
    LOAD_PYTHON=$LOAD_PYTHON/python
}

# --- PostgreSQL ----------------------------------------------------------------
# PGHOST/PGPORT/PGUSER/PGPASSWORD win when set; otherwise the local cluster is
# started and a role for Odoo is created (Odoo refuses to run as 'postgres').
ensure_postgres() {
    if [ -z "${PGHOST:-}" ]; then
        if ! command -v pg_ctlcluster >/dev/null; then
            [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed; install it or set PGHOST/PGUSER/PGPASSWORD."
            say "installing PostgreSQL"
            DEBIAN_FRONTEND=noninteractive apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
        fi
        local ver
        ver=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
        [ -n "$ver" ] || die "no PostgreSQL cluster found (pg_lsclusters); create one or set PGHOST."
        if ! pg_lsclusters -h | awk 'NR==1 {print $4}' | grep -q online; then
            say "starting PostgreSQL $ver"
            pg_ctlcluster --skip-systemctl-redirect "$ver" main start
        fi
        export PGHOST=localhost PGPORT=${PGPORT:-$(pg_lsclusters -h | awk 'NR==1 {print $3}')}
        export PGUSER=${PGUSER:-wsv} PGPASSWORD=${PGPASSWORD:-wsv}
        if ! psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
            say "creating PostgreSQL role $PGUSER"
            local sql="CREATE ROLE \"$PGUSER\" LOGIN CREATEDB PASSWORD '$PGPASSWORD'"
            [ "$(id -u)" = 0 ] || die "cannot create role $PGUSER without root; create it or set PGUSER/PGPASSWORD."
            # as the postgres superuser over the local socket, not with our PG* settings
            runuser -u postgres -- env -u PGHOST -u PGUSER -u PGPASSWORD -u PGPORT \
                psql -q -v ON_ERROR_STOP=1 -p "$PGPORT" -c "$sql" \
                || die "could not create role $PGUSER; create it or set PGUSER/PGPASSWORD."
        fi
    fi
    export PGUSER=${PGUSER:-$(id -un)}
    [ "$PGUSER" != postgres ] || die "Odoo refuses to run as the 'postgres' role: set PGUSER to another role."
    psql -d postgres -Atc 'select 1' >/dev/null || die "cannot reach PostgreSQL at ${PGHOST:-local socket} as $PGUSER."
}

# --- Odoo configuration ------------------------------------------------------------
# config/odoo.conf.template with the machine's paths and credentials filled in.
# write_odoo_conf CONF DB [PORT] [prod|dev]: prod (the default) is the server as deployed,
# dev the threaded server of development and of Odoo's test runs.
write_odoo_conf() {
    local conf=$1 db=$2 port=${3:-8069} mode=${4:-prod}
    local cores workers cron gevent maxconn maxconn_gevent proxy interface jobs max master
    cores=$(nproc)
    gevent=${WSV_GEVENT_PORT:-$(free_port)}
    if [ "$mode" = prod ]; then
        workers=${WSV_WORKERS:-$((2 * cores + 1))} cron=1 proxy=True
        interface=${WSV_HTTP_INTERFACE:-127.0.0.1}
        jobs=$((workers / 2 > 1 ? workers / 2 : 1))
        # each process's pool, so that all of them fit under PostgreSQL's connections
        # (less 5 for psql and the like): the HTTP and cron workers and the job runner share
        # what the websocket process (16) leaves, 8 each at most, 2 at least
        max=$(psql -d postgres -Atc 'show max_connections')
        maxconn_gevent=16
        maxconn=${WSV_DB_MAXCONN:-$(((max - 5 - maxconn_gevent) / (workers + cron + 1)))}
        [ "$maxconn" -le 8 ] || maxconn=8
        [ "$maxconn" -ge 2 ] || maxconn=2
        # the database manager's master password: WSV_ADMIN_PASSWD, else a random one that
        # nobody knows (the manager is then closed; list_db is off anyway)
        master=${WSV_ADMIN_PASSWD:-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')}
    else
        workers=0 cron=2 proxy=False interface= jobs=8 maxconn=64 maxconn_gevent=64
        master=${WSV_ADMIN_PASSWD:-admin}
    fi
    sed -e "s#@WORKERS@#$workers#g" -e "s#@CRON_THREADS@#$cron#g" \
        -e "s#@GEVENT_PORT@#$gevent#g" -e "s#@DB_MAXCONN@#$maxconn#g" \
        -e "s#@DB_MAXCONN_GEVENT@#$maxconn_gevent#g" -e "s#@PROXY_MODE@#$proxy#g" \
        -e "s#@HTTP_INTERFACE@#$interface#g" -e "s#@ADMIN_PASSWD@#$master#g" \
        -e "s#@JOB_CHANNELS@#root:$jobs,root.sap:$jobs,root.einvoice:$jobs#g" \
        -e "s#@ODOO_PATH@#$ODOO_PATH#g" -e "s#@WSV_ROOT@#$WSV_ROOT#g" \
        -e "s#@DATA_DIR@#$WSV_HOME/data#g" -e "s#@DB_NAME@#$db#g" -e "s#@HTTP_PORT@#$port#g" \
        -e "s#@DB_HOST@#${PGHOST:-False}#g" -e "s#@DB_PORT@#${PGPORT:-False}#g" \
        -e "s#@DB_USER@#$PGUSER#g" -e "s#@DB_PASSWORD@#${PGPASSWORD:-False}#g" \
        -e "s#@QICHACHA_URL@#http://127.0.0.1:${WSV_QICHACHA_PORT:-8071}#g" \
        -e "s#@NUONUO_URL@#http://127.0.0.1:${WSV_NUONUO_PORT:-8073}#g" \
        -e "s#@SAP_URL@#http://127.0.0.1:${WSV_SAP_PORT:-8072}/sap/bc/srt/rfc/sap/zwsv_salesorder?wsdl#g" \
        "$WSV_ROOT/config/odoo.conf.template" >"$conf"
    chmod 600 "$conf"  # database credentials and the master password
}

conf_value() { sed -nE "s/^$2 *= *(.*)$/\1/p" "$1" | head -n 1; }

# Every process's pool together stays under PostgreSQL's max_connections: the HTTP workers,
# the cron worker, the websocket process and queue_job's runner, with room for a psql.
check_db_connections() {
    local conf=$1 workers maxconn gevent cron max need
    workers=$(conf_value "$conf" workers) maxconn=$(conf_value "$conf" db_maxconn)
    gevent=$(conf_value "$conf" db_maxconn_gevent) cron=$(conf_value "$conf" max_cron_threads)
    [ "$workers" -gt 0 ] || return 0
    max=$(psql -d postgres -Atc 'show max_connections')
    need=$(((workers + cron + 1) * maxconn + gevent))
    [ "$need" -le $((max - 5)) ] || die "$workers workers x $maxconn connections (and $gevent for \
the websocket process) need $need of PostgreSQL's max_connections ($max): set WSV_WORKERS \
or WSV_DB_MAXCONN lower, or raise max_connections."
    say "database connections: at most $need of PostgreSQL's $max ($workers workers, cron and job runner: $maxconn each; websocket: $gevent)"
}

# pip, minus the warnings about this machine's optional local indexes
pip_install() {
    "$WSV_VENV/bin/pip" install -q "$@" 2>&1 | { grep -v "is neither a file nor a directory" || true; }
    return "${PIPESTATUS[0]}"
}

odoo_bin() { "$WSV_VENV/bin/python" "$ODOO_PATH/odoo-bin" "$@"; }
db_exists() { [ "$(psql -d postgres -Atc "select 1 from pg_database where datname='$1'")" = 1 ]; }

# Hash of what a database built from our addons depends on.
addons_hash() {
    (cd "$WSV_ROOT" && find addons requirements.txt config -type f ! -name '*.pyc' -print0 \
        | sort -z | xargs -0 sha1sum; echo "$ODOO_PATH") | sha1sum | cut -c1-12
}

free_port() { "$WSV_VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Headless Chromium for the web-client tests (HttpCase.browser_js).
ensure_chromium() {
    command -v chromium >/dev/null || command -v google-chrome >/dev/null && return 0
    [ "$(id -u)" = 0 ] || die "Chromium is needed for the web-client tests: install the 'chromium' package."
    say "installing Chromium for the web-client tests"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

# The addons ours depend on that are not ours: what a test template preinstalls.
external_depends() {
    "$WSV_VENV/bin/python" - "$WSV_ROOT/addons" <<'PY'
import ast, pathlib, sys
deps = set()
for manifest in pathlib.Path(sys.argv[1]).glob("*/__manifest__.py"):
    deps.update(ast.literal_eval(manifest.read_text())["depends"])
print(",".join(sorted(d for d in deps if not d.startswith("wsv_"))))
PY
}

# A copy of a database with its filestore (Odoo never rewrites a stored file, so
# hard links are a safe and quick copy).
copy_db() {
    local src=$1 dst=$2
    dropdb --if-exists --force "$dst"
    createdb -T "$src" "$dst"
    rm -rf "$WSV_HOME/data/filestore/$dst"
    if [ -d "$WSV_HOME/data/filestore/$src" ]; then
        mkdir -p "$WSV_HOME/data/filestore"
        cp -al "$WSV_HOME/data/filestore/$src" "$WSV_HOME/data/filestore/$dst"
    fi
}

# The local simulators of the outside systems (simulators/), in the background
# for as long as the calling script runs; with the Odoo port, the e-invoice platform pushes
# its results to that server's callback.
start_simulators() {
    [ -f "$WSV_ROOT/simulators/__main__.py" ] || return 0
    local callback=${WSV_NUONUO_CALLBACK:-}
    [ -z "${1:-}" ] || callback=${callback:-http://127.0.0.1:$1/wsv_einvoice/callback}
    # SAP asks for the logon of the [wsv_sap] section of config/odoo.conf.template; the
    # e-invoice platform knows the app key and secret of its [wsv_einvoice] section
    (cd "$WSV_ROOT" && WSV_SAP_AUTH=${WSV_SAP_AUTH:-wsv-demo:wsv-demo-secret} \
        WSV_NUONUO_CALLBACK=$callback exec "$WSV_VENV/bin/python" -m simulators) &
    SIMULATORS_PID=$!
    trap 'kill "$SIMULATORS_PID" 2>/dev/null || true' EXIT
}
