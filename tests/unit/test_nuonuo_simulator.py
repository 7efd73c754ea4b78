"""The Nuonuo simulator over a real socket, called by hand (signed here, without the client):
tokens, signatures, the gateway's answers, the order number as the key of an invoice, the
audit list, each injected fault, the command line and the throughput a benchmark needs."""

import base64
import hashlib
import hmac
import http.client
import json
import os
import pathlib
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import requests

TAX = "91320000134766570R"


class Caller:
    """Signed service calls to one simulator, one HTTP session."""

    def __init__(self, sim, secret=None):
        self.sim, self.secret = sim, secret or sim.app_secret
        self.session = requests.Session()
        self.token = self.session.post(
            sim.base + "/accessToken",
            data={
                "client_id": sim.app_key,
                "client_secret": sim.app_secret,
                "grant_type": "client_credentials",
            },
            timeout=5,
        ).json()["access_token"]

    def signed(self, method, content, token=None, sign=None):
        """(path and query, body, headers) of a service request."""
        body = json.dumps(content, ensure_ascii=False).encode()
        query = {
            "senid": secrets.token_hex(16),
            "nonce": "12345678",
            "timestamp": str(int(time.time())),
            "appkey": self.sim.app_key,
        }
        text = (
            f"a=services&l=v1&p=open&k={query['appkey']}&i={query['senid']}"
            f"&n={query['nonce']}&t={query['timestamp']}&f="
        ).encode() + body
        digest = hmac.new(self.secret.encode(), text, hashlib.sha1).digest()
        headers = {
            "Content-Type": "application/json",
            "X-Nuonuo-Sign": sign or base64.b64encode(digest).decode(),
            "accessToken": self.token if token is None else token,
            "userTax": TAX,
            "method": "nuonuo.OpeMplatform." + method,
        }
        return f"/open/v1/services?{urllib.parse.urlencode(query)}", body, headers

    def call(self, method, content, token=None, sign=None, timeout=5):
        path, body, headers = self.signed(method, content, token, sign)
        answer = self.session.post(
            self.sim.base + path, data=body, headers=headers, timeout=timeout
        )
        return answer.json() if answer.status_code == 200 else answer.status_code

    def issue(self, order_no="WSV2026000001", **kwargs):
        detail = {
            "goodsName": "电力电缆",
            "goodsCode": "1090511030000000000",
            "num": 2,
            "price": 50,
            "taxRate": 0.13,
            "tax": 13,
            "taxExcludedAmount": 100,
            "taxIncludedAmount": 113,
        }
        order = {
            "orderNo": order_no,
            "buyerName": "宝山钢铁股份有限公司",
            "invoiceLine": "pc",
            "invoiceDetail": [detail],
        }
        return self.call("requestBillingNew", {"order": order}, **kwargs)


def test_tokens_for_the_right_key_and_secret_only(nuonuo_sim):
    sim = nuonuo_sim()
    good = {"client_id": sim.app_key, "client_secret": sim.app_secret}
    answer = requests.post(
        sim.base + "/accessToken", data={**good, "grant_type": "client_credentials"}, timeout=5
    )
    token = answer.json()
    assert len(token["access_token"]) == 32 and token["expires_in"] == 86400
    int(token["access_token"], 16)
    wrong = {**good, "client_secret": "wrong", "grant_type": "client_credentials"}
    answer = requests.post(sim.base + "/accessToken", data=wrong, timeout=5)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_client"


def test_the_gateway_checks_token_and_signature(nuonuo_sim):
    sim = nuonuo_sim(token_ttl=0.2)
    caller = Caller(sim)
    assert caller.call("queryInvoiceResult", {"orderNos": ["x"]})["code"] == "E0000"
    assert caller.call("queryInvoiceResult", {"orderNos": ["x"]}, token="")["code"] == "070301"
    assert caller.call("queryInvoiceResult", {"orderNos": ["x"]}, sign="AAAA")["code"] == "070314"
    wrong = Caller(sim, secret="wrong")
    answer = wrong.call("queryInvoiceResult", {"orderNos": ["x"]})
    assert answer == {"code": "070314", "describe": "签名验证失败", "result": None}
    time.sleep(0.25)
    answer = caller.call("queryInvoiceResult", {"orderNos": ["x"]})
    assert (answer["code"], answer["describe"]) == ("070301", "accessToken无效或已过期")


def test_bad_requests_are_e9101(nuonuo_sim):
    caller = Caller(nuonuo_sim())
    assert caller.call("noSuchMethod", {})["code"] == "E9101"
    assert caller.call("queryInvoiceResult", [1])["code"] == "E9101"
    assert caller.call("queryInvoiceResult", {})["code"] == "E9101"
    assert caller.call("queryInvoiceRedConfirm", {})["code"] == "E9101"


def test_an_order_number_is_issued_once(nuonuo_sim):
    sim = nuonuo_sim()
    caller = Caller(sim)
    serial = caller.issue()["result"]["invoiceSerialNum"]
    assert caller.issue() == {"code": "E9106", "describe": "订单编号已存在", "result": None}
    rows = sim.get("/_sim/invoices")
    assert [(r["orderNo"], r["serialNo"], r["issued_count"], r["amount"]) for r in rows] == [
        ("WSV2026000001", serial, 1, "113.00")
    ]
    # unknown numbers are no error: the list is empty
    answer = caller.call("queryInvoiceResult", {"orderNos": ["nope"], "serialNos": ["nope"]})
    assert answer == {"code": "E0000", "describe": "操作成功", "result": []}
    assert caller.call("queryInvoiceRedConfirm", {"billNo": "nope"})["result"] == []
    sim.post("/_sim/reset", {})
    assert sim.get("/_sim/invoices") == []


def test_files_only_once_issued(nuonuo_sim):
    sim = nuonuo_sim(issue_delay=5)
    serial = Caller(sim).issue()["result"]["invoiceSerialNum"]
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{sim.base}/_files/{serial}.pdf", timeout=5)
    assert error.value.code == 404


def test_faults_before_any_work(nuonuo_sim):
    sim = nuonuo_sim(faults={"rate": 1, "kinds": ["http500"]})
    caller = Caller(sim)
    assert caller.issue() == 500
    sim.post("/_sim/faults", {"rate": 1, "kinds": ["ratelimit"]})
    assert caller.issue()["code"] == "070327"
    sim.post("/_sim/faults", {"rate": 1, "kinds": ["token"]})
    assert caller.issue()["code"] == "070301"
    sim.post("/_sim/faults", {"rate": 0})
    assert caller.issue()["code"] == "070301"  # the token was dropped
    assert sim.get("/_sim/invoices") == []


def test_faults_after_the_work(nuonuo_sim):
    sim = nuonuo_sim(faults={"rate": 1, "kinds": ["duplicate"]})
    caller = Caller(sim)
    assert caller.issue()["code"] == "E9106"
    assert caller.call("queryInvoiceResult", {"orderNos": ["WSV2026000001"]})["code"] == "E0000"
    sim.post("/_sim/faults", {"rate": 1, "kinds": ["timeout"], "delay": 0.5})
    with pytest.raises(requests.exceptions.Timeout):
        caller.issue("WSV2026000002", timeout=0.2)
    rows = sim.get("/_sim/invoices")
    assert [(r["orderNo"], r["issued_count"]) for r in rows] == [
        ("WSV2026000001", 1),
        ("WSV2026000002", 1),
    ]


def test_fault_switches_are_checked(nuonuo_sim):
    sim = nuonuo_sim()
    assert sim.post_status("/_sim/faults", {"rate": 2}) == 400
    assert sim.post_status("/_sim/faults", {"rate": 0.5, "kinds": ["meteor"]}) == 400
    state = sim.post("/_sim/faults", {"rate": 0.5, "seed": 3})
    assert state["kinds"] == ["timeout", "http500", "duplicate", "token", "ratelimit"]


def test_the_buyer_answers_only_a_waiting_bill(nuonuo_sim):
    sim = nuonuo_sim()
    assert sim.post_status("/_sim/red/confirm", {"billNo": "nope", "accept": True}) == 404
    assert sim.post_status("/_sim/red/confirm", {}) == 400


def test_serves_200_requests_a_second(nuonuo_sim):
    sim = nuonuo_sim()
    caller = Caller(sim)
    # http.client: the simulator's own speed, not that of a client library
    connection = http.client.HTTPConnection(*sim.server.server_address[:2], timeout=5)
    start = time.perf_counter()
    for _ in range(200):
        connection.request("POST", *caller.signed("queryInvoiceResult", {"orderNos": ["x"]}))
        assert json.loads(connection.getresponse().read())["code"] == "E0000"
    assert time.perf_counter() - start < 1.0
    connection.close()


def test_faults_switched_on_from_the_command_line(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(
        os.environ,
        WSV_NUONUO_PORT=str(port),
        WSV_SAP_PORT="0",
        WSV_QICHACHA_PORT="0",
        WSV_SAP_DB=str(tmp_path / "sap.sqlite"),
    )
    root = pathlib.Path(__file__).resolve().parents[2]
    process = subprocess.Popen(  # noqa: S603 - our simulator, on loopback
        [sys.executable, "-m", "simulators", "--nuonuo-faults", '{"rate": 0.5, "kinds": ["fail"]}'],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
    )
    try:
        lines = [process.stdout.readline().decode() for _ in range(3)]
        assert lines[2].startswith(f"nuonuo simulator on http://127.0.0.1:{port}")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sim/faults", timeout=5) as answer:
            state = json.loads(answer.read())
        assert (state["rate"], state["kinds"]) == (0.5, ["fail"])
    finally:
        process.terminate()
        process.wait(10)
