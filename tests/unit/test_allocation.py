import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from odoo.addons.wsv_fulfillment.lib.allocation import allocate, check_allocation


@pytest.mark.parametrize(
    "amount,opens,expected",
    [
        (100, [100], [100.0]),
        (100, [60, 60], [60.0, 40.0]),
        (150, [100, 30, 20], [100.0, 30.0, 20.0]),
        (50, [100, 30, 20], [50.0, 0.0, 0.0]),
        (30, [0, 20, 20], [0.0, 20.0, 10.0]),  # a settled installment takes nothing
        (0.3, [0.1, 0.2], [0.1, 0.2]),  # 0.1 + 0.2 is no problem in cents
        (0.01, [0.01, 5], [0.01, 0.0]),
        (100.004, [100], [100.0]),  # rounded to the cent first
        (33.335, [33.33, 33.33, 33.34], [33.33, 0.01, 0.0]),
    ],
)
def test_allocate_oldest_first(amount, opens, expected):
    assert allocate(amount, opens) == expected


def test_allocate_returns_cents_adding_up_to_the_payment():
    rng = random.Random(18)
    for _ in range(2000):
        opens = [round(rng.uniform(0, 10_000), 2) for _ in range(rng.randint(1, 8))]
        total = sum(Decimal(str(value)) for value in opens)
        if total == 0:
            continue
        amount = round(rng.uniform(0.01, float(total)), 2)
        shares = allocate(amount, opens)
        assert sum(Decimal(str(share)) for share in shares) == Decimal(str(amount))
        assert all(0 <= share <= value for share, value in zip(shares, opens, strict=True))
        # Oldest first: only the last installment touched may stay partly open.
        touched = [i for i, share in enumerate(shares) if share]
        assert all(shares[i] == opens[i] for i in touched[:-1])


def test_allocate_accepts_any_iterable():
    assert allocate(10, (x for x in (4, 8))) == [4.0, 6.0]


@pytest.mark.parametrize(
    "amount,opens",
    [(100.01, [100]), (1, []), (1, [0, 0]), (200, [60, 60, 60]), (100.005, [100])],
)
def test_allocate_over_the_open_amount(amount, opens):
    with pytest.raises(ValueError, match="^over_open$"):
        allocate(amount, opens)


@pytest.mark.parametrize("amount", [0, -1, 0.004, -0.01])
def test_allocate_needs_a_positive_amount(amount):
    with pytest.raises(ValueError, match="^not_positive$"):
        allocate(amount, [100])


@pytest.mark.parametrize(
    "amount,opens",
    [
        ("100", [100]),
        (float("nan"), [100]),
        (None, [100]),
        (True, [100]),
        (10, [-1, 100]),
        (10, ["100"]),
        (10, [float("inf")]),
    ],
)
def test_malformed_allocations_raise(amount, opens):
    with pytest.raises(ValueError, match="must"):
        allocate(amount, opens)


@pytest.mark.parametrize(
    "amount,open_amount",
    [(100, 100), (0.01, 100), (100.005, 100), (0.3, 0.1 + 0.2), (0.1 + 0.2, 0.3)],
)
def test_check_allocation_allows(amount, open_amount):
    assert check_allocation(amount, open_amount) is None


@pytest.mark.parametrize("amount,open_amount", [(100.01, 100), (0.01, 0), (1, -5)])
def test_check_allocation_over_open(amount, open_amount):
    with pytest.raises(ValueError, match="^over_open$"):
        check_allocation(amount, open_amount)


@pytest.mark.parametrize("amount", [0, 0.0, -0.01, -100])
def test_check_allocation_not_positive(amount):
    with pytest.raises(ValueError, match="^not_positive$"):
        check_allocation(amount, 100)


@pytest.mark.parametrize(
    "amount,open_amount", [("1", 100), (1, "100"), (float("nan"), 100), (1, None), (True, 1)]
)
def test_malformed_check_allocation_raises(amount, open_amount):
    with pytest.raises(ValueError, match="must"):
        check_allocation(amount, open_amount)


# other currencies' rounding steps -------------------------------------------------------------


@pytest.mark.parametrize(
    "amount,opens,rounding,expected",
    [
        (100, [30, 30, 50], 1.0, [30.0, 30.0, 40.0]),  # JPY: whole yen
        (100.4, [60, 60], 1.0, [60.0, 40.0]),  # rounded to the yen first
        (99.5, [60, 60], 1.0, [60.0, 40.0]),  # half a yen rounds up
        (1.2345, [1.0005, 0.5], 0.001, [1.001, 0.234]),  # KWD: to the fils
        (0.001, [0.001, 5], 0.001, [0.001, 0.0]),
    ],
)
def test_allocate_in_the_currency_steps(amount, opens, rounding, expected):
    shares = allocate(amount, opens, rounding=rounding)
    assert shares == expected
    # they add up to the payment rounded to the step
    step = Decimal(str(rounding))
    paid = (Decimal(str(amount)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    assert sum(Decimal(str(share)) for share in shares) == paid


def test_allocate_below_half_a_step_is_nothing():
    with pytest.raises(ValueError, match="^not_positive$"):
        allocate(0.4, [100], rounding=1.0)
    assert allocate(0.4, [100]) == [0.4]  # but 40 cents where the step is a cent
    with pytest.raises(ValueError, match="^not_positive$"):
        allocate(0.0004, [1], rounding=0.001)


def test_allocate_over_the_open_amount_in_the_currency_steps():
    assert allocate(100.4, [100], rounding=1.0) == [100.0]
    with pytest.raises(ValueError, match="^over_open$"):
        allocate(100.5, [100], rounding=1.0)
    with pytest.raises(ValueError, match="^over_open$"):
        allocate(100.4, [100])


def test_check_allocation_tolerates_half_the_currency_step():
    assert check_allocation(100.4, 100, rounding=1.0) is None
    with pytest.raises(ValueError, match="^over_open$"):
        check_allocation(100.6, 100, rounding=1.0)
    assert check_allocation(100.0005, 100, rounding=0.001) is None
    with pytest.raises(ValueError, match="^over_open$"):
        check_allocation(100.004, 100, rounding=0.001)
    with pytest.raises(ValueError, match="^over_open$"):
        check_allocation(100.4, 100)  # the default is the cent


@pytest.mark.parametrize("rounding", [0, -0.01, float("nan"), float("inf"), "0.01", None, True])
def test_malformed_rounding_raises(rounding):
    with pytest.raises(ValueError, match="rounding must"):
        allocate(10, [10], rounding=rounding)
    with pytest.raises(ValueError, match="rounding must"):
        check_allocation(10, 10, rounding=rounding)
