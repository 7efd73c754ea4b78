"""Overdue receivables: an installment's status, its aging bucket, reminders and escalations."""

import math
from datetime import date, datetime

# Days overdue, both ends included; None = no upper end.
BUCKETS = ((1, 30), (31, 90), (91, 180), (181, None))
LABELS = ("1-30", "31-90", "91-180", "180+")

STATUSES = ("not_due", "due", "partly_collected", "overdue", "collected", "void")

# Money is kept to the currency's rounding step (`rounding`: 0.01 for CNY, 1.0 for JPY, 0.001
# for KWD): half a step either way is rounding noise, not money.
ROUNDING = 0.01


def _number(name, value):
    # bool is an int in Python, and NaN would pass every comparison unnoticed.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, not {value!r}")
    return value


def _half_step(rounding):
    # a positive finite number: _number refuses the rest, and 0 would make every cent money
    if _number("rounding", rounding) == 0:
        raise ValueError(f"rounding must be positive, not {rounding!r}")
    return rounding / 2


def _date(name, value, optional=False):
    # A datetime is a date too, but subtracting a date from one raises TypeError.
    if value is None and optional:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{name} must be a date, not {value!r}")
    return value


def _days(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, not {value!r}")
    return value


def status(amount, collected, due, today, void=False, rounding=ROUNDING):
    """The installment's status; the first that applies wins:

    1. "void" when voided, whatever was collected;
    2. "collected" when collected >= amount - half a step (so a zero amount is collected);
    3. "overdue" from the day after `due` - a partial collection does not hide it;
    4. "partly_collected" when at least half a step is collected, before or on the due day;
    5. "due" on the due day itself;
    6. "not_due" before it, or when `due` is None (the trigger has not happened yet).

    A step is the currency's `rounding` (0.01 for CNY, 1.0 for JPY).
    """
    half = _half_step(rounding)
    _number("amount", amount)
    _number("collected", collected)
    _date("due", due, optional=True)
    _date("today", today)
    if void:
        return "void"
    if collected >= amount - half:
        return "collected"
    if due is not None and today > due:
        return "overdue"
    if collected >= half:
        return "partly_collected"
    if due is not None and today == due:
        return "due"
    return "not_due"


def bucket(due, today):
    """The aging bucket label of an installment still open at `today`; None unless overdue."""
    _date("today", today)
    if _date("due", due, optional=True) is None:
        return None
    overdue = (today - due).days
    for (low, high), label in zip(BUCKETS, LABELS, strict=True):
        if low <= overdue and (high is None or overdue <= high):
            return label
    return None


def reminders(due, today, before_days):
    """True on the one day that is `before_days` days before `due` (0 = the due day)."""
    _days("before_days", before_days)
    _date("today", today)
    if _date("due", due, optional=True) is None:
        return False
    return (due - today).days == before_days


def escalate(due, today, after_days):
    """True once an open installment is overdue by at least `after_days` days.

    Overdue starts the day after `due`, so after_days 0 and 1 both escalate from that day.
    """
    _days("after_days", after_days)
    _date("today", today)
    if _date("due", due, optional=True) is None:
        return False
    return (today - due).days >= max(after_days, 1)
