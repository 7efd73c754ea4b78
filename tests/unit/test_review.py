import dataclasses
import time

import pytest

from odoo.addons.wsv_contract.lib import review
from odoo.addons.wsv_contract.lib.review import Contract, Line, Result, Rule, evaluate, verdict

# A line and a contract that every rule at its defaults passes; tests change one thing at a time.
LINE = Line(
    "DDZY-1",
    qty=10,
    price_unit=1000,
    list_price=1000,
    floor_price=800,
    cost=700,
    lead_days=30,
)
CONTRACT = Contract(
    amount=10_000,
    lines=(LINE,),
    customer_grade="A",
    credit_limit=100_000,
    advance_percent=30,
    credit_days=30,
    lead_days=30,
    warranty_months=12,
    documents=frozenset({"signed_original"}),
)
ALL_RULES = [Rule(index, rule_type) for index, rule_type in enumerate(review.DEFAULTS)]


def contract(*lines, **values):
    """CONTRACT with other lines (when given) and other values."""
    if lines:
        values["lines"] = lines
    return dataclasses.replace(CONTRACT, **values)


def line(**values):
    return dataclasses.replace(LINE, **values)


def check(rule_type, the_contract, outcome="approval", **params):
    """The one result of a rule of that type."""
    [result] = evaluate(the_contract, [Rule(7, rule_type, outcome, params)])
    return result


def failure(rule_type, the_contract, **params):
    """(code, details) of a rule of that type, None when it passes."""
    result = check(rule_type, the_contract, **params)
    return None if result.passed else (result.code, result.details)


def test_the_reference_contract_passes_every_rule():
    results = evaluate(CONTRACT, ALL_RULES)
    assert results == [Result(rule.id, True, "pass", "", {}) for rule in ALL_RULES]
    assert verdict(results) == "pass"


def test_there_are_eight_rule_types_each_with_its_check():
    assert list(review.DEFAULTS) == [
        "price_floor",
        "max_discount",
        "margin_floor",
        "credit",
        "payment_terms",
        "lead_time",
        "warranty",
        "documents",
    ]
    assert set(review.CHECKS) == set(review.DEFAULTS)


# price_floor


@pytest.mark.parametrize(
    "the_line",
    [
        line(price_unit=800),  # exactly at the floor
        line(price_unit=1000, discount=20),  # 800 after the discount
        line(price_unit=100, discount=34, floor_price=66),  # 65.99999999999999 in floats
        line(price_unit=0, floor_price=0),  # no floor
        line(price_unit=0.01, floor_price=0, list_price=0),
    ],
)
def test_price_at_or_above_the_floor_passes(the_line):
    assert failure("price_floor", contract(the_line)) is None


def test_price_below_the_floor():
    lines = (
        line(product="A", price_unit=799.99),
        line(product="B", price_unit=1000, discount=40),  # 600: 0.75 of the floor
        line(product="C", price_unit=700, floor_price=0),
        line(product="D", price_unit=900),
    )
    assert failure("price_floor", contract(*lines)) == (
        "below_floor",
        {"lines": ["A", "B"], "worst": 0.75},
    )
    assert failure("price_floor", contract(line(price_unit=0))) == (
        "below_floor",
        {"lines": ["DDZY-1"], "worst": 0.0},
    )
    # The ratio is rounded to 4 decimals: 799.99 / 800 is 0.9999875.
    assert failure("price_floor", contract(line(price_unit=799.99)))[1]["worst"] == 1.0
    assert failure("price_floor", contract(line(price_unit=666.66)))[1]["worst"] == 0.8333


# max_discount


@pytest.mark.parametrize(
    "the_line,params",
    [
        (line(price_unit=900), {}),  # exactly 10 % off the list price
        (line(price_unit=1000, discount=10), {}),
        (line(price_unit=1100, list_price=1100, discount=9.99), {}),
        (line(price_unit=100, list_price=100, discount=34, floor_price=0), {"max_percent": 34}),
        (line(price_unit=1, list_price=0), {}),  # no list price: skipped
        (line(price_unit=500), {"max_percent": 50}),
        (line(price_unit=1200), {"max_percent": 0}),  # above the list price
    ],
)
def test_discount_within_the_maximum_passes(the_line, params):
    assert failure("max_discount", contract(the_line), **params) is None


def test_discount_over_the_maximum():
    lines = (
        line(product="A", price_unit=899.99),
        line(product="B", price_unit=1000, discount=25),
        line(product="C", price_unit=100, list_price=0),
        line(product="D", price_unit=950),
    )
    assert failure("max_discount", contract(*lines)) == (
        "discount_over",
        {"lines": ["A", "B"], "max_percent": 10.0, "worst_percent": 25.0},
    )
    assert failure("max_discount", contract(*lines), max_percent=20) == (
        "discount_over",
        {"lines": ["B"], "max_percent": 20, "worst_percent": 25.0},
    )
    assert failure("max_discount", contract(line(price_unit=999)), max_percent=0) == (
        "discount_over",
        {"lines": ["DDZY-1"], "max_percent": 0, "worst_percent": 0.1},
    )


def test_two_rules_of_one_type_judge_the_same_lines_by_their_own_params():
    results = evaluate(
        contract(line(price_unit=850)),
        [Rule(1, "max_discount"), Rule(2, "max_discount", "block", {"max_percent": 20})],
    )
    assert [(r.rule_id, r.passed, r.outcome) for r in results] == [
        (1, False, "approval"),
        (2, True, "pass"),
    ]


# margin_floor


@pytest.mark.parametrize(
    "the_contract,params",
    [
        (contract(line(cost=850)), {}),  # exactly 15 %
        (contract(line(cost=0)), {}),
        (contract(line(price_unit=1000, discount=10, cost=765)), {}),  # 900 - 765: 15 %
        (contract(line(cost=1000)), {"min_percent": 0}),
        (contract(lines=()), {}),  # no lines: nothing to judge
        (contract(line(price_unit=0)), {}),  # no revenue
        (contract(line(qty=0)), {}),
        (contract(line(qty=-10)), {}),  # a credit: negative revenue
    ],
)
def test_margin_at_or_above_the_minimum_passes(the_contract, params):
    assert failure("margin_floor", the_contract, **params) is None


def test_margin_below_the_minimum():
    assert failure("margin_floor", contract(line(cost=851))) == (
        "margin_low",
        {"margin_percent": 14.9, "min_percent": 15.0},
    )
    lines = (line(qty=1, price_unit=300, cost=100), line(qty=2, price_unit=100, cost=150))
    # (500 - 400) / 500
    assert failure("margin_floor", contract(*lines), min_percent=25) == (
        "margin_low",
        {"margin_percent": 20.0, "min_percent": 25},
    )
    assert failure("margin_floor", contract(line(cost=1200)), min_percent=0) == (
        "margin_low",
        {"margin_percent": -20.0, "min_percent": 0},
    )
    # A margin of 33.333… % is reported rounded.
    assert failure("margin_floor", contract(line(cost=2000 / 3)), min_percent=50) == (
        "margin_low",
        {"margin_percent": 33.33, "min_percent": 50},
    )


# credit


@pytest.mark.parametrize(
    "values,params",
    [
        ({"open_receivables": 90_000}, {}),  # exactly at the limit
        ({"open_receivables": 0.1, "amount": 0.2, "credit_limit": 0.3}, {}),  # float noise
        ({"credit_limit": 0, "open_receivables": 10**9}, {}),  # no limit set
        ({"credit_limit": -1}, {}),
        ({"credit_limit": 10_000}, {"require_limit": True}),
    ],
)
def test_within_credit_passes(values, params):
    assert failure("credit", contract(**values), **params) is None


def test_over_credit():
    assert failure("credit", contract(open_receivables=90_000.01)) == (
        "over_credit",
        {"exposure": 100_000.01, "limit": 100_000},
    )
    assert failure("credit", contract(credit_limit=5000)) == (
        "over_credit",
        {"exposure": 10_000, "limit": 5000},
    )


def test_credit_reads_the_amount_in_the_credit_limit_currency():
    # a 10,000 USD contract is 72,000 in the company's CNY: over a 100,000 CNY limit with
    # 30,000 open, though 10,000 + 30,000 would not be
    foreign = contract(open_receivables=30_000, credit_amount=72_000)
    assert failure("credit", foreign) == (
        "over_credit",
        {"exposure": 102_000, "limit": 100_000},
    )
    assert failure("credit", contract(open_receivables=30_000)) is None  # one currency
    assert failure("credit", contract(open_receivables=30_000, credit_amount=70_000)) is None
    # the other rules keep reading the contract's own amount and lines
    assert evaluate(contract(credit_amount=50_000), ALL_RULES) == evaluate(CONTRACT, ALL_RULES)


@pytest.mark.parametrize("limit", [0, 0.0, -100])
def test_a_credit_limit_can_be_required(limit):
    assert failure(
        "credit", contract(credit_limit=limit, open_receivables=5), require_limit=True
    ) == (
        "no_credit_limit",
        {"exposure": 10_005, "limit": limit},
    )


# payment_terms


@pytest.mark.parametrize(
    "grade,advance",
    [("A", 0), ("B", 10), ("C", 30), ("D", 50), (None, 50), ("B", 100), ("A", 0.0)],
)
def test_advance_at_or_above_the_minimum_of_the_grade_passes(grade, advance):
    assert failure("payment_terms", contract(customer_grade=grade, advance_percent=advance)) is None


@pytest.mark.parametrize(
    "grade,advance,minimum,shown",
    [
        ("A", -5, 0, "A"),
        ("B", 9.99, 10, "B"),
        ("C", 29, 30, "C"),
        ("D", 0, 50, "D"),
        (None, 49, 50, "D"),
    ],
)
def test_advance_below_the_minimum_of_the_grade(grade, advance, minimum, shown):
    assert failure("payment_terms", contract(customer_grade=grade, advance_percent=advance)) == (
        "advance_low",
        {"advance_percent": advance, "min_percent": minimum, "grade": shown},
    )


def test_the_minimums_are_overridden_grade_by_grade():
    params = {"min_advance": {"B": 20}}
    assert failure("payment_terms", contract(customer_grade="B", advance_percent=15), **params)
    assert not failure("payment_terms", contract(customer_grade="C", advance_percent=30), **params)
    assert failure("payment_terms", contract(customer_grade="C", advance_percent=29), **params)
    assert review.DEFAULTS["payment_terms"]["min_advance"]["B"] == 10  # the defaults stay


def test_credit_days():
    assert failure("payment_terms", contract(credit_days=90)) is None
    assert failure("payment_terms", contract(credit_days=91)) == (
        "credit_days_over",
        {"credit_days": 91, "max_days": 90},
    )
    assert failure("payment_terms", contract(credit_days=91), max_credit_days=120) is None
    assert failure("payment_terms", contract(credit_days=1), max_credit_days=0) == (
        "credit_days_over",
        {"credit_days": 1, "max_days": 0},
    )


def test_both_payment_terms_failing_give_one_result():
    the_contract = contract(customer_grade="C", advance_percent=10, credit_days=180)
    results = evaluate(the_contract, [Rule(3, "payment_terms", "block")])
    assert results == [
        Result(
            3,
            False,
            "block",
            "advance_low",
            {
                "advance_percent": 10,
                "min_percent": 30,
                "grade": "C",
                "credit_days": 180,
                "max_days": 90,
            },
        )
    ]


# lead_time


@pytest.mark.parametrize(
    "the_contract",
    [
        contract(line(lead_days=30)),  # exactly the contract's lead time
        contract(line(lead_days=0), line(lead_days=29)),
        contract(lines=()),
        contract(line(lead_days=0), lead_days=0),
    ],
)
def test_enough_lead_time_passes(the_contract):
    assert failure("lead_time", the_contract) is None


def test_lead_time_too_short():
    lines = (
        line(product="A", lead_days=45),
        line(product="B", lead_days=30),
        line(product="C", lead_days=60),
    )
    assert failure("lead_time", contract(*lines)) == (
        "lead_time_short",
        {"lead_days": 30, "needed_days": 60, "lines": ["A", "C"]},
    )
    assert failure("lead_time", contract(line(lead_days=1), lead_days=0)) == (
        "lead_time_short",
        {"lead_days": 0, "needed_days": 1, "lines": ["DDZY-1"]},
    )


# warranty


def test_warranty():
    assert failure("warranty", contract(warranty_months=24)) is None
    assert failure("warranty", contract(warranty_months=0)) is None
    assert failure("warranty", contract(warranty_months=25)) == (
        "warranty_long",
        {"warranty_months": 25, "max_months": 24},
    )
    assert failure("warranty", contract(warranty_months=36), max_months=36) is None
    assert failure("warranty", contract(warranty_months=37), max_months=36) == (
        "warranty_long",
        {"warranty_months": 37, "max_months": 36},
    )


# documents


@pytest.mark.parametrize("contract_type", ["single", "framework", "supplementary"])
def test_a_signed_original_is_required_by_default(contract_type):
    the_contract = contract(contract_type=contract_type)
    assert failure("documents", the_contract) is None
    assert failure("documents", dataclasses.replace(the_contract, documents={"other"})) == (
        "documents_missing",
        {"missing": ["signed_original"]},
    )


def test_required_documents_per_contract_type():
    required = {"framework": ["signed_original", "bid_notice", "technical_agreement"]}
    framework = contract(contract_type="framework", documents=["technical_agreement"])
    assert failure("documents", framework, required=required) == (
        "documents_missing",
        {"missing": ["bid_notice", "signed_original"]},
    )
    # The other types keep their default row; a type without a row requires nothing.
    assert failure("documents", contract(documents=()), required=required) == (
        "documents_missing",
        {"missing": ["signed_original"]},
    )
    assert failure("documents", contract(documents=(), contract_type="oral")) is None
    assert failure("documents", contract(documents=()), required={"single": []}) is None


# evaluate and verdict


def test_one_result_per_rule_in_the_rules_order():
    bad = contract(
        line(price_unit=500, cost=600, lead_days=90),
        customer_grade=None,
        advance_percent=0,
        warranty_months=60,
        documents=set(),
        open_receivables=10**6,
    )
    rules = list(reversed(ALL_RULES))
    results = evaluate(bad, rules)
    assert [result.rule_id for result in results] == [rule.id for rule in rules]
    assert [result.code for result in results] == [
        "documents_missing",
        "warranty_long",
        "lead_time_short",
        "advance_low",
        "over_credit",
        "margin_low",
        "discount_over",
        "below_floor",
    ]
    assert all(not result.passed and result.outcome == "approval" for result in results)
    assert evaluate(bad, []) == []


def test_a_passing_result_has_no_code_or_details():
    [result] = evaluate(CONTRACT, [Rule(5, "warranty", "block")])
    assert result == Result(rule_id=5, passed=True, outcome="pass", code="", details={})


def test_the_lines_are_read_once_per_contract(monkeypatch):
    calls = []
    totals = review._totals
    monkeypatch.setattr(review, "_totals", lambda c: calls.append(c) or totals(c))
    evaluate(CONTRACT, ALL_RULES * 3)
    assert calls == [CONTRACT]


@pytest.mark.parametrize(
    "outcomes,expected",
    [
        ([], "pass"),
        (["pass", "pass"], "pass"),
        (["pass", "approval"], "approval"),
        (["approval", "block", "pass"], "block"),
        (["block"], "block"),
    ],
)
def test_verdict(outcomes, expected):
    results = [
        Result(i, o == "pass", o, "" if o == "pass" else "x", {}) for i, o in enumerate(outcomes)
    ]
    assert verdict(results) == expected


def test_verdict_of_an_evaluation():
    rules = [Rule(1, "warranty", "block"), Rule(2, "credit", "approval"), Rule(3, "documents")]
    assert verdict(evaluate(CONTRACT, rules)) == "pass"
    assert verdict(evaluate(contract(credit_limit=1), rules)) == "approval"
    assert verdict(evaluate(contract(credit_limit=1, warranty_months=99), rules)) == "block"


# malformed input


def test_an_unknown_rule_type_is_named():
    with pytest.raises(ValueError, match="'discount'"):
        evaluate(CONTRACT, [Rule(1, "discount")])


@pytest.mark.parametrize("outcome", ["pass", "Block", "", None])
def test_a_rule_blocks_or_needs_approval(outcome):
    with pytest.raises(ValueError, match="outcome"):
        Rule(1, "warranty", outcome)


@pytest.mark.parametrize(
    "rule_type,params,name",
    [
        ("warranty", {"max_month": 12}, "max_month"),
        ("price_floor", {"min_ratio": 0.9}, "min_ratio"),
        ("credit", {"limit": 5}, "limit"),
        ("payment_terms", {"min_advance": {"E": 10}}, "E"),
        ("payment_terms", {"min_advance": {"b": 10}}, "b"),
    ],
)
def test_unknown_parameters_are_refused(rule_type, params, name):
    with pytest.raises(ValueError, match=name):
        Rule(1, rule_type, params=params)


@pytest.mark.parametrize("grade", ["E", "a", ""])
def test_customer_grades_are_a_to_d(grade):
    with pytest.raises(ValueError, match="grade"):
        Contract(1000, customer_grade=grade)


def test_snapshots_are_frozen_and_hashable():
    the_contract = Contract(1000, lines=[LINE], documents=["signed_original"])
    assert the_contract.lines == (LINE,)
    assert the_contract.documents == frozenset({"signed_original"})
    rule = Rule(1, "warranty", params={"max_months": 12})
    assert len({the_contract, CONTRACT, rule, Rule(1, "warranty", params={"max_months": 36})}) == 4
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.outcome = "block"


def test_speed_smoke_bound():
    """A generous bound against gross regressions, not the benchmark (about 0.03 s here)."""
    lines = tuple(
        line(product=f"P{i}", price_unit=900 + i, discount=i % 3, lead_days=i) for i in range(20)
    )
    contracts = [contract(*lines, amount=20_000 + n) for n in range(500)]
    start = time.perf_counter()
    for the_contract in contracts:
        verdict(evaluate(the_contract, ALL_RULES))
    assert time.perf_counter() - start < 1
