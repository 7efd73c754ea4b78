"""lib/sap_order against the SAP simulator over a socket: the payload, sending exactly once
whatever fails on the way, and the two kinds of error."""

import dataclasses
import datetime
import random
import sys
import time
import types
from decimal import Decimal

import pytest

from odoo.addons.wsv_sap_bridge.lib import sap_order


def order(purch_no="HT202600001", material="1000001", discount=Decimal(0)):
    return sap_order.Order(
        purch_no=purch_no,
        purch_date=datetime.date(2026, 12, 1),
        req_date=datetime.date(2027, 1, 15),
        doc_type="ZOR",
        sales_org="1000",
        distr_chan="10",
        division="00",
        sold_to="0000100001",
        ship_to="",
        currency="CNY",
        items=(
            sap_order.Item(10, material, Decimal(100), Decimal("200.00"), "EA", discount),
            sap_order.Item(20, "1000002", Decimal(5), Decimal("1500.00"), "EA"),
        ),
        payment_terms="Z030",
        incoterms1="FCA",
        incoterms2="南京",
    )


def test_payload_follows_the_bapi():
    values = sap_order.payload(order(discount=Decimal(5)))
    header = values["ORDER_HEADER_IN"]
    assert (header["PURCH_NO_C"], header["REQ_DATE_H"], header["PMNTTRMS"]) == (
        "HT202600001",
        "2027-01-15",
        "Z030",
    )
    # ship-to defaults to the sold-to party
    assert values["ORDER_PARTNERS"]["item"] == [
        {"PARTN_ROLE": "AG", "PARTN_NUMB": "0000100001"},
        {"PARTN_ROLE": "WE", "PARTN_NUMB": "0000100001"},
    ]
    assert [i["ITM_NUMBER"] for i in values["ORDER_ITEMS_IN"]["item"]] == ["000010", "000020"]
    conditions = [(c["ITM_NUMBER"], c["COND_TYPE"]) for c in values["ORDER_CONDITIONS_IN"]["item"]]
    assert conditions == [("000010", "PR00"), ("000010", "K007"), ("000020", "PR00")]


def test_sent_once_and_found_the_second_time(sap_sim):
    simulator = sap_sim()
    sap = sap_order.service(simulator.wsdl, timeout=5)
    number, created = sap_order.send(sap, order())
    assert created
    assert sap_order.send(sap_order.service(simulator.wsdl, 5), order()) == (number, False)
    assert [(o["number"], o["creation_count"]) for o in simulator.get("/_sim/orders")] == [
        (number, 1)
    ]


def test_a_lost_answer_never_makes_a_second_order(sap_sim):
    simulator = sap_sim({"rate": 1, "kinds": ["drop"]})
    with pytest.raises(sap_order.TransportError):
        sap_order.send(sap_order.service(simulator.wsdl, 5), order())
    simulator.post("/_sim/faults", {"rate": 0})
    number, created = sap_order.send(sap_order.service(simulator.wsdl, 5), order())
    assert not created
    assert [o["number"] for o in simulator.get("/_sim/orders")] == [number]


def test_business_errors_stop_with_sap_message(sap_sim):
    simulator = sap_sim()
    with pytest.raises(sap_order.BusinessError) as error:
        sap_order.send(sap_order.service(simulator.wsdl, 5), order(material=""))
    assert "no material" in error.value.messages[0]
    assert simulator.get("/_sim/orders") == []


@pytest.mark.parametrize("kind", ["timeout", "http500", "soapfault"])
def test_transport_errors_are_to_retry(sap_sim, kind):
    simulator = sap_sim()
    sap = sap_order.service(simulator.wsdl, 0.3)
    simulator.post("/_sim/faults", {"rate": 1, "kinds": [kind], "delay": 0.6})
    with pytest.raises(sap_order.TransportError):
        sap_order.send(sap, order())


def test_an_unreachable_sap_is_a_transport_error():
    with pytest.raises(sap_order.TransportError):
        sap_order.service("http://127.0.0.1:9/nothing?wsdl", 0.5)


def test_exactly_once_through_every_fault(sap_sim):
    """50 orders, 30% of the requests failing in every way the simulator knows: each is
    retried until it goes through, and SAP ends with exactly one order per contract (counted
    from the simulator's own list). A retry waits longer than SAP may still be working on the
    attempt the client gave up on (the outbox's backoff does the same, in minutes): retried at
    once, a commit still under way in SAP is not found yet, and the order is made twice."""
    simulator = sap_sim()
    simulator.post(
        "/_sim/faults",
        {
            "rate": 0.3,
            "kinds": ["timeout", "http500", "soapfault", "return_e", "drop"],
            "delay": 0.1,
            "seed": 7,
        },
    )
    rng, attempts = random.Random(1), 0
    for n in range(50):
        contract = order(purch_no=f"HT2026{n:05d}", material=f"10{rng.randint(0, 99):05d}")
        while True:
            attempts += 1
            try:
                sap_order.send(sap_order.service(simulator.wsdl, 0.05), contract)
                break
            except (sap_order.TransportError, sap_order.BusinessError):
                # (an injected RETURN E is no fault of the data here: sent again)
                time.sleep(0.15)
    orders = simulator.get("/_sim/orders")
    assert sorted(o["purch_no"] for o in orders) == [f"HT2026{n:05d}" for n in range(50)]
    assert {o["creation_count"] for o in orders} == {1}
    assert attempts > 50  # the faults did happen


def test_change_order_refers_to_the_order_it_changes(sap_sim):
    simulator = sap_sim()
    original, _created = sap_order.send(sap_order.service(simulator.wsdl, 5), order())
    change = dataclasses.replace(order("HT202600001-B1"), ref_doc=original)
    assert sap_order.payload(change)["ORDER_HEADER_IN"]["REFDOC_CAT"] == "C"
    sap_order.send(sap_order.service(simulator.wsdl, 5), change)
    headers = {o["purch_no"]: o["header"] for o in simulator.get("/_sim/orders")}
    assert headers["HT202600001-B1"]["REF_DOC"] == original
    assert headers["HT202600001"]["REF_DOC"] == ""


def test_every_exchange_is_kept_for_the_log(sap_sim):
    simulator = sap_sim()
    sap = sap_order.service(simulator.wsdl, 5)
    sap_order.send(sap, order())
    operations = [name for name, _request, _answer in sap.exchanges]
    assert operations == [
        "BAPI_SALESORDER_GETLIST",
        "BAPI_SALESORDER_CREATEFROMDAT2",
        "BAPI_TRANSACTION_COMMIT",
    ]
    _name, request, answer = sap.exchanges[1]
    assert "<PURCH_NO_C>HT202600001</PURCH_NO_C>" in request
    assert "<SALESDOCUMENT>" in answer
    # a new session starts a new log
    assert sap_order.service(simulator.wsdl, 5).exchanges == []


def test_logon_and_sap_client_travel_with_every_call(sap_sim):
    simulator = sap_sim(auth="wsv:secret")
    with pytest.raises(sap_order.TransportError, match="401"):
        sap_order.send(sap_order.service(simulator.wsdl, 5, ("wsv", "wrong")), order())
    assert simulator.get("/_sim/orders") == []
    sap = sap_order.service(simulator.wsdl, 5, ("wsv", "secret"), sap_client="800")
    assert sap_order.send(sap, order())[1]
    assert [o["client"] for o in simulator.get("/_sim/orders")] == ["800"]


def test_status_reads_deliveries_billing_and_production_orders(sap_sim):
    simulator = sap_sim()
    number, _created = sap_order.send(sap_order.service(simulator.wsdl, 5), order())
    sap = sap_order.service(simulator.wsdl, 5)
    assert sap_order.status(sap, [number])[number] == sap_order.Status("A", "A", {}, {})
    simulator.post(
        "/_sim/update",
        {
            "number": number,
            "deliveries": [{"delivery": "80000001", "date": "2026-12-10", "items": {"000010": 40}}],
            "production": {"000010": "1000123", "000020": "1000124"},
        },
    )
    found = sap_order.status(sap, [number, "0000000000"])
    assert list(found) == [number]  # an order SAP does not know is left out
    assert found[number].delivery == "B"
    assert found[number].deliveries == {"80000001": ("2026-12-10", {"000010": Decimal(40)})}
    assert found[number].production == {"000010": "1000123", "000020": "1000124"}
    simulator.post(
        "/_sim/update",
        {
            "number": number,
            "deliveries": [
                {"delivery": "80000002", "date": "2026-12-20", "items": {"000010": 60, "000020": 5}}
            ],
            "billing": "C",
        },
    )
    final = sap_order.status(sap, [number])[number]
    assert (final.delivery, final.billing, len(final.deliveries)) == ("C", "C", 2)
    assert simulator.post_status("/_sim/update", {"number": "0000000000"}) == 404


class FakePyrfc(types.ModuleType):
    """pyrfc's surface (Connection.call, its exceptions) over an in-memory SAP: the RFC
    adapter's conversions are checked without SAP's SDK, which is not on this machine."""

    class CommunicationError(Exception):
        pass

    class LogonError(Exception):
        pass

    class ABAPRuntimeError(Exception):
        pass

    class ABAPApplicationError(Exception):
        pass

    def __init__(self):
        super().__init__("pyrfc")
        orders = self.orders = {}

        class Connection:
            def __init__(self, **params):
                if params.get("passwd") != "secret":
                    raise FakePyrfc.LogonError("Name or password is incorrect")
                self.pending = []

            def call(self, name, **args):
                if name == "BAPI_SALESORDER_GETLIST":
                    number = args["PURCHASE_ORDER_NUMBER"]
                    rows = [
                        {"SD_DOC": n, "PURCH_NO": p, "SOLD_TO": args["CUSTOMER_NUMBER"]}
                        for n, p in orders.items()
                        if p == number
                    ]
                    return {"SALES_ORDERS": rows, "RETURN": {"TYPE": "S"}}
                if name == "BAPI_SALESORDER_CREATEFROMDAT2":
                    assert isinstance(args["ORDER_ITEMS_IN"], list)  # RFC tables are lists
                    self.pending.append(args["ORDER_HEADER_IN"]["PURCH_NO_C"])
                    return {"SALESDOCUMENT": f"{len(orders) + 1:010d}", "RETURN": []}
                if name == "BAPI_TRANSACTION_COMMIT":
                    for purch_no in self.pending:
                        orders[f"{len(orders) + 1:010d}"] = purch_no
                    return {"RETURN": {"TYPE": "S", "MESSAGE": ""}}
                raise FakePyrfc.ABAPApplicationError(f"{name} unknown")

        self.Connection = Connection


def test_rfc_is_reported_unavailable_without_pyrfc(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyrfc", None)  # an import of it fails
    with pytest.raises(sap_order.BusinessError, match="pyrfc"):
        sap_order.RfcConnection(ashost="sap", sysnr="00", client="800")


def test_rfc_sends_the_same_order_exactly_once(monkeypatch):
    fake = FakePyrfc()
    monkeypatch.setitem(sys.modules, "pyrfc", fake)
    with pytest.raises(sap_order.TransportError, match="incorrect"):
        sap_order.RfcConnection(user="wsv", passwd="wrong")
    number, created = sap_order.send(sap_order.RfcConnection(user="wsv", passwd="secret"), order())
    assert created and fake.orders == {number: "HT202600001"}
    again = sap_order.RfcConnection(user="wsv", passwd="secret")
    assert sap_order.send(again, order()) == (number, False)
    assert [name for name, _args, _result in again.exchanges] == ["BAPI_SALESORDER_GETLIST"]


def test_a_refused_lookup_creates_nothing(sap_sim):
    simulator = sap_sim()
    # no sales organisation: SAP refuses the lookup, and nothing is created on a guess
    with pytest.raises(sap_order.BusinessError, match="sales organization"):
        sap_order.send(
            sap_order.service(simulator.wsdl, 5), dataclasses.replace(order(), sales_org="")
        )
    assert simulator.get("/_sim/orders") == []
