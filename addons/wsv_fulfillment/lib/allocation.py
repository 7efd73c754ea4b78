"""Collections (回款) allocated to the open installments of a schedule."""

import math
from decimal import ROUND_HALF_UP, Decimal

# Money is kept to the currency's rounding step (`rounding`: 0.01 for CNY, 1.0 for JPY, 0.001
# for KWD): half a step over the open amount is rounding noise.
ROUNDING = 0.01


def _number(name, value):
    # bool is an int in Python, and NaN would pass every comparison unnoticed.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return value


def _step(rounding):
    if _number("rounding", rounding) <= 0:
        raise ValueError(f"rounding must be positive, not {rounding!r}")
    # str() gives the shortest decimal that reads back as the float: 0.1, not 0.1000000000000000055.
    return Decimal(str(rounding))


def _round(value, step):
    # Decimal's ROUND_HALF_UP rounds halves away from zero, as Odoo's float_round does.
    return (Decimal(str(value)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def allocate(amount, open_amounts, rounding=ROUNDING):
    """Spread a payment over installments in the given order (oldest first), each up to its
    open amount; returns one amount per installment, to the currency's `rounding` step,
    adding up to the payment.

    Raises ValueError("not_positive") for a payment under half a step, ValueError("over_open")
    when it is more than all the open amounts together.
    """
    step = _step(rounding)
    left = _round(_number("amount", amount), step)
    opens = []
    for value in open_amounts:
        if _number("open amount", value) < 0:
            raise ValueError(f"open amount must not be negative, not {value!r}")
        opens.append(_round(value, step))
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


def check_allocation(amount, open_amount, rounding=ROUNDING):
    """Raise ValueError("not_positive") for amount <= 0, ValueError("over_open") when amount is
    more than open_amount (beyond half the currency's `rounding` step)."""
    half = _step(rounding) / 2
    _number("open amount", open_amount)
    if _number("amount", amount) <= 0:
        raise ValueError("not_positive")
    if amount > open_amount + float(half):
        raise ValueError("over_open")
