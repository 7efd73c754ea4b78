"""Signed contracts to SAP through the live server's job runner and the SAP simulator: the
signing call returns at once, the job sends the order once, the integration administrator
watches the outbox over XML-RPC; the others may not touch it."""

import json
import os
import time
import urllib.request
import xmlrpc.client

import pytest
from conftest import Rpc, signed_contract


def sap_orders():
    port = os.environ.get("WSV_SAP_PORT")
    if not port:
        pytest.fail("WSV_SAP_PORT is not set: run the tests through scripts/test.sh")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sim/orders", timeout=10) as answer:
        return json.loads(answer.read())


def ref(admin, xmlid):
    return admin("ir.model.data", "check_object_reference", xmlid.split("."))[1]


def wait_sent(rpc, contract_number, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = rpc(
            "wsv.sap.sending",
            "search_read",
            [[("contract_number", "=", contract_number)]],
            {"fields": ["state", "sap_order_number", "attempt_count", "message"]},
        )
        if rows and rows[0]["state"] in ("sent", "failed"):
            return rows[0]
        time.sleep(0.5)
    pytest.fail(f"{contract_number} was not sent within {seconds} s: {rows}")


@pytest.fixture(scope="module")
def sunlei(server):
    return Rpc(server, "sunlei", "sunlei")


@pytest.fixture(scope="module")
def lintao(server):
    return Rpc(server, "lintao", "lintao")


def test_a_signed_contract_becomes_one_sap_order(admin, sunlei, lintao):
    customer = ref(admin, "wsv_crm_customer.res_partner_js_grid_demo")
    started = time.monotonic()
    contract = signed_contract(admin, sunlei, customer, qty=7)
    number = sunlei("sale.order", "read", [[contract], ["contract_number"]])[0]["contract_number"]
    sending = wait_sent(lintao, number)
    assert sending["state"] == "sent", sending
    orders = [o for o in sap_orders() if o["purch_no"] == number]
    assert [o["creation_count"] for o in orders] == [1]
    assert orders[0]["number"] == sending["sap_order_number"]
    assert orders[0]["client"] == "800"
    # the salesperson sees the status chain's step on the contract
    mine = sunlei(
        "sale.order", "read", [[contract], ["sap_order_number", "sap_ordered", "sap_state"]]
    )
    assert mine[0]["sap_ordered"] and mine[0]["sap_state"] == "sent"
    assert mine[0]["sap_order_number"] == orders[0]["number"]
    assert time.monotonic() - started < 120


def test_the_demo_contracts_went_out_once(admin, lintao):
    for xmlid in (
        "wsv_fulfillment.contract_js_grid_demo",
        "wsv_fulfillment.contract_sz_power_demo",
    ):
        number = admin("sale.order", "read", [[ref(admin, xmlid)], ["contract_number"]])[0][
            "contract_number"
        ]
        assert wait_sent(lintao, number)["state"] == "sent"
        assert [o["creation_count"] for o in sap_orders() if o["purch_no"] == number] == [1]


def test_the_dashboard_and_who_may_use_it(server, sunlei, lintao):
    backend = lintao(
        "wsv.sap.backend", "search_read", [[]], {"fields": ["sent_count", "failed_count"]}
    )
    assert backend and backend[0]["sent_count"] >= 1
    sending = lintao("wsv.sap.sending", "search", [[]], {"limit": 1})
    assert lintao("wsv.sap.sending", "action_requeue", [sending]) is True
    for rpc in (sunlei, Rpc(server, "mali", "mali"), Rpc(server, "wangjianguo", "wangjianguo")):
        for call in (
            lambda r=rpc: r("wsv.sap.sending", "read", [sending, ["state"]]),
            lambda r=rpc: r("wsv.sap.sending", "action_requeue", [sending]),
            lambda r=rpc: r("wsv.sap.backend", "action_requeue_failed", [[backend[0]["id"]]]),
        ):
            with pytest.raises(xmlrpc.client.Fault) as refused:
                call()
            assert "Traceback" not in refused.value.faultString.splitlines()[0]
    # nobody writes an SAP fact by hand, not even the integration administrator
    with pytest.raises(xmlrpc.client.Fault):
        lintao("wsv.sap.sending", "write", [sending, {"state": "sent", "sap_order_number": "1"}])
