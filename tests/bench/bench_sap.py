"""SAP sender against the SAP simulator over a socket: orders per second without faults
(target: at least 50), and 1,000 orders through 30% injected faults of every kind, each
retried until it goes through, counted afterwards from the simulator's own order list.

    python tests/bench/bench_sap.py [-c odoo.conf -d db]   (the Odoo options are not used)

The baseline is a bare round trip of the same SOAP stack (one BAPI_SALESORDER_GETLIST).
"""

import concurrent.futures
import datetime
import json
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
import conftest  # noqa: E402,F401  (makes our addons importable)
from common import report  # noqa: E402

from odoo.addons.wsv_sap_bridge.lib import sap_order  # noqa: E402

from simulators import sap as simulator  # noqa: E402

THREADS = 8


def order(n):
    today = datetime.date.today()
    return sap_order.Order(
        purch_no=f"BENCH{n:07d}",
        purch_date=today,
        req_date=today,
        doc_type="ZOR",
        sales_org="1000",
        distr_chan="10",
        division="00",
        sold_to="0000100001",
        ship_to="",
        currency="CNY",
        items=tuple(
            sap_order.Item(10 * (i + 1), f"10{i:05d}", Decimal(10), Decimal("200.00"))
            for i in range(5)
        ),
    )


def send_until_done(wsdl, contract, timeout, backoff):
    attempts = 0
    while True:
        attempts += 1
        try:
            sap_order.send(sap_order.service(wsdl, timeout), contract)
            return attempts
        except (sap_order.TransportError, sap_order.BusinessError):
            time.sleep(backoff)  # longer than SAP may still work on the abandoned attempt


def simulator_call(base, path, value=None):
    data = None if value is None else json.dumps(value).encode()
    with urllib.request.urlopen(urllib.request.Request(base + path, data=data), timeout=30) as r:
        return json.loads(r.read())


def start_simulator(folder):
    """The SAP simulator in a process of its own, as `python -m simulators` runs it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, WSV_SAP_DB=f"{folder}/sap.sqlite")
    code = (
        "import sys; from simulators import sap; " f"sap.make_server(port={port}).serve_forever()"
    )
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            simulator_call(base, "/_sim/faults")
            return process, base
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the SAP simulator did not start")


def main():
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_simulator(folder)
        wsdl = f"{base}{simulator.PATH}?wsdl"
        sap = sap_order.service(wsdl, 5)
        start = time.perf_counter()
        for _ in range(200):
            sap_order.find(sap, "NONE", "0000100001", "1000")
        round_trip = (time.perf_counter() - start) / 200
        count = 2000
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
            list(
                pool.map(
                    lambda n: sap_order.send(sap_order.service(wsdl, 5), order(n)), range(count)
                )
            )
        seconds = time.perf_counter() - start
        per_order_ms = seconds / count * 1000
        report(
            f"send {count} orders, {THREADS} senders, per order",
            per_order_ms,
            "ms",
            20,  # 50 orders per second
            "one bare round trip",
            round_trip * 1000,
        )
        print(f"  throughput: {count / seconds:.0f} orders per second (target >= 50)")  # noqa: T201

        simulator_call(
            base,
            "/_sim/faults",
            {"rate": 0.3, "kinds": list(simulator.FAULT_KINDS), "delay": 0.2, "seed": 11},
        )
        faulty = range(count, count + 1000)
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
            attempts = sum(pool.map(lambda n: send_until_done(wsdl, order(n), 0.1, 0.3), faulty))
        seconds = time.perf_counter() - start
        simulator_call(base, "/_sim/faults", {"rate": 0})
        orders = [
            o for o in simulator_call(base, "/_sim/orders") if o["purch_no"] >= f"BENCH{count:07d}"
        ]
        sent = {o["purch_no"] for o in orders}
        lost = len(faulty) - len(sent)
        duplicated = len(orders) - len(sent)
        print(  # noqa: T201
            f"1000 orders through 30% faults: {attempts} attempts in {seconds:.1f} s; "
            f"lost {lost}, duplicated {duplicated} (from the simulator's own list)"
        )
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
