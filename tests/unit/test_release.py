from dataclasses import replace
from datetime import date

import pytest

from odoo.addons.wsv_fulfillment.lib import release
from odoo.addons.wsv_fulfillment.lib.release import Conditions, Position, check_quantity, failed

# 30 % advance required on a 1,000,000 contract, fully paid, within credit, nothing overdue.
STRICT = Conditions(min_advance_percent=30, check_credit=True, max_overdue_days=0)
GOOD = Position(
    contract_amount=1_000_000,
    advance_received=300_000,
    credit_limit=500_000,
    exposure=200_000,
    oldest_overdue_days=0,
)


def _position(**values):
    return replace(GOOD, **values)


def test_all_conditions_hold():
    assert failed(STRICT, GOOD) == []


def test_the_defaults_check_credit_and_allow_no_overdue():
    assert Conditions() == Conditions(0.0, True, 0)
    assert failed(Conditions(), _position(advance_received=0)) == []


def test_advance_short():
    assert failed(STRICT, _position(advance_received=150_000)) == [
        ("advance_short", {"received_percent": 15.0, "required_percent": 30})
    ]


@pytest.mark.parametrize(
    "contract,percent,received,short",
    [
        (111.11, 30, 33.33, False),  # 33.333 required rounds to 33.33
        (111.11, 30, 33.32, True),
        (100, 30, 29.995, False),  # rounds to 30.00
        (100, 30, 29.994, True),
        (100, 100, 100, False),
        (100, 100, 99.99, True),
        (100, 0, 0, False),
        (0, 30, 0, False),  # no contract amount, no advance to ask for
        (0.01, 30, 0, False),  # 0.003 required rounds to nothing
        (0.02, 30, 0, True),  # 0.006 rounds to a cent
    ],
)
def test_advance_is_compared_to_the_cent(contract, percent, received, short):
    position = _position(contract_amount=contract, advance_received=received)
    codes = [code for code, _ in failed(Conditions(min_advance_percent=percent), position)]
    assert codes == (["advance_short"] if short else [])


def test_received_percent_is_rounded_half_up():
    position = _position(contract_amount=300, advance_received=100)
    assert failed(Conditions(min_advance_percent=50), position)[0][1] == {
        "received_percent": 33.33,
        "required_percent": 50,
    }
    position = _position(contract_amount=0.02, advance_received=0)
    assert failed(Conditions(min_advance_percent=30), position)[0][1]["received_percent"] == 0.0


@pytest.mark.parametrize(
    "check_credit,limit,exposure,over",
    [
        (True, 500_000, 500_000, False),  # at the limit is fine
        (True, 500_000, 500_000.004, False),
        (True, 500_000, 500_000.01, True),
        (True, 0, 10_000_000, False),  # no limit set
        (False, 500_000, 10_000_000, False),  # credit not checked
        (True, 0.01, 0, False),
    ],
)
def test_over_credit(check_credit, limit, exposure, over):
    conditions = Conditions(check_credit=check_credit)
    result = failed(conditions, _position(credit_limit=limit, exposure=exposure))
    assert result == ([("over_credit", {"exposure": exposure, "limit": limit})] if over else [])


@pytest.mark.parametrize(
    "allowed,days,over",
    [
        (0, 0, False),
        (0, 1, True),
        (30, 30, False),
        (30, 31, True),
        (None, 10_000, False),  # overdue does not matter
    ],
)
def test_overdue(allowed, days, over):
    result = failed(Conditions(max_overdue_days=allowed), _position(oldest_overdue_days=days))
    assert result == ([("overdue", {"days": days, "allowed": allowed})] if over else [])


def test_every_failure_is_reported_in_a_fixed_order():
    position = _position(advance_received=0, exposure=600_000, oldest_overdue_days=45)
    assert failed(STRICT, position) == [
        ("advance_short", {"received_percent": 0.0, "required_percent": 30}),
        ("over_credit", {"exposure": 600_000, "limit": 500_000}),
        ("overdue", {"days": 45, "allowed": 0}),
    ]


@pytest.mark.parametrize(
    "values",
    [
        {"min_advance_percent": -1},
        {"min_advance_percent": 100.01},
        {"min_advance_percent": float("nan")},
        {"min_advance_percent": "30"},
        {"min_advance_percent": None},
        {"check_credit": 1},
        {"check_credit": None},
        {"max_overdue_days": -1},
        {"max_overdue_days": 1.5},
        {"max_overdue_days": False},
    ],
)
def test_malformed_conditions_raise(values):
    with pytest.raises(ValueError):
        Conditions(**values)


@pytest.mark.parametrize(
    "values",
    [
        {"contract_amount": -1},
        {"advance_received": -0.01},
        {"credit_limit": float("inf")},
        {"exposure": float("nan")},
        {"exposure": "1"},
        {"contract_amount": None},
        {"oldest_overdue_days": -1},
        {"oldest_overdue_days": 1.0},
        {"oldest_overdue_days": None},
        {"oldest_overdue_days": True},
    ],
)
def test_malformed_positions_raise(values):
    with pytest.raises(ValueError):
        _position(**values)


def test_conditions_and_positions_are_frozen():
    with pytest.raises(AttributeError):
        STRICT.check_credit = False
    with pytest.raises(AttributeError):
        GOOD.exposure = 0


# check_quantity ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ordered,delivered,requested",
    [
        (100, 0, 100),
        (100, 40, 60),
        (100, 0, 1),
        (0.3, 0.1, 0.2),  # 0.30000000000000004 in floats
        (1_000_000, 999_999.5, 0.5),
        (100, 40, 60 + 1e-10),
    ],
)
def test_quantities_within_the_contract(ordered, delivered, requested):
    assert check_quantity(ordered, delivered, requested) is None


@pytest.mark.parametrize(
    "ordered,delivered,requested",
    [
        (100, 40, 60.001),
        (100, 100, 1),
        (100, 0, 101),
        (0, 0, 1),
        (100, 40, 60 + 1e-8),
    ],
)
def test_quantities_over_the_contract(ordered, delivered, requested):
    with pytest.raises(ValueError, match="^over_contract$"):
        check_quantity(ordered, delivered, requested)


@pytest.mark.parametrize("requested", [0, 0.0, -1, -0.001])
def test_requested_quantity_must_be_positive(requested):
    # Even past the contract: "not positive" is the first thing to fix.
    with pytest.raises(ValueError, match="^not_positive$"):
        check_quantity(100, 200, requested)


@pytest.mark.parametrize(
    "args",
    [
        (-1, 0, 1),
        (100, -1, 1),
        (None, 0, 1),
        (100, 0, "1"),
        (100, 0, float("nan")),
        (float("inf"), 0, 1),
        (100, True, 1),
    ],
)
def test_malformed_quantities_raise(args):
    with pytest.raises(ValueError, match="must"):
        check_quantity(*args)


def test_owed_counts_unpaid_and_the_oldest_overdue():
    today = date(2026, 6, 30)
    items = [
        (100.0, 100.0, date(2026, 1, 1)),  # paid: neither owed nor overdue
        (100.0, 40.0, date(2026, 6, 20)),  # 60 unpaid, 10 days overdue
        (50.0, 0.0, date(2026, 7, 10)),  # not yet due: owed, not overdue
        (10.0, 9.996, date(2026, 1, 1)),  # less than half a cent: paid
    ]
    assert release.owed(items, today) == (110.0, 10)


def test_owed_of_nothing():
    assert release.owed([], date(2026, 6, 30)) == (0.0, 0)


def test_owed_refuses_bad_amounts():
    with pytest.raises(ValueError):
        release.owed([(float("nan"), 0.0, date(2026, 1, 1))], date(2026, 6, 30))


# other currencies' rounding steps -------------------------------------------------------------


def test_owed_in_whole_yen():
    today = date(2026, 6, 30)
    items = [
        (1000.0, 999.6, date(2026, 1, 1)),  # 0.4 yen open: paid
        (1000.0, 400.0, date(2026, 6, 20)),  # 600 unpaid, 10 days overdue
    ]
    assert release.owed(items, today, rounding=1.0) == (600.0, 10)
    # in cents the 0.4 is money, and overdue since January
    assert release.owed(items, today) == (600.4, 180)


def test_owed_in_fils():
    today = date(2026, 6, 30)
    items = [(10.0, 9.9996, date(2026, 1, 1)), (1.2345, 0.0, date(2026, 6, 29))]
    assert release.owed(items, today, rounding=0.001) == (1.235, 1)


def test_advance_is_compared_in_the_contract_currency_steps():
    # 30 % of 1,111 yen is 333.3, which rounds to 333 yen: 333 received is enough
    conditions = Conditions(min_advance_percent=30, check_credit=False)
    position = _position(contract_amount=1111, advance_received=333)
    assert failed(conditions, position, rounding=1.0) == []
    assert failed(conditions, position)[0][0] == "advance_short"  # 333.30 in cents


def test_credit_is_compared_in_the_credit_currency_steps():
    position = _position(credit_limit=500_000, exposure=500_000.4)
    assert failed(STRICT, position, rounding=0.01, credit_rounding=1.0) == []
    assert failed(STRICT, position, rounding=1.0) == []  # credit_rounding None: the same
    assert failed(STRICT, position)[0][0] == "over_credit"
    over = _position(credit_limit=500_000, exposure=500_000.6)
    assert failed(STRICT, over, credit_rounding=1.0)[0][0] == "over_credit"


@pytest.mark.parametrize("rounding", [0, -0.01, float("nan"), float("inf"), "0.01", None, True])
def test_malformed_rounding_raises(rounding):
    with pytest.raises(ValueError, match="rounding must"):
        failed(STRICT, GOOD, rounding=rounding)
    if rounding is not None:  # None is "the same as rounding" there
        with pytest.raises(ValueError, match="rounding must"):
            failed(STRICT, GOOD, credit_rounding=rounding)
    with pytest.raises(ValueError, match="rounding must"):
        release.owed([], date(2026, 6, 30), rounding=rounding)
