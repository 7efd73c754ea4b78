"""lib/sap_order against the SAP simulator over a socket: the payload, sending exactly once
whatever fails on the way, and the two kinds of error."""

import datetime
import random
import time
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
