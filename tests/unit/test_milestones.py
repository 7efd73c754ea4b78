import random
from decimal import Decimal

import pytest

from odoo.addons.wsv_contract.lib import milestones
from odoo.addons.wsv_contract.lib.milestones import Milestone, amounts, problems

# A usual meter contract: 30 % advance, 60 % on acceptance, 10 % retention after the warranty.
USUAL = [
    Milestone("signing", percent=30),
    Milestone("acceptance", percent=60, days=30),
    Milestone("warranty_end", percent=10),
]


def test_the_usual_terms_are_fine():
    assert problems(USUAL, 1_000_000, warranty_months=12) == []


def test_triggers():
    assert milestones.TRIGGERS == ("signing", "delivery", "acceptance", "invoice", "warranty_end")


@pytest.mark.parametrize("trigger", milestones.TRIGGERS)
def test_days_are_allowed_on_every_trigger(trigger):
    assert problems([Milestone(trigger, percent=100, days=45)], 100, 12) == []


@pytest.mark.parametrize(
    "percents",
    [
        (100,),
        (33.33, 33.33, 33.34),
        (0.01, 99.99),
        (30, 30, 39.996),  # 99.996 rounds to 100.00
        (30, 30, 40.004),  # 100.004 rounds to 100.00
        (10,) * 10,  # 0.1 steps add up to 99.99999999999999 in floats
    ],
)
def test_exactly_100_percent(percents):
    lines = [Milestone("delivery", percent=p) for p in percents]
    assert problems(lines, 1000, 0) == []


@pytest.mark.parametrize(
    "percents,total_percent",
    [
        ((99.99,), 99.99),
        ((50, 50.01), 100.01),
        ((30, 30, 39.994), 99.99),
        ((30, 30, 40.006), 100.01),
        ((30, 60), 90.0),
        ((50, 60), 110.0),
    ],
)
def test_not_100_percent(percents, total_percent):
    lines = [Milestone("delivery", percent=p) for p in percents]
    assert problems(lines, 1000, 0) == [("not_100", {"total_percent": total_percent})]


SIGNING_300 = Milestone("signing", amount=300)


@pytest.mark.parametrize(
    "lines,total,found",
    [
        ([SIGNING_300, Milestone("delivery", percent=70)], 1000, []),
        ([Milestone("signing", amount=1000)], 1000, []),
        ([Milestone("signing", amount=333.33), Milestone("invoice", amount=666.67)], 1000, []),
        (
            [SIGNING_300, Milestone("delivery", percent=60)],
            1000,
            [("not_100", {"total_percent": 90.0})],
        ),
        # 0.1 % short on ten million is 10,000 yuan: reported.
        ([Milestone("signing", amount=9_990_000)], 10**7, [("not_100", {"total_percent": 99.9})]),
    ],
)
def test_fixed_amounts_count_as_their_share_of_the_total(lines, total, found):
    assert problems(lines, total, 0) == found


@pytest.mark.parametrize("total", [0, 0.0, -1000])
def test_fixed_amounts_need_a_total(total):
    lines = [Milestone("signing", amount=300), Milestone("delivery", percent=70)]
    assert problems(lines, total, 0) == [("no_total", {})]


def test_percents_alone_need_no_total():
    assert problems([Milestone("signing", percent=100)], 0, 0) == []
    assert problems([Milestone("signing", percent=50)], 0, 0) == [
        ("not_100", {"total_percent": 50.0})
    ]


@pytest.mark.parametrize("total", [0, 1000, -5])
def test_no_milestones(total):
    assert problems([], total, 12) == [("empty", {})]


@pytest.mark.parametrize("trigger", ["", "Signing", "on_signing", None, 1])
def test_unknown_trigger(trigger):
    assert problems([Milestone(trigger, percent=100)], 1000, 0) == [
        ("unknown_trigger", {"index": 0, "trigger": trigger})
    ]


def test_percent_and_amount():
    assert problems([Milestone("signing", percent=100, amount=1000)], 1000, 0) == [
        ("percent_and_amount", {"index": 0}),
        ("not_100", {"total_percent": 200.0}),
    ]


def test_no_value():
    lines = [Milestone("signing", percent=100), Milestone("delivery", days=10)]
    assert problems(lines, 1000, 0) == [("no_value", {"index": 1})]


@pytest.mark.parametrize(
    "lines",
    [
        [
            Milestone("signing", percent=-10),
            Milestone("delivery", percent=60),
            Milestone("acceptance", percent=50),
        ],
        [Milestone("signing", amount=-100), Milestone("delivery", amount=1100)],
        [Milestone("signing", percent=100, days=-1)],
    ],
)
def test_negative(lines):
    assert problems(lines, 1000, 0) == [("negative", {"index": 0})]


def test_negative_is_reported_once_per_line():
    lines = [Milestone("signing", percent=-10, days=-1), Milestone("delivery", percent=110)]
    found = problems(lines, 1000, 0)
    assert found == [("negative", {"index": 0}), ("percent_over_100", {"index": 1})]


def test_percent_over_100():
    found = problems([Milestone("signing", percent=100.01)], 1, 0)
    assert found[0] == ("percent_over_100", {"index": 0})
    assert problems([Milestone("signing", percent=100)], 1, 0) == []


@pytest.mark.parametrize("warranty_months", [0, -1])
def test_retention_needs_a_warranty_period(warranty_months):
    assert problems(USUAL, 1000, warranty_months) == [("retention_needs_warranty", {"index": 2})]
    assert problems(USUAL, 1000, 1) == []


def test_every_problem_lines_first_in_order_then_the_whole():
    lines = (
        Milestone("prepay", percent=50, amount=10, days=-3),
        Milestone("delivery"),
        Milestone("warranty_end", percent=120),
    )
    assert problems(lines, 1000, 0) == [
        ("unknown_trigger", {"index": 0, "trigger": "prepay"}),
        ("percent_and_amount", {"index": 0}),
        ("negative", {"index": 0}),
        ("no_value", {"index": 1}),
        ("percent_over_100", {"index": 2}),
        ("retention_needs_warranty", {"index": 2}),
        ("not_100", {"total_percent": 171.0}),
    ]


def test_any_iterable_of_milestones():
    assert problems(iter(USUAL), 1000, 12) == []
    assert amounts((line for line in USUAL), 1000) == [300, 600, 100]


@pytest.mark.parametrize(
    "values",
    [
        {"percent": float("nan")},
        {"percent": float("inf")},
        {"amount": float("-inf")},
        {"percent": "30"},
        {"amount": None},
        {"percent": True},
        {"days": 1.5},
        {"days": "30"},
        {"days": None},
        {"days": False},
    ],
)
def test_malformed_milestones_raise(values):
    with pytest.raises(ValueError):
        Milestone("signing", **values)


@pytest.mark.parametrize("total", [float("nan"), float("inf"), None, "1000", True])
def test_a_malformed_total_raises(total):
    with pytest.raises(ValueError, match="total"):
        problems(USUAL, total, 12)
    with pytest.raises(ValueError, match="total"):
        amounts(USUAL, total)


def test_milestones_are_frozen_and_hashable():
    line = Milestone("signing", percent=30)
    with pytest.raises(AttributeError):
        line.percent = 40
    assert len({line, Milestone("signing", percent=30.0)}) == 1


# amounts()


def _assert_adds_up(money, total):
    # Exactly, in decimal: the floats are the nearest to amounts in cents.
    assert sum(Decimal(str(value)) for value in money) == Decimal(str(total))


def test_amounts_of_the_usual_terms():
    assert amounts(USUAL, 1_000_000) == [300_000, 600_000, 100_000]


@pytest.mark.parametrize(
    "total,percents,expected",
    [
        (100, (33.33, 33.33, 33.34), [33.33, 33.33, 33.34]),
        (1000, (33.33, 33.33, 33.34), [333.3, 333.3, 333.4]),
        (100, (33.333, 33.333, 33.334), [33.33, 33.33, 33.34]),
        (100.01, (50, 50), [50.01, 50.0]),  # 50.005 rounds half up; the last one takes less
        (1.25, (50, 50), [0.63, 0.62]),  # round(0.625, 2) would give 0.62: 0.625 is 0.62499…
        (2.675, (100,), [2.675]),  # a single line is the total, to the last digit
        (12_345_678.91, (30, 60, 10), [3_703_703.67, 7_407_407.35, 1_234_567.89]),
        (0, (30, 70), [0, 0]),
    ],
)
def test_amounts_are_rounded_half_up_and_the_last_takes_the_rest(total, percents, expected):
    money = amounts([Milestone("delivery", percent=p) for p in percents], total)
    assert money == expected
    _assert_adds_up(money, total)


def test_fixed_amounts_are_kept():
    lines = [Milestone("signing", amount=300), Milestone("delivery", percent=70)]
    assert amounts(lines, 1000) == [300, 700]
    lines = [Milestone("signing", percent=70), Milestone("invoice", amount=300, days=30)]
    assert amounts(lines, 1000) == [700, 300]


def test_the_last_line_absorbs_what_the_percents_leave():
    # 99.996 % is 100 % to two decimals; the last line takes the 0.004 % left.
    lines = [Milestone("signing", percent=30), Milestone("delivery", percent=69.996)]
    assert amounts(lines, 1_000_000) == [300_000, 700_000]


@pytest.mark.parametrize(
    "rounding,expected",
    [
        (1, [3, 7]),  # 2.5 rounds up to 3
        (0.1, [2.5, 7.5]),
        (0.05, [2.5, 7.5]),
        (5, [5, 5]),
    ],
)
def test_rounding_step(rounding, expected):
    lines = [Milestone("signing", percent=25), Milestone("delivery", percent=75)]
    assert amounts(lines, 10, rounding=rounding) == expected


def test_negative_totals_round_away_from_zero():
    # No check forbids a negative total made of percents (a credit note); halves mirror.
    lines = [Milestone("signing", percent=50), Milestone("delivery", percent=50)]
    assert amounts(lines, -1.25) == [-0.63, -0.62]


def test_random_terms_always_add_up():
    rng = random.Random(20240501)
    for _ in range(500):
        cuts = sorted(rng.randint(1, 9999) for _ in range(rng.randint(0, 5)))
        percents = [(b - a) / 100 for a, b in zip([0, *cuts], [*cuts, 10000], strict=True)]
        lines = [Milestone("delivery", percent=p) for p in percents if p]
        total = rng.randint(1, 10**9) / 100
        money = amounts(lines, total)
        _assert_adds_up(money, total)
        for value in money[:-1]:
            assert Decimal(str(value)) == Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    "lines,total,code",
    [
        ([], 1000, "empty"),
        ([Milestone("signing", percent=90)], 1000, "not_100"),
        ([Milestone("signing", amount=1000)], 0, "no_total"),
        ([Milestone("later", percent=100)], 1000, "unknown_trigger"),
        ([Milestone("signing", percent=100), Milestone("delivery")], 1000, "no_value"),
    ],
)
def test_invalid_milestones_have_no_amounts(lines, total, code):
    with pytest.raises(ValueError, match=code):
        amounts(lines, total)


def test_the_warranty_period_does_not_change_the_amounts():
    # problems() reports a retention without warranty; the money is the same either way.
    assert amounts(USUAL, 1000) == [300, 600, 100]


@pytest.mark.parametrize("rounding", [0, -0.01, float("nan"), None])
def test_rounding_must_be_positive(rounding):
    with pytest.raises(ValueError, match="rounding"):
        amounts(USUAL, 1000, rounding=rounding)


def test_advance_percent_counts_signing_lines_only():
    terms = [
        milestones.Milestone("signing", percent=20),
        milestones.Milestone("signing", amount=1000),
        milestones.Milestone("delivery", percent=70, days=30),
    ]
    assert milestones.advance_percent(terms, 10000) == pytest.approx(30)
    assert milestones.advance_percent(terms, 0) == pytest.approx(20)  # amounts need a total
    assert milestones.advance_percent([], 10000) == 0


def test_credit_days_is_the_longest_wait():
    terms = [
        milestones.Milestone("delivery", percent=50, days=30),
        milestones.Milestone("invoice", percent=50, days=90),
    ]
    assert milestones.credit_days(terms) == 90
    assert milestones.credit_days([]) == 0
