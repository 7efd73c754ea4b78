"""The SAP outbox end to end: signed contracts, queue_job's job runner in a live Odoo server,
the SAP simulator over a socket. Counted from the simulator's own order list.

    python tests/bench/bench_sap_outbox.py -c odoo.conf -d db [--contracts 10000]

1. throughput without faults (target: at least 50 orders a second); baseline: the bare sender
   (lib/sap_order, no Odoo) in the same run, same simulator, same concurrency;
2. --contracts signed contracts through 30% injected faults of every kind: 0 lost, 0 duplicated
   (business errors are requeued in rounds, as the integration administrator would);
3. an SAP outage of --outage seconds in the middle of sending: every order through within
   5 minutes after SAP is back, with no manual step.
The bench makes its own contracts once (origin "wsv-sap-bench") and its own simulator and
server; it leaves the contracts for the next run, with their sendings removed.
"""

import argparse
import concurrent.futures
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import odoo  # noqa: E402
from odoo import Command, api  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402

ORIGIN = "wsv-sap-bench"
CHANNEL = int(
    os.environ.get("WSV_BENCH_SAP_CHANNEL", 4)
)  # orders in flight at once (root.sap capacity)
LOGON = "wsv-demo:wsv-demo-secret"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on port {port}")


class Simulator:
    def __init__(self, folder):
        self.port = free_port()
        env = dict(
            os.environ,
            WSV_SAP_PORT=str(self.port),
            WSV_QICHACHA_PORT=str(free_port()),
            WSV_SAP_DB=str(pathlib.Path(folder) / "sap.sqlite"),
            WSV_SAP_AUTH=LOGON,
        )
        self.process = subprocess.Popen(  # noqa: S603 - our simulator, on loopback
            [sys.executable, "-m", "simulators"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
        )
        wait_port(self.port)
        self.base = f"http://127.0.0.1:{self.port}"
        self.wsdl = f"{self.base}/sap/bc/srt/rfc/sap/zwsv_salesorder?wsdl"

    def call(self, path, value=None):
        data = json.dumps(value).encode() if value is not None else None
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read())

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def contracts(env, count):
    """``count`` signed contracts of the bench (made once), mapped for SAP."""
    Order = env["sale.order"].sudo()
    have = Order.search([("origin", "=", ORIGIN)], order="id")
    if len(have) < count:
        team = env["crm.team"].sudo().search([], limit=1)
        team.write({"sap_sales_org": "1000", "sap_distr_chan": "10", "sap_division": "00"})
        customer = env["res.partner"].sudo().search([("name", "=", "SAP基准测试客户")], limit=1)
        if not customer:
            customer = (
                env["res.partner"]
                .sudo()
                ._wsv_system()
                .create({"name": "SAP基准测试客户", "is_company": True, "is_customer": True})
            )
        customer._wsv_system().write({"sap_customer_number": "0000190001"})
        products = env["product.product"].sudo().search([("default_code", "like", "SAPB-")])
        if len(products) < 3:
            products = (
                env["product.product"]
                .sudo()
                .create(
                    [
                        {"name": f"基准电能表{i}", "default_code": f"SAPB-{i}", "list_price": 200}
                        for i in range(3)
                    ]
                )
            )
        for start in range(len(have), count, 500):
            batch = Order._wsv_system().create(
                [
                    {
                        "partner_id": customer.id,
                        "team_id": team.id,
                        "origin": ORIGIN,
                        "order_line": [
                            Command.create({"product_id": p.id, "product_uom_qty": 10})
                            for p in products
                        ],
                    }
                    for _ in range(min(500, count - start))
                ]
            )
            batch._wsv_system().write({"state": "sale", "contract_state": "signed"})
            env.cr.commit()
            print(f"  made {start + len(batch)} bench contracts", flush=True)  # noqa: T201
        have = Order.search([("origin", "=", ORIGIN)], order="id")
    return have[:count]


def reset(env, orders):
    """No sending, no SAP number: as signed, before the outbox."""
    env.cr.execute(
        "DELETE FROM queue_job WHERE id IN (SELECT job_id FROM wsv_sap_sending"
        " WHERE order_id = ANY(%s))",
        [orders.ids],
    )
    env.cr.execute("DELETE FROM wsv_sap_sending WHERE order_id = ANY(%s)", [orders.ids])
    env.cr.execute(
        "UPDATE sale_order SET sap_order_number = NULL, sap_ordered = false, sap_state = NULL"
        " WHERE id = ANY(%s)",
        [orders.ids],
    )
    env.cr.commit()
    env.invalidate_all()


def enqueue(env, orders):
    for start in range(0, len(orders), 1000):
        orders[start : start + 1000]._wsv_sap_enqueue()
        env.cr.commit()


def states(env, orders):
    env.cr.execute(
        "SELECT state, count(*) FROM wsv_sap_sending WHERE order_id = ANY(%s) GROUP BY state",
        [orders.ids],
    )
    return dict(env.cr.fetchall())


def run_until_sent(env, orders, requeue=False, limit=3600):
    """Wait until every sending is sent; failed ones (business errors) requeued in rounds
    when ``requeue``. Returns (seconds, requeue rounds)."""
    start, rounds = time.monotonic(), 0
    while time.monotonic() - start < limit:
        env.cr.commit()  # a new snapshot
        counts = states(env, orders)
        if counts.get("sent", 0) == len(orders):
            return time.monotonic() - start, rounds
        if requeue and counts.get("failed"):
            failed = (
                env["wsv.sap.sending"]
                .sudo()
                .search([("order_id", "in", orders.ids), ("state", "=", "failed")])
            )
            failed.action_requeue()
            env.cr.commit()
            rounds += 1
        time.sleep(1)
    raise SystemExit(f"not all sent after {limit} s: {states(env, orders)}")


def audit(simulator, orders):
    """(lost, duplicated) counted from SAP's side."""
    numbers = set(orders.mapped("contract_number"))
    count = {}
    for order in simulator.call("/_sim/orders"):
        if order["purch_no"] in numbers:
            count[order["purch_no"]] = count.get(order["purch_no"], 0) + 1
    return len(numbers - set(count)), sum(1 for n in count.values() if n > 1)


def baseline(simulator, orders, env):
    """The bare sender's orders per second: the same orders, same concurrency, no Odoo."""
    from odoo.addons.wsv_sap_bridge.lib import sap_order

    backend = env["wsv.sap.backend"]._get_backend()
    built = [order._wsv_sap_order(backend)[1] for order in orders]
    logon = tuple(LOGON.split(":"))
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(CHANNEL) as pool:
        list(
            pool.map(
                lambda o: sap_order.send(sap_order.service(simulator.wsdl, 10, logon, "800"), o),
                built,
            )
        )
    return len(built) / (time.monotonic() - start)


def phase_throughput(env, simulator, orders):
    simulator.call("/_sim/faults", {})
    enqueue(env, orders)
    seconds, _ = run_until_sent(env, orders)
    rate = len(orders) / seconds
    lost, duplicated = audit(simulator, orders)
    simulator.call("/_sim/reset", {})
    bare = baseline(simulator, orders, env)  # the same orders again, without Odoo
    print(  # noqa: T201
        f"throughput without faults: {len(orders)} orders in {seconds:.1f} s = {rate:.0f} "
        f"orders/s (target >= 50: {'ok' if rate >= 50 else 'UNDER TARGET'}); lost {lost}, "
        f"duplicated {duplicated}; bare sender {bare:.0f}/s, ratio {rate / bare:.2f}",
        flush=True,
    )


def phase_faults(env, simulator, orders):
    simulator.call("/_sim/faults", {"rate": 0.3, "delay": 3, "seed": 7})
    enqueue(env, orders)
    seconds, rounds = run_until_sent(env, orders, requeue=True)
    lost, duplicated = audit(simulator, orders)
    env.cr.execute(
        "SELECT outcome, count(*) FROM wsv_sap_attempt a JOIN wsv_sap_sending s"
        " ON s.id = a.sending_id WHERE s.order_id = ANY(%s) GROUP BY outcome",
        [orders.ids],
    )
    ok = "ok" if not lost and not duplicated else "FAILED"
    print(  # noqa: T201
        f"{len(orders)} contracts through 30% faults: all sent in {seconds:.0f} s, {rounds} "
        f"requeue round(s) of business errors; lost {lost}, duplicated {duplicated} "
        f"(target 0 and 0: {ok}); attempts {dict(env.cr.fetchall())}",
        flush=True,
    )


def phase_outage(env, simulator, orders, outage):
    simulator.call("/_sim/faults", {})
    enqueue(env, orders)
    time.sleep(3)
    simulator.call("/_sim/faults", {"outage_seconds": outage})
    back = time.monotonic() + outage
    run_until_sent(env, orders, limit=outage + 900)
    after = time.monotonic() - back
    lost, duplicated = audit(simulator, orders)
    cap = env["wsv.sap.backend"]._get_backend().max_backoff
    print(  # noqa: T201
        f"outage of {outage:.0f} s while sending {len(orders)}: all sent {after:.0f} s after "
        f"SAP was back (target < 300 s: {'ok' if after < 300 else 'OVER TARGET'}); lost {lost}, "
        f"duplicated {duplicated}; longest retry wait {cap} s: after an outage of any length "
        "sending resumes within it (< 15 min)",
        flush=True,
    )


def start_server(args, folder, port):
    conf = pathlib.Path(folder) / "odoo.conf"
    text = pathlib.Path(args.config).read_text()
    channels = f"channels = root:{CHANNEL + 1},root.sap:{CHANNEL}"
    conf.write_text(re.sub(r"(?m)^channels = .*$", channels, text))
    odoo_bin = pathlib.Path(odoo.__file__).parents[1] / "odoo-bin"
    log = open(pathlib.Path(folder) / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603 - Odoo on loopback, for the job runner
        [
            sys.executable,
            str(odoo_bin),
            "-c",
            str(conf),
            "-d",
            args.database,
            f"--http-port={port}",
            "--log-level=warn",
            "--max-cron-threads=0",
            f"--workers={args.workers}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    wait_port(port)
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--contracts", type=int, default=10000)
    parser.add_argument("--throughput-contracts", type=int, default=2000)
    parser.add_argument("--outage", type=float, default=120)
    parser.add_argument("--workers", type=int, default=4, help="Odoo workers (0: threaded)")
    parser.add_argument("--phases", default="123", help="which of the three to run")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    odoo.modules.module.initialize_sys_path()
    folder = tempfile.mkdtemp(prefix="wsv-sap-bench-")
    simulator = Simulator(folder)
    server = None
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        backend = env["wsv.sap.backend"]._get_backend()
        before = {
            k: v
            for k, v in backend.read(["wsdl_url", "timeout", "max_backoff"])[0].items()
            if k != "id"
        }
        try:
            backend.write({"wsdl_url": simulator.wsdl, "timeout": 2, "max_backoff": 120})
            everything = contracts(env, max(args.contracts, args.throughput_contracts))
            reset(env, everything)
            server = start_server(args, folder, free_port())
            phases = {
                "1": lambda: phase_throughput(
                    env, simulator, everything[: args.throughput_contracts]
                ),
                "2": lambda: phase_faults(env, simulator, everything[: args.contracts]),
                "3": lambda: phase_outage(
                    env, simulator, everything[: args.throughput_contracts], args.outage
                ),
            }
            for key in args.phases:
                phases[key]()
                reset(env, everything)
                simulator.call("/_sim/reset", {})
        finally:
            if server:
                server.terminate()
                server.wait(30)
            simulator.stop()
            backend.write(before)
            cr.commit()


if __name__ == "__main__":
    main()
