"""Crash safety: the server killed (SIGKILL) in the middle of a batch claim from the public
pool, a receivable-schedule regeneration and a collection booking leaves nothing half-done.

The test runs an Odoo server of its own on the test database (the live server of
scripts/test.sh keeps serving the other tests), starts each operation on it over XML-RPC
and kills it (SIGKILL, its whole process group) while the operation's transaction is open.
To kill it at that moment every time, and not by luck of timing, the test adds triggers of
its own (dropped at the end, active only on its server's connections, by application_name)
that make the server's backend wait for an advisory lock the test holds, at one of two
moments (MOMENTS):
- "before commit": every business row written, COMMIT not sent. After the kill and a
  restart the database must hold exactly what it held before the call; the same call, made
  again, must then run to its end (so that "nothing changed" cannot pass by the operation
  never running), in one transaction;
- "at commit": COMMIT sent. The transaction commits though its server is dead, and the
  database must hold the whole operation, committed as one transaction.
The test sees the moment in pg_locks and pg_stat_activity (the backend waits for the lock,
inside a transaction that has written the operation's tables) before it kills.
A statement trigger logs the transaction (txid_current()) of every write of the test's
server: work committed in several transactions (a commit in a loop) would be left half-done
by a kill between two of them, and shows there as more than one transaction. No operation
enqueues a job (checked: a job queued in a killed transaction would go with it).
"""

import configparser
import contextlib
import datetime
import importlib.util
import os
import pathlib
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import psycopg2
import pytest
from conftest import Rpc, demo_meter, demo_ref, password

# a pool of 6 connections and no cron thread: the live server of the run keeps PostgreSQL's
# connections it was sized for (scripts/env.sh), with room left for this one
SERVER_OPTIONS = ["--db_maxconn=6", "--max-cron-threads=0", "--workers=0", "--load=base,web"]
# how many rows each batch moves: many rows written before the kill (a half-done state would
# show), few enough for the test to stay short; the triggers, not the size, time the kill
POOL_CUSTOMERS = 200
CONTRACTS = 12
COLLECTIONS = 120


# ------------------------------------------------------------------ the server of this test
def odoo_bin():
    """odoo-bin of the Odoo that the Python running this test imports (the venv's, installed
    from ODOO_PATH), else ODOO_PATH's."""
    candidates = []
    spec = importlib.util.find_spec("odoo")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidates.append(pathlib.Path(location).parent / "odoo-bin")
    if os.environ.get("ODOO_PATH"):
        candidates.append(pathlib.Path(os.environ["ODOO_PATH"]) / "odoo-bin")
    for path in candidates:
        if path.is_file():
            return path
    pytest.fail(
        f"odoo-bin not found: {sys.executable} cannot import odoo and ODOO_PATH is not set "
        f"(looked at {[str(p) for p in candidates]})"
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnServer:
    """A threaded Odoo on the test database, started with the run's configuration; its
    database connections carry an application_name of their own (ODOO_PGAPPNAME)."""

    def __init__(self, conf, db, log_path):
        self.conf, self.db, self.log_path = conf, db, log_path
        self.bin = odoo_bin()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = f"wsv-crash-{os.getpid()}"
        self.process = None

    def start(self):
        env = dict(os.environ, ODOO_PGAPPNAME=f"{self.app}-{{pid}}")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and odoo-bin)
                [
                    sys.executable,
                    str(self.bin),
                    "-c",
                    self.conf,
                    "-d",
                    self.db,
                    f"--http-port={self.port}",
                    "--http-interface=127.0.0.1",
                    "--log-level=warn",
                    *SERVER_OPTIONS,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                # a process group of its own: the kill takes it and any child with it
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the test's server exited: {self.log_tail()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/web/login", timeout=5):  # noqa: S310
                    return
            time.sleep(0.3)
        pytest.fail(f"the test's server did not answer in 120 s: {self.log_tail()}")

    def kill(self):
        """SIGKILL to the whole process group: no shutdown, no rollback by Odoo."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def log_tail(self):
        return pathlib.Path(self.log_path).read_text(errors="replace")[-3000:]

    def rpc(self, login):
        return Rpc({"url": self.url, "db": self.db}, login, password(login))


def pg_params(conf):
    """Connection parameters of the run's configuration."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(conf)
    options = parser["options"]
    params = {}
    for key in ("host", "port", "user", "password"):
        value = options.get(f"db_{key}", "False").strip()
        if value and value != "False":
            params[key] = value
    return params


@pytest.fixture(scope="module")
def crash_env(server, tmp_path_factory):
    conf = os.environ.get("WSV_CONF")
    if not conf or not os.path.isfile(conf):
        pytest.fail("WSV_CONF (the run's Odoo configuration) is not set: run scripts/test.sh")
    params = dict(pg_params(conf), dbname=server["db"])
    own = OwnServer(conf, server["db"], str(tmp_path_factory.mktemp("crash") / "server.log"))
    own.start()
    watch = psycopg2.connect(**params)
    watch.autocommit = True
    try:
        yield {"server": own, "params": params, "watch": watch}
    finally:
        own.kill()
        watch.close()


def query(conn, sql, args=None, fetch=True):
    with conn.cursor() as cr:
        cr.execute(sql, args)  # (no args: a '%' in the SQL is a plain '%')
        return cr.fetchall() if fetch else None


# ------------------------------------------------------------------ the kill
# the tables the three operations write
WATCHED = (
    "res_partner",
    "wsv_pool_move",
    "sale_order",
    "wsv_receivable_installment",
    "wsv_collection",
    "account_payment",
    "account_move",
)
# the two moments of a kill, each an advisory lock the test holds and the server's backend
# waits for (in a trigger, only on the test server's connections):
# - "before commit": on the first write of the chatter's tracking values, which Odoo writes
#   when the request's work is done, just before it sends COMMIT (its precommit hooks;
#   checked in the server's SQL log for the three operations): every business row written,
#   COMMIT not sent. The kill must leave the database exactly as before the call.
# - "at commit": in a deferred constraint trigger, which PostgreSQL runs inside COMMIT. The
#   client has asked to commit: once the lock is let go the transaction commits though its
#   server is dead, and the database must hold the whole operation.
MOMENTS = {"before commit": 1, "at commit": 2}
ADVISORY = 0x57535643  # "WSVC"; the second key: the moment


@pytest.fixture(scope="module")
def triggers(crash_env):
    """The barriers and the transaction log, for the test's server only."""
    watch, app = crash_env["watch"], crash_env["server"].app
    drop = ["DROP TABLE IF EXISTS wsv_crash_writes"]
    for table in WATCHED:
        drop += [
            f'DROP TRIGGER IF EXISTS wsv_crash_log ON "{table}"',
            f'DROP TRIGGER IF EXISTS wsv_crash_commit ON "{table}"',
        ]
    drop += [
        'DROP TRIGGER IF EXISTS wsv_crash_precommit ON "mail_tracking_value"',
        "DROP FUNCTION IF EXISTS wsv_crash_log()",
        "DROP FUNCTION IF EXISTS wsv_crash_wait()",
    ]
    mine = f"current_setting('application_name') LIKE '{app}-%'"
    create = [
        "CREATE UNLOGGED TABLE wsv_crash_writes (txid bigint, relname text)",
        f"""CREATE FUNCTION wsv_crash_log() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF {mine} THEN
                    INSERT INTO wsv_crash_writes VALUES (txid_current(), TG_TABLE_NAME);
                END IF;
                RETURN NULL;
            END $$""",
        f"""CREATE FUNCTION wsv_crash_wait() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF {mine} THEN
                    PERFORM pg_advisory_xact_lock_shared({ADVISORY}, TG_ARGV[0]::int);
                END IF;
                RETURN NULL;
            END $$""",
        f"""CREATE TRIGGER wsv_crash_precommit AFTER INSERT ON "mail_tracking_value"
            FOR EACH STATEMENT EXECUTE FUNCTION wsv_crash_wait({MOMENTS["before commit"]})""",
    ]
    for table in WATCHED:
        create += [
            f"""CREATE TRIGGER wsv_crash_log AFTER INSERT OR UPDATE OR DELETE ON "{table}"
                FOR EACH STATEMENT EXECUTE FUNCTION wsv_crash_log()""",
            f"""CREATE CONSTRAINT TRIGGER wsv_crash_commit AFTER INSERT OR UPDATE ON "{table}"
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                EXECUTE FUNCTION wsv_crash_wait({MOMENTS["at commit"]})""",
        ]
    for sql in drop + create:
        query(watch, sql, fetch=False)
    try:
        yield
    finally:
        for sql in drop:
            query(watch, sql, fetch=False)


def transactions(watch):
    """The transactions the test's server has committed writes in since the last call."""
    found = query(watch, "SELECT txid, relname FROM wsv_crash_writes")
    query(watch, "DELETE FROM wsv_crash_writes", fetch=False)
    by_txid = {}
    for txid, relname in found:
        by_txid.setdefault(txid, set()).add(relname)
    return by_txid


def one_transaction(watch, call):
    """Make ``call`` (to its end) and check that it wrote in exactly one transaction: work
    committed in several (a commit in a loop) would be left half-done by a kill between two
    of them, which a kill at the first COMMIT does not show."""
    transactions(watch)
    result = call()
    written = transactions(watch)
    assert len(written) == 1, f"the operation committed in several transactions: {written}"
    return result


def kill_inside(env, call, written, moment):
    """Run ``call`` (an XML-RPC call to the test's server) in a thread while the test holds
    the advisory lock of ``moment``; once the server's backend waits for it, inside its
    transaction and having written every table of ``written``, kill the server, let go of
    the lock, wait until PostgreSQL has ended the orphaned backend and restart the server.
    Returns what was seen of the backend and the transactions that were committed."""
    own, watch = env["server"], env["watch"]
    key = MOMENTS[moment]
    barrier = psycopg2.connect(**env["params"])
    barrier.autocommit = True
    outcome = {}

    def run():
        try:
            outcome["result"] = call()
        except Exception as error:  # noqa: BLE001 (the killed server's answer, kept for the message)
            outcome["error"] = repr(error)

    transactions(watch)
    seen = thread = None
    try:
        query(barrier, "SELECT pg_advisory_lock(%s, %s)", (ADVISORY, key))
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and seen is None:
            rows = query(
                watch,
                """SELECT a.pid, a.state, a.backend_xid IS NOT NULL, a.wait_event_type,
                          extract(epoch FROM now() - a.xact_start)
                     FROM pg_stat_activity a
                     JOIN pg_locks l ON l.pid = a.pid
                    WHERE a.application_name LIKE %s AND NOT l.granted
                      AND l.locktype = 'advisory' AND l.classid = %s AND l.objid = %s""",
                (f"{own.app}-%", ADVISORY, key),
            )
            if rows:
                seen = rows[0]
            elif not thread.is_alive():
                pytest.fail(f"the call ended without reaching the moment {moment!r}: {outcome}")
            else:
                time.sleep(0.05)
        assert seen, f"the call never reached the moment {moment!r} in 120 s"
        pid, state, has_xid, wait_event, seconds = seen
        tables = {
            row[0]
            for row in query(
                watch,
                """SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                    WHERE l.pid = %s AND l.granted AND l.mode = 'RowExclusiveLock'
                      AND c.relkind = 'r'""",
                (pid,),
            )
        }
        # inside its transaction (it has a transaction id: it has written), waiting for us
        assert state == "active" and has_xid and wait_event == "Lock", seen
        assert set(written) <= tables, f"written so far: {sorted(tables)}"
        # nothing of the call is committed yet (no earlier transaction of it)
        assert not transactions(watch), "the call committed before its end"
        own.kill()
    finally:
        own.kill()  # (done already, unless a check above failed)
        barrier.close()  # lets go of the advisory lock
        if thread:
            thread.join(60)
        # the orphaned backend goes on to the end of its statement (or COMMIT), finds its
        # client gone and ends
        deadline = time.monotonic() + 60
        while query(
            watch,
            "SELECT pid FROM pg_stat_activity WHERE application_name LIKE %s",
            (f"{own.app}-%",),
        ):
            assert time.monotonic() < deadline, "the killed server's backends are still there"
            time.sleep(0.1)
        own.start()
    assert "result" not in outcome, f"the killed call answered: {outcome}"
    committed = transactions(watch)
    return {
        "pid": pid,
        "tables": sorted(tables),
        "seconds in transaction": round(seconds, 2),
        "committed": committed,
    }


def expect_kill(seen, moment):
    """Before COMMIT the transaction is rolled back; at COMMIT it commits, as one."""
    if moment == "before commit":
        assert not seen["committed"], f"the killed call committed: {seen}"
    else:
        assert len(seen["committed"]) == 1, f"not one transaction committed: {seen}"


# ------------------------------------------------------------------ data
def stamp():
    return datetime.datetime.now().strftime("%H%M%S%f")


def group_id(admin, role):
    return admin("ir.model.data", "check_object_reference", ["wsv_crm_customer", f"group_{role}"])[
        1
    ]


def user_of(admin, login, role):
    found = admin("res.users", "search", [[("login", "=", login)]])
    if found:
        return found[0]
    return admin(
        "res.users",
        "create",
        [
            {
                "name": login,
                "login": login,
                "password": password(login),
                "groups_id": [(4, group_id(admin, role))],
            }
        ],
        {"context": {"no_reset_password": True}},
    )


def sign_contracts(admin, seller, customer, count):
    """``count`` contracts of ``seller`` for ``customer``, signed through their real steps
    (as conftest.signed_contract, in one call per step for all of them)."""
    ref = lambda xmlid: demo_ref(admin, xmlid)  # noqa: E731
    meter = demo_meter(admin)
    template = ref("wsv_contract.contract_template_meters_demo")
    ids = seller(
        "sale.order",
        "create",
        [
            [
                {
                    "partner_id": customer,
                    "template_id": template,
                    "order_line": [(0, 0, {"product_id": meter, "product_uom_qty": 100 + i})],
                }
                for i in range(count)
            ]
        ],
    )
    seller("sale.order", "action_contract_submit", [ids])
    states = admin("sale.order", "read", [ids, ["contract_state", "contract_type"]])
    for row in states:
        if row["contract_state"] == "review":
            admin("sale.order", "validate_tier", [[row["id"]]])  # one at a time (OCA)
    required = admin(
        "wsv.contract.doc.requirement",
        "search_read",
        [[("contract_type", "in", list({row["contract_type"] for row in states}))]],
        {"fields": ["doc_type", "contract_type"]},
    )
    seller(
        "wsv.contract.document",
        "create",
        [
            [
                {"order_id": row["id"], "doc_type": need["doc_type"], "file": "JVBERi0xLjQ="}
                for row in states
                for need in required
                if need["contract_type"] == row["contract_type"]
            ]
        ],
    )
    seller("sale.order", "action_contract_sign", [ids])
    assert {
        row["contract_state"] for row in admin("sale.order", "read", [ids, ["contract_state"]])
    } == {"signed"}
    return ids


@pytest.fixture(scope="module")
def crash_people(crash_env):
    """A salesperson and a finance user of this test, and the admin, on the test's server."""
    own = crash_env["server"]
    admin = Rpc({"url": own.url, "db": own.db}, "admin", "admin")
    ids = {
        "it_crash_sales": user_of(admin, "it_crash_sales", "salesperson"),
        "it_crash_finance": user_of(admin, "it_crash_finance", "finance"),
    }
    return {"admin": admin, "ids": ids} | {login: own.rpc(login) for login in ids}


def new_customer(admin, owner, label):
    return admin(
        "res.partner",
        "create",
        [
            {
                "name": f"断电测试{label}{stamp()}",
                "is_company": True,
                "is_customer": True,
                "user_id": owner,
                "duplicate_reason": "断电测试",
            }
        ],
    )


def new_jobs(watch, since):
    """Jobs enqueued after job id ``since`` for the models of the three operations."""
    return query(
        watch,
        """SELECT id, state FROM queue_job WHERE id > %s AND model_name IN
           ('res.partner', 'sale.order', 'wsv.receivable.installment', 'wsv.collection',
            'account.payment')""",
        (since,),
    )


def last_job(watch):
    return query(watch, "SELECT COALESCE(MAX(id), 0) FROM queue_job")[0][0]


# ------------------------------------------------------------------ 1. batch claim
def claim_state(watch, partners):
    owners = query(
        watch,
        """SELECT id, user_id, team_id, pool_state, owner_date IS NOT NULL
             FROM res_partner WHERE id IN %s ORDER BY id""",
        (tuple(partners),),
    )
    moves = query(
        watch,
        """SELECT partner_id, kind, from_user_id, to_user_id FROM wsv_pool_move
            WHERE partner_id IN %s ORDER BY partner_id, id""",
        (tuple(partners),),
    )
    messages = query(
        watch,
        "SELECT count(*) FROM mail_message WHERE model = 'res.partner' AND res_id IN %s",
        (tuple(partners),),
    )[0][0]
    return {"owners": owners, "moves": moves, "messages": messages}


def check_claim_consistent(state):
    """The owner fields and the move log agree: a customer has an owner exactly when a claim
    to that owner is logged, and its pool state says the same."""
    claimed = {partner: to_user for partner, kind, _from, to_user in state["moves"]}
    assert all(kind == "claim" for _p, kind, _f, _t in state["moves"]), state["moves"][:5]
    assert len(claimed) == len(state["moves"])  # one claim per customer at most
    for partner, user, _team, pool_state, owned_since in state["owners"]:
        assert claimed.get(partner) == user, (partner, user, claimed.get(partner))
        assert pool_state == ("private" if user else "pool") and owned_since == bool(user)


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_kill_during_a_batch_claim(crash_env, crash_people, triggers, moment):
    admin, seller = crash_people["admin"], crash_people["it_crash_sales"]
    uid = crash_people["ids"]["it_crash_sales"]
    watch = crash_env["watch"]
    # the daily claim limit (20) and the holding limits would refuse a batch this big: the
    # limits are lifted for this user (its own holding limits, any grade) and the daily one
    # for the duration of the test, then put back
    daily_key = "wsv_crm_customer.pool_daily_claim_limit"
    daily = admin("ir.config_parameter", "get_param", [daily_key])
    for grade in {row["grade"] for row in admin("wsv.holding.limit", "search_read", [[]])}:
        if not admin(
            "wsv.holding.limit", "search", [[("user_id", "=", uid), ("grade", "=", grade)]]
        ):
            admin(
                "wsv.holding.limit",
                "create",
                [{"user_id": uid, "grade": grade, "max_customers": 1000000}],
            )
    admin("ir.config_parameter", "set_param", [daily_key, "0"])
    try:
        label = stamp()
        partners = admin(
            "res.partner",
            "create",
            [
                [
                    {
                        "name": f"断电测试公海客户{label}-{i}",
                        "is_company": True,
                        "is_customer": True,
                        "user_id": False,
                        "duplicate_reason": "断电测试",
                    }
                    for i in range(POOL_CUSTOMERS)
                ]
            ],
        )
        before = claim_state(watch, partners)
        assert {row[3] for row in before["owners"]} == {"pool"} and not before["moves"]
        jobs_from = last_job(watch)

        seen = kill_inside(
            crash_env,
            lambda: seller("res.partner", "action_pool_claim", [partners]),
            written={"res_partner", "wsv_pool_move"},
            moment=moment,
        )
        expect_kill(seen, moment)
        crashed = claim_state(watch, partners)
        check_claim_consistent(crashed)
        assert not new_jobs(watch, jobs_from)
        if moment == "before commit":
            assert crashed == before, f"half a claim survived the kill ({seen})"
            # the same claim after the restart goes through, every customer with its move
            claim = lambda: seller("res.partner", "action_pool_claim", [partners])  # noqa: E731
            assert one_transaction(watch, claim) is True
            after = claim_state(watch, partners)
        else:
            after = crashed  # committed, all of it
        check_claim_consistent(after)
        assert {row[1] for row in after["owners"]} == {uid}
        assert len(after["moves"]) == POOL_CUSTOMERS
        assert after["messages"] > before["messages"]
        assert not new_jobs(watch, jobs_from)
    finally:
        admin("ir.config_parameter", "set_param", [daily_key, daily or "20"])


# ------------------------------------------------------------------ 2. schedule regeneration
def schedule_state(watch, contracts):
    rows = query(
        watch,
        """SELECT o.id, o.amount_total, o.signing_date, i.key, i.trigger, i.amount, i.due_date
             FROM sale_order o
        LEFT JOIN wsv_receivable_installment i ON i.order_id = o.id AND i.void IS NOT TRUE
            WHERE o.id IN %s ORDER BY o.id, i.key""",
        (tuple(contracts),),
    )
    state = {}
    for order, total, signed, key, trigger, amount, due in rows:
        entry = state.setdefault(order, {"total": total, "signed": signed, "items": []})
        if key:
            entry["items"].append((key, trigger, amount, due))
    return state


def check_schedules_whole(state):
    """Each contract has no schedule or all of it: its installments add up to its total."""
    for order, entry in state.items():
        if entry["items"]:
            total = sum(amount for _k, _t, amount, _d in entry["items"])
            assert abs(total - entry["total"]) < 0.005, (order, total, entry["total"])


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_kill_during_a_schedule_regeneration(crash_env, crash_people, triggers, moment):
    admin, seller = crash_people["admin"], crash_people["it_crash_sales"]
    watch = crash_env["watch"]
    customer = new_customer(admin, crash_people["ids"]["it_crash_sales"], "合同客户")
    contracts = sign_contracts(admin, seller, customer, CONTRACTS)
    # the schedules need making again: half lost theirs (as contracts signed before the
    # receivables existed), the other half had their signing day corrected behind the
    # schedule's back (an import): regenerating creates the ones and moves the due dates of
    # the others, all in one call
    lost, moved = contracts[: CONTRACTS // 2], contracts[CONTRACTS // 2 :]
    with psycopg2.connect(**crash_env["params"]) as conn, conn.cursor() as cr:
        cr.execute("DELETE FROM wsv_receivable_installment WHERE order_id IN %s", (tuple(lost),))
        cr.execute(
            "UPDATE sale_order SET signing_date = signing_date - 10 WHERE id IN %s",
            (tuple(moved),),
        )
    conn.close()
    before = schedule_state(watch, contracts)
    assert all(not before[o]["items"] for o in lost) and all(before[o]["items"] for o in moved)
    jobs_from = last_job(watch)

    seen = kill_inside(
        crash_env,
        lambda: seller("sale.order", "action_wsv_generate_schedule", [contracts]),
        written={"wsv_receivable_installment"},
        moment=moment,
    )
    expect_kill(seen, moment)
    crashed = schedule_state(watch, contracts)
    check_schedules_whole(crashed)
    assert not new_jobs(watch, jobs_from)
    if moment == "before commit":
        assert crashed == before, f"half a regeneration survived the kill ({seen})"
        regenerate = lambda: seller(  # noqa: E731
            "sale.order", "action_wsv_generate_schedule", [contracts]
        )
        assert one_transaction(watch, regenerate) is True
        after = schedule_state(watch, contracts)
    else:
        after = crashed
    check_schedules_whole(after)
    assert all(after[o]["items"] for o in lost)
    for order in moved:
        # the advance is due on signing: ten days earlier now, the rest as it was
        old = {key: due for key, trigger, _a, due in before[order]["items"]}
        for key, trigger, _amount, due in after[order]["items"]:
            if trigger == "signing":
                assert due == old[key] - datetime.timedelta(days=10), (order, key)
    assert not new_jobs(watch, jobs_from)


# ------------------------------------------------------------------ 3. collection booking
def booking_state(watch, customer, payment):
    payment_row = query(
        watch,
        """SELECT p.state, p.amount, m.state FROM account_payment p
        LEFT JOIN account_move m ON m.id = p.move_id WHERE p.id = %s""",
        (payment,),
    )[0]
    collections = query(
        watch,
        """SELECT id, installment_id, state, payment_id, amount FROM wsv_collection
            WHERE partner_id = %s ORDER BY id""",
        (customer,),
    )
    installments = query(
        watch,
        """SELECT id, amount, amount_collected, amount_confirmed, amount_open, status
             FROM wsv_receivable_installment WHERE partner_id = %s ORDER BY id""",
        (customer,),
    )
    moves = query(watch, "SELECT count(*) FROM account_move WHERE partner_id = %s", (customer,))
    return {
        "payment": payment_row,
        "collections": collections,
        "installments": installments,
        "moves": moves[0][0],
    }


def check_booking_consistent(state, payment):
    """The installments' amounts are their collections' sums; money is booked only against a
    posted payment, never beyond it."""
    sums = {}
    for _id, installment, cstate, _payment, amount in state["collections"]:
        sums.setdefault((installment, cstate), 0.0)
        sums[(installment, cstate)] += amount
    for item, amount, collected, confirmed, open_amount, _status in state["installments"]:
        assert abs(collected - sums.get((item, "booked"), 0.0)) < 0.005, (item, collected)
        assert abs(confirmed - sums.get((item, "confirmed"), 0.0)) < 0.005, (item, confirmed)
        assert abs(open_amount - max(amount - collected - confirmed, 0.0)) < 0.005, item
    on_payment = [c for c in state["collections"] if c[3] == payment and c[2] == "booked"]
    payment_state, payment_amount, _move_state = state["payment"]
    if on_payment:
        assert payment_state != "draft", state["payment"]
    assert sum(c[4] for c in on_payment) <= payment_amount + 0.005


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_kill_during_a_collection_booking(crash_env, crash_people, triggers, moment):
    admin, seller = crash_people["admin"], crash_people["it_crash_sales"]
    finance = crash_people["it_crash_finance"]
    watch = crash_env["watch"]
    customer = new_customer(admin, crash_people["ids"]["it_crash_sales"], "回款客户")
    contracts = sign_contracts(admin, seller, customer, 2)
    advances = admin(
        "wsv.receivable.installment",
        "search",
        [[("order_id", "in", contracts), ("trigger", "=", "signing")]],
    )
    assert len(advances) == 2
    # the salesperson confirmed many small amounts the customer said it paid; finance books
    # them all with one payment, which covers them and 50 more (spread over what is due)
    seller(
        "wsv.collection",
        "create",
        [[{"installment_id": advances[i % 2], "amount": 1.0} for i in range(COLLECTIONS)]],
    )
    payment = finance(
        "account.payment",
        "create",
        [
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": customer,
                "amount": COLLECTIONS + 50.0,
            }
        ],
    )
    before = booking_state(watch, customer, payment)
    assert before["payment"][0] == "draft"
    assert {c[2] for c in before["collections"]} == {"confirmed"}
    check_booking_consistent(before, payment)
    jobs_from = last_job(watch)

    seen = kill_inside(
        crash_env,
        lambda: finance("account.payment", "action_wsv_allocate", [[payment]]),
        # the payment posted (its journal entry), the collections booked, the installments'
        # amounts recomputed: all written when the kill comes
        written={
            "account_move",
            "account_move_line",
            "wsv_collection",
            "wsv_receivable_installment",
        },
        moment=moment,
    )
    expect_kill(seen, moment)
    crashed = booking_state(watch, customer, payment)
    check_booking_consistent(crashed, payment)
    assert not new_jobs(watch, jobs_from)
    if moment == "before commit":
        assert crashed == before, f"half a booking survived the kill ({seen})"
        allocate = lambda: finance(  # noqa: E731
            "account.payment", "action_wsv_allocate", [[payment]]
        )
        assert one_transaction(watch, allocate) is True
        after = booking_state(watch, customer, payment)
    else:
        after = crashed
    check_booking_consistent(after, payment)
    assert after["payment"][0] != "draft"
    assert len(after["collections"]) == COLLECTIONS + 1
    assert {c[2] for c in after["collections"]} == {"booked"}
    collected = sum(row[2] for row in after["installments"])
    assert abs(collected - (COLLECTIONS + 50.0)) < 0.005
    assert not new_jobs(watch, jobs_from)
