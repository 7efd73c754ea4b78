"""Receivable schedule (回款计划): a contract's payment milestones as dated installments."""

import math
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

# The triggers of wsv_contract.lib.milestones, repeated because rule modules import no Odoo
# (a unit test keeps the two equal).
TRIGGERS = ("signing", "delivery", "acceptance", "invoice", "warranty_end")

# Money is kept to the currency's rounding step (`rounding`: 0.01 for CNY, 1.0 for JPY, 0.001
# for KWD).
ROUNDING = 0.01
# Delivered fractions come from float quantities: 1/3 three times is 0.9999999999999999.
FRACTION_TOLERANCE = Decimal("1e-9")


def _number(name, value):
    # bool is an int in Python, and NaN would pass every comparison unnoticed.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return value


def _date(name, value):
    # A datetime is a date too, but comparing one with a date raises TypeError later on.
    if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
        raise ValueError(f"{name} must be a date or None, not {value!r}")
    return value


def _step(rounding):
    if _number("rounding", rounding) <= 0:
        raise ValueError(f"rounding must be positive, not {rounding!r}")
    return Decimal(str(rounding))


def _round(value, step):
    # str() gives the shortest decimal that reads back as the float: 0.1, not 0.1000000000000000055.
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    # Decimal's ROUND_HALF_UP rounds halves away from zero, as Odoo's float_round does.
    return (exact / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


@dataclass(frozen=True)
class Term:
    """One milestone's money, due `days` after its trigger; `key` is its stable id ("m12")."""

    key: str
    trigger: str
    amount: float
    days: int = 0

    def __post_init__(self):
        # "/" separates a delivery term's key from the delivery number: "m1/2" must stay unique.
        if not isinstance(self.key, str) or not self.key or "/" in self.key:
            raise ValueError(f"key must be a non-empty string without '/', not {self.key!r}")
        if self.trigger not in TRIGGERS:
            raise ValueError(f"unknown trigger {self.trigger!r}")
        if _number("amount", self.amount) < 0:
            raise ValueError(f"amount must not be negative, not {self.amount!r}")
        if isinstance(self.days, bool) or not isinstance(self.days, int) or self.days < 0:
            raise ValueError(f"days must be a non-negative integer, not {self.days!r}")


@dataclass(frozen=True)
class Events:
    """What has happened on the contract so far.

    deliveries: (date, fraction) pairs in a stable order (e.g. by date, then id), each fraction
    the share of the contract delivered, in (0, 1], together at most 1.
    invoices: (date, amount) pairs.
    """

    signing: date | None = None
    deliveries: tuple = ()
    acceptance: date | None = None
    invoices: tuple = ()
    warranty_end: date | None = None

    def __post_init__(self):
        for name in ("signing", "acceptance", "warranty_end"):
            _date(name, getattr(self, name))
        # Lists are accepted but stored as tuples, so that Events stays hashable.
        deliveries = _pairs("deliveries", self.deliveries)
        invoices = _pairs("invoices", self.invoices)
        for day, fraction in deliveries:
            if _date("delivery date", day) is None or not 0 < _number("fraction", fraction) <= 1:
                raise ValueError(f"malformed delivery {(day, fraction)!r}")
        if sum(Decimal(str(fraction)) for _, fraction in deliveries) > 1 + FRACTION_TOLERANCE:
            raise ValueError("the deliveries add up to more than the whole contract")
        for day, amount in invoices:
            if _date("invoice date", day) is None:
                raise ValueError(f"malformed invoice {(day, amount)!r}")
            _number("invoice amount", amount)
        object.__setattr__(self, "deliveries", deliveries)
        object.__setattr__(self, "invoices", invoices)


def _pairs(name, values):
    try:
        pairs = tuple(tuple(pair) for pair in values)
    except TypeError:
        raise ValueError(f"{name} must be (date, number) pairs, not {values!r}") from None
    if any(len(pair) != 2 for pair in pairs):
        raise ValueError(f"{name} must be (date, number) pairs, not {values!r}")
    return pairs


@dataclass(frozen=True)
class Installment:
    """One receivable of the schedule; due None means its trigger has not happened yet."""

    key: str
    trigger: str
    amount: float
    due: date | None

    def __post_init__(self):
        if not isinstance(self.key, str) or not self.key:
            raise ValueError(f"key must be a non-empty string, not {self.key!r}")
        if _number("amount", self.amount) < 0:
            raise ValueError(f"amount must not be negative, not {self.amount!r}")
        _date("due", self.due)


def _after(day, days):
    return None if day is None else day + timedelta(days=days)


def _start(trigger, events):
    # When the clock of a single-installment term starts, None while its trigger is pending.
    if trigger == "invoice":
        return min((day for day, _ in events.invoices), default=None)
    return getattr(events, trigger)


def _per_delivery(term, deliveries, step):
    """One installment per delivery, and one not yet due for what is still undelivered."""
    total = _round(term.amount, step)
    fractions = [Decimal(str(fraction)) for _, fraction in deliveries]
    dues = [_after(day, term.days) for day, _ in deliveries]
    if 1 - sum(fractions) > FRACTION_TOLERANCE:
        # The undelivered rest needs no fraction: as the last piece it takes what is left.
        fractions.append(None)
        dues.append(None)
    pieces = []
    for fraction in fractions[:-1]:
        # Every piece rounds half-up; the cap keeps tiny totals (3 × 0.005 of 0.02) from
        # leaving the last piece negative.
        pieces.append(min(_round(total * fraction, step), total - sum(pieces)))
    pieces.append(total - sum(pieces))
    return [
        Installment(f"{term.key}/{number}", term.trigger, float(piece), due)
        for number, (piece, due) in enumerate(zip(pieces, dues, strict=True), start=1)
    ]


def build(terms, events, rounding=ROUNDING):
    """The installments of `terms` given `events`, in term order.

    Delivery terms give "<key>/<n>" for the n-th delivery (the undelivered rest takes the next
    n, so it keeps its key when delivered in one go); every other term gives one "<key>".
    Amounts are rounded half-up to the currency's `rounding` step (0.01 for CNY, 1.0 for JPY),
    and one term's pieces add up to its amount (so rounded) exactly, the last piece taking the
    remainder.
    """
    step = _step(rounding)
    terms = list(terms)
    keys = [term.key for term in terms]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate term keys in {keys!r}")
    schedule = []
    for term in terms:
        if term.trigger == "delivery":
            schedule.extend(_per_delivery(term, events.deliveries, step))
        else:
            due = _after(_start(term.trigger, events), term.days)
            amount = float(_round(term.amount, step))
            schedule.append(Installment(term.key, term.trigger, amount, due))
    return schedule


def _by_key(name, installments):
    found = {}
    for item in installments:
        if item.key in found:
            raise ValueError(f"duplicate key {item.key!r} in the {name} installments")
        found[item.key] = item
    return found


def merge(old, new, collected, rounding=ROUNDING):
    """Regenerate a schedule without losing collections: (installments to keep, keys to void).

    The installments to keep are every new one, then each old one whose key is gone but that
    has collections, its amount cut to what was collected (money received is never dropped,
    and what the new schedule owes is not counted twice). Old ones whose key is gone and that
    have none are voided. `collected` maps old keys to the amount collected on them. Amounts
    are compared rounded to the currency's `rounding` step.
    Raises ValueError("below_collected", key) when a new amount is below what was collected.
    """
    step = _step(rounding)
    old, new = _by_key("old", old), _by_key("new", new)
    paid = {}
    for key, amount in collected.items():
        if key not in old:
            raise ValueError(f"collections on {key!r}, which is no old installment")
        if _number("collected", amount) < 0:
            raise ValueError(f"collected on {key!r} must not be negative, not {amount!r}")
        paid[key] = _round(amount, step)
    for key, item in new.items():
        if _round(item.amount, step) < paid.get(key, 0):
            raise ValueError("below_collected", key)
    keep, void = list(new.values()), []
    for key, item in old.items():
        if key in new:
            continue
        if paid.get(key, 0) > 0:
            keep.append(replace(item, amount=float(paid[key])))
        else:
            void.append(key)
    return keep, void


def delivery_shares(values, total):
    """Each delivery's share of a contract of `total`, from the deliveries' values in the order
    they were recorded: value / total, the running sum capped at the whole (rounding or
    discount lines could pass it), negative values counting as nothing; 0 for a delivery that
    adds nothing (the caller leaves it out of Events)."""
    if _number("total", total) <= 0:
        return [0.0 for _ in values]
    shares, before = [], Decimal(0)
    whole = Decimal(str(total))
    for value in values:
        after = min(before + max(Decimal(str(_number("value", value))), Decimal(0)) / whole, 1)
        shares.append(float(after - before))
        before = after
    return shares
