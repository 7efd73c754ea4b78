"""The SAP and Nuonuo simulators on free ports, for the tests that talk to them over a socket."""

import json
import pathlib
import sys
import threading
import urllib.error
import urllib.request

import pytest

# The simulators package lives at the repository root, outside the addons path.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from simulators import nuonuo as nuonuo_simulator  # noqa: E402
from simulators import sap as sap_simulator  # noqa: E402


class SapSimulator:
    def __init__(self, database, faults=None, auth=""):
        self.server = sap_simulator.make_server(port=0, database=database, faults=faults, auth=auth)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        host, port = self.server.server_address[:2]
        self.base = f"http://{host}:{port}"
        self.wsdl = f"{self.base}{sap_simulator.PATH}?wsdl"

    def get(self, path):
        with urllib.request.urlopen(self.base + path, timeout=5) as answer:
            return json.loads(answer.read())

    def post(self, path, value):
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(value).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.loads(answer.read())

    def post_status(self, path, value):
        """The HTTP status of a POST (for the answers that are errors)."""
        try:
            self.post(path, value)
        except urllib.error.HTTPError as error:
            return error.code
        return 200

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sap_sim(tmp_path):
    """start(faults=None, auth="") -> a running SapSimulator (``auth``: "user:password" it
    asks for); all of them stop after the test."""
    started = []

    def start(faults=None, auth=""):
        simulator = SapSimulator(str(tmp_path / "sap.sqlite"), faults, auth)
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


class NuonuoSimulator(SapSimulator):
    """The Nuonuo simulator, with the SAP one's helpers (get, post, post_status, stop)."""

    def __init__(self, **options):  # another server than SAP's, the same helpers
        self.server = nuonuo_simulator.make_server(port=0, **options)
        # a short poll: stopping waits for it, and a test starts several simulators
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        host, port = self.server.server_address[:2]
        self.base = f"http://{host}:{port}"
        self.app_key, self.app_secret = self.server.app_key, self.server.app_secret


@pytest.fixture
def nuonuo_sim():
    """start(**make_server options) -> a running NuonuoSimulator, issuing after 0.05 s unless
    told otherwise; all of them stop after the test."""
    started = []

    def start(**options):
        options.setdefault("issue_delay", 0.05)
        simulator = NuonuoSimulator(**options)
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()
