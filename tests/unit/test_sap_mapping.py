"""lib/mapping: every gap of a contract's SAP mapping is named; the retry backoff is capped."""

import dataclasses

import pytest

from odoo.addons.wsv_crm_customer.lib import retry
from odoo.addons.wsv_sap_bridge.lib import mapping

COMPLETE = mapping.Facts(
    contract="HT2026-0001",
    team="国网事业部",
    sales_org="1000",
    distr_chan="10",
    division="00",
    customer="江苏电力",
    sold_to="0000100001",
    payment_term="30 天",
    payment_term_code="Z030",
    products=(("单相智能电表", "DDZY000001"), ("三相表", "DDZY000002")),
)


def test_a_complete_mapping_has_no_gap():
    assert mapping.missing(COMPLETE) == []


def test_every_gap_is_named_at_once():
    facts = dataclasses.replace(
        COMPLETE,
        distr_chan="",
        division="",
        sold_to="",
        payment_term_code="",
        products=(("单相智能电表", ""), ("三相表", "DDZY000002"), ("单相智能电表", "")),
    )
    assert mapping.missing(facts) == [
        ("team_keys", ("国网事业部", ("DISTR_CHAN", "DIVISION"))),
        ("sold_to", "江苏电力"),
        ("payment_term", "30 天"),
        ("material", "单相智能电表"),  # once, however many lines carry it
    ]


def test_no_team_no_lines_and_an_unsent_original():
    facts = dataclasses.replace(COMPLETE, team="", products=(), ref_doc_needed=True)
    # the gaps first: waiting for the original would hide them
    assert [what for what, _detail in mapping.missing(facts)] == ["team", "no_lines"]
    waiting = dataclasses.replace(COMPLETE, ref_doc_needed=True)
    assert mapping.missing(waiting) == [("original", "HT2026-0001")]


def test_a_change_order_of_a_cancelled_original_is_not_sent():
    facts = dataclasses.replace(COMPLETE, ref_doc_needed=True, original_cancelled=True)
    assert mapping.missing(facts) == [("original_cancelled", "HT2026-0001")]


def test_without_payment_terms_sap_applies_the_customer_default():
    assert mapping.missing(dataclasses.replace(COMPLETE, payment_term="")) == []


def test_a_cancelled_contract_is_never_sent():
    facts = dataclasses.replace(COMPLETE, state="cancel", sold_to="")
    assert mapping.missing(facts) == [("cancelled", "HT2026-0001")]


@pytest.mark.parametrize(
    "attempt,seconds", [(0, 10), (1, 10), (2, 20), (3, 40), (4, 80), (5, 120), (60, 120)]
)
def test_backoff_doubles_up_to_its_cap(attempt, seconds):
    assert retry.backoff(attempt, cap=120) == seconds
