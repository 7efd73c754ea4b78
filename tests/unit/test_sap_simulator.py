"""The SAP simulator over a real socket, called with zeep as the bridge calls SAP: the
session semantics of create + commit, the lookup by purchase order number, persistence across
a restart, and each injected fault."""

import json
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import requests
import zeep
import zeep.exceptions
from zeep.transports import Transport

# GETLIST's mandatory selection, as in SAP: the customer and the sales organisation
KEYS = {"CUSTOMER_NUMBER": "0000100001", "SALES_ORGANIZATION": "1000"}


def client(simulator, timeout=5):
    """A zeep client with its own HTTP session: one SAP session (the sap-contextid cookie)."""
    transport = Transport(session=requests.Session(), timeout=timeout, operation_timeout=timeout)
    return zeep.Client(simulator.wsdl, transport=transport).service


def order(purch_no="HT202600001", material="1000001"):
    return {
        "ORDER_HEADER_IN": {
            "DOC_TYPE": "ZOR",
            "SALES_ORG": "1000",
            "DISTR_CHAN": "10",
            "DIVISION": "00",
            "PURCH_NO_C": purch_no,
            "PURCH_DATE": "2026-12-01",
        },
        "ORDER_PARTNERS": {
            "item": [
                {"PARTN_ROLE": "AG", "PARTN_NUMB": "0000100001"},
                {"PARTN_ROLE": "WE", "PARTN_NUMB": "0000100002"},
            ]
        },
        "ORDER_ITEMS_IN": {
            "item": [{"ITM_NUMBER": "000010", "MATERIAL": material, "TARGET_QTY": 100}]
        },
        "ORDER_CONDITIONS_IN": {
            "item": [{"ITM_NUMBER": "000010", "COND_TYPE": "PR00", "COND_VALUE": 200}]
        },
    }


def test_created_and_committed_in_one_session(sap_sim):
    srv = sap_sim()
    sap = client(srv)
    answer = sap.BAPI_SALESORDER_CREATEFROMDAT2(**order())
    assert answer["SALESDOCUMENT"]
    assert [r["TYPE"] for r in answer["RETURN"]["item"]] == ["S"]
    assert srv.get("/_sim/orders") == []  # nothing until the commit
    sap.BAPI_TRANSACTION_COMMIT(WAIT="X")
    orders = srv.get("/_sim/orders")
    assert [(o["purch_no"], o["creation_count"]) for o in orders] == [("HT202600001", 1)]
    assert orders[0]["items"][0]["MATERIAL"] == "1000001"
    found = sap.BAPI_SALESORDER_GETLIST(**KEYS, PURCHASE_ORDER_NUMBER="HT202600001")
    assert [o["SD_DOC"] for o in found["SALES_ORDERS"]["item"]] == [orders[0]["number"]]
    assert (
        sap.BAPI_SALESORDER_GETLIST(**KEYS, PURCHASE_ORDER_NUMBER="HT-NONE")["SALES_ORDERS"] is None
    )


def test_a_commit_in_another_session_commits_nothing(sap_sim):
    srv = sap_sim()
    client(srv).BAPI_SALESORDER_CREATEFROMDAT2(**order())
    client(srv).BAPI_TRANSACTION_COMMIT(WAIT="X")
    assert srv.get("/_sim/orders") == []


def test_orders_survive_a_restart(sap_sim):
    srv = sap_sim()
    sap = client(srv)
    sap.BAPI_SALESORDER_CREATEFROMDAT2(**order())
    sap.BAPI_TRANSACTION_COMMIT(WAIT="X")
    srv.stop()
    again = sap_sim()
    assert [o["purch_no"] for o in again.get("/_sim/orders")] == ["HT202600001"]


def test_business_errors_come_in_return(sap_sim):
    srv = sap_sim()
    answer = client(srv).BAPI_SALESORDER_CREATEFROMDAT2(**order(material=""))
    assert not answer["SALESDOCUMENT"]
    assert [(r["TYPE"], r["NUMBER"]) for r in answer["RETURN"]["item"]] == [("E", "386")]
    srv.post("/_sim/faults", {"rate": 1, "kinds": ["return_e"]})
    answer = client(srv).BAPI_SALESORDER_CREATEFROMDAT2(**order())
    assert answer["RETURN"]["item"][0]["TYPE"] == "E"


@pytest.mark.parametrize("kind", ["http500", "soapfault"])
def test_transport_faults(sap_sim, kind):
    srv = sap_sim({"rate": 1, "kinds": [kind]})
    with pytest.raises((zeep.exceptions.TransportError, zeep.exceptions.Fault)) as error:
        client(srv).BAPI_SALESORDER_CREATEFROMDAT2(**order())
    if kind == "soapfault":
        assert "try again" in str(error.value)
    srv.post("/_sim/faults", {"rate": 0})
    assert srv.get("/_sim/orders") == []


def test_a_dropped_answer_after_the_commit(sap_sim):
    srv = sap_sim()
    sap = client(srv)
    sap.BAPI_SALESORDER_CREATEFROMDAT2(**order())
    srv.post("/_sim/faults", {"rate": 1, "kinds": ["drop"]})
    with pytest.raises(requests.exceptions.ConnectionError):
        sap.BAPI_TRANSACTION_COMMIT(WAIT="X")
    srv.post("/_sim/faults", {"rate": 0})
    # SAP has the order: the caller finds it by its purchase order number
    found = client(srv).BAPI_SALESORDER_GETLIST(**KEYS, PURCHASE_ORDER_NUMBER="HT202600001")
    assert len(found["SALES_ORDERS"]["item"]) == 1


def test_a_timeout_is_finished_by_sap(sap_sim):
    srv = sap_sim()
    sap = client(srv, timeout=0.3)
    sap.BAPI_SALESORDER_GETLIST(PURCHASE_ORDER_NUMBER="x")  # opens the SAP session
    srv.post("/_sim/faults", {"rate": 1, "kinds": ["timeout"], "delay": 1.0})
    with pytest.raises(requests.exceptions.Timeout):
        sap.BAPI_SALESORDER_CREATEFROMDAT2(**order())
    srv.post("/_sim/faults", {"rate": 0})
    time.sleep(1.2)  # SAP goes on with the order the client gave up waiting for
    sap.BAPI_TRANSACTION_COMMIT(WAIT="X")
    assert [o["purch_no"] for o in srv.get("/_sim/orders")] == ["HT202600001"]


def test_an_outage_answers_503_until_it_ends(sap_sim):
    srv = sap_sim({"outage_seconds": 60})
    with pytest.raises(zeep.exceptions.TransportError) as error:
        client(srv).BAPI_SALESORDER_GETLIST(PURCHASE_ORDER_NUMBER="x")
    assert error.value.status_code == 503
    assert srv.get("/_sim/faults")["outage_left"] > 50
    srv.post("/_sim/faults", {"outage_seconds": 0})
    assert client(srv).BAPI_SALESORDER_GETLIST(PURCHASE_ORDER_NUMBER="x")["SALES_ORDERS"] is None


def test_fault_switches_are_checked(sap_sim):
    srv = sap_sim()
    with pytest.raises(urllib.error.HTTPError) as error:
        srv.post("/_sim/faults", {"rate": 2})
    assert error.value.code == 400
    with pytest.raises(urllib.error.HTTPError):
        srv.post("/_sim/faults", {"rate": 0.5, "kinds": ["meteor"]})


def test_getlist_selects_by_customer_and_sales_organization(sap_sim):
    simulator = sap_sim()
    sap = client(simulator)
    sap.BAPI_SALESORDER_CREATEFROMDAT2(**order())
    sap.BAPI_TRANSACTION_COMMIT(WAIT="X")
    refused = sap.BAPI_SALESORDER_GETLIST(PURCHASE_ORDER_NUMBER="HT202600001")
    assert refused["RETURN"]["TYPE"] == "E" and refused["SALES_ORDERS"] is None
    other = {"CUSTOMER_NUMBER": "0000100009", "SALES_ORGANIZATION": "1000"}
    assert (
        sap.BAPI_SALESORDER_GETLIST(**other, PURCHASE_ORDER_NUMBER="HT202600001")["SALES_ORDERS"]
        is None
    )
    found = sap.BAPI_SALESORDER_GETLIST(**KEYS, PURCHASE_ORDER_NUMBER="HT202600001")
    assert len(found["SALES_ORDERS"]["item"]) == 1


def test_faults_switched_on_from_the_command_line(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(
        os.environ,
        WSV_SAP_PORT=str(port),
        WSV_QICHACHA_PORT="0",
        WSV_NUONUO_PORT="0",
        WSV_SAP_DB=str(tmp_path / "sap.sqlite"),
    )
    root = pathlib.Path(__file__).resolve().parents[2]
    process = subprocess.Popen(  # noqa: S603 - our simulator, on loopback
        [sys.executable, "-m", "simulators", "--sap-faults", '{"rate": 0.5, "kinds": ["drop"]}'],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
    )
    try:
        process.stdout.readline()  # qichacha
        process.stdout.readline()  # sap: listening
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sim/faults", timeout=5) as answer:
            state = json.loads(answer.read())
        assert (state["rate"], state["kinds"]) == (0.5, ["drop"])
    finally:
        process.terminate()
        process.wait(10)
