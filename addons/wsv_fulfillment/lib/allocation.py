"""Collections (回款) allocated to the open installments of a schedule."""

import math
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# Money is kept to the cent: half a cent over the open amount is rounding noise.
HALF_CENT = 0.005


def _number(name, value):
    # bool is an int in Python, and NaN would pass every comparison unnoticed.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return value


def _cents(value):
    # str() gives the shortest decimal that reads back as the float: 0.1, not 0.1000000000000000055.
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(amount, open_amounts):
    """Spread a payment over installments in the given order (oldest first), each up to its
    open amount; returns one amount per installment, to the cent, adding up to the payment.

    Raises ValueError("not_positive") for a payment under a cent, ValueError("over_open")
    when it is more than all the open amounts together.
    """
    left = _cents(_number("amount", amount))
    opens = []
    for value in open_amounts:
        if _number("open amount", value) < 0:
            raise ValueError(f"open amount must not be negative, not {value!r}")
        opens.append(_cents(value))
    if left <= 0:
        raise ValueError("not_positive")
    if left > sum(opens):
        raise ValueError("over_open")
    shares = []
    for open_amount in opens:
        share = min(left, open_amount)
        shares.append(float(share))
        left -= share
    return shares


def check_allocation(amount, open_amount):
    """Raise ValueError("not_positive") for amount <= 0, ValueError("over_open") when amount is
    more than open_amount (beyond half a cent)."""
    _number("open amount", open_amount)
    if _number("amount", amount) <= 0:
        raise ValueError("not_positive")
    if amount > open_amount + HALF_CENT:
        raise ValueError("over_open")
