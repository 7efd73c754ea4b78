"""Delivery release (发货放行): the commercial conditions a delivery request must meet."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Money is kept to the currency's rounding step (`rounding`: 0.01 for CNY, 1.0 for JPY, 0.001
# for KWD); percentages to a hundredth of a percent.
ROUNDING = 0.01
PERCENT_STEP = Decimal("0.01")
# Quantities are floats (meters, kilograms): 0.1 + 0.2 must not exceed 0.3.
QUANTITY_TOLERANCE = 1e-9


def _number(name, value):
    # bool is an int in Python, and NaN would pass every comparison unnoticed.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return value


def _not_negative(name, value):
    if _number(name, value) < 0:
        raise ValueError(f"{name} must not be negative, not {value!r}")
    return value


def _days(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, not {value!r}")
    return value


def _decimal(value):
    # str() gives the shortest decimal that reads back as the float: 0.1, not 0.1000000000000000055.
    return Decimal(str(value))


def _step(name, rounding):
    if _number(name, rounding) <= 0:
        raise ValueError(f"{name} must be positive, not {rounding!r}")
    return _decimal(rounding)


def _round(value, step):
    # Decimal's ROUND_HALF_UP rounds halves away from zero, as Odoo's float_round does.
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


@dataclass(frozen=True)
class Conditions:
    """The contract's release conditions; max_overdue_days None = overdue does not matter."""

    min_advance_percent: float = 0.0
    check_credit: bool = True
    max_overdue_days: int | None = 0

    def __post_init__(self):
        if not 0 <= _number("min_advance_percent", self.min_advance_percent) <= 100:
            raise ValueError(
                f"min_advance_percent must be 0 to 100, not {self.min_advance_percent}"
            )
        if not isinstance(self.check_credit, bool):
            raise ValueError(f"check_credit must be a bool, not {self.check_credit!r}")
        if self.max_overdue_days is not None:
            _days("max_overdue_days", self.max_overdue_days)


@dataclass(frozen=True)
class Position:
    """The contract's and customer's money: exposure = the customer's open receivables,
    oldest_overdue_days = 0 when nothing is overdue, credit_limit = 0 when there is none."""

    contract_amount: float
    advance_received: float
    credit_limit: float
    exposure: float
    oldest_overdue_days: int

    def __post_init__(self):
        for name in ("contract_amount", "advance_received", "credit_limit", "exposure"):
            _not_negative(name, getattr(self, name))
        _days("oldest_overdue_days", self.oldest_overdue_days)


def failed(conditions, position, rounding=ROUNDING, credit_rounding=None):
    """Every failing condition as (code, details), in a fixed order; [] = release allowed.

    `rounding` is the rounding step of the contract's currency (contract amount and advance),
    `credit_rounding` that of the currency of the exposure and credit limit (None: the same).
    """
    step = _step("rounding", rounding)
    credit_step = step if credit_rounding is None else _step("credit_rounding", credit_rounding)
    found = []
    contract, received = _decimal(position.contract_amount), _decimal(position.advance_received)
    # Compared in the currency's steps: 33.33 received is enough for 30 % of 111.11 (33.333).
    required = _round(contract * _decimal(conditions.min_advance_percent) / 100, step)
    if _round(received, step) < required:
        # Falling short needs a required amount > 0, hence a contract amount to divide by.
        received_percent = float(_round(received * 100 / contract, PERCENT_STEP))
        required_percent = conditions.min_advance_percent
        details = {"received_percent": received_percent, "required_percent": required_percent}
        found.append(("advance_short", details))
    exposure, limit = position.exposure, position.credit_limit
    # A credit limit of 0 means the customer has none set, not that no credit is allowed.
    if (
        conditions.check_credit
        and limit > 0
        and _round(_decimal(exposure), credit_step) > _round(_decimal(limit), credit_step)
    ):
        found.append(("over_credit", {"exposure": exposure, "limit": limit}))
    allowed = conditions.max_overdue_days
    if allowed is not None and position.oldest_overdue_days > allowed:
        found.append(("overdue", {"days": position.oldest_overdue_days, "allowed": allowed}))
    return found


def check_quantity(ordered, delivered, requested):
    """Raise ValueError("not_positive") for a requested quantity <= 0, ValueError("over_contract")
    when it would deliver more than ordered."""
    _not_negative("ordered", ordered)
    _not_negative("delivered", delivered)
    if _number("requested", requested) <= 0:
        raise ValueError("not_positive")
    if delivered + requested > ordered + QUANTITY_TOLERANCE:
        raise ValueError("over_contract")


def owed(installments, today, rounding=ROUNDING):
    """(exposure, oldest overdue days) of a customer from its installments whose trigger has
    happened, as (amount, booked, due date) triples in one currency of rounding step
    `rounding`: exposure is what is unpaid of them, and an unpaid one is overdue from the day
    after its due date. Half a step is no money."""
    step = _step("rounding", rounding)
    exposure, oldest = Decimal(0), 0
    for amount, booked, due in installments:
        unpaid = _decimal(_number("amount", amount)) - _decimal(_number("booked", booked))
        if unpaid >= step / 2:
            exposure += unpaid
            oldest = max(oldest, (today - due).days)
    return float(_round(exposure, step)), oldest
