"""Payment milestones (付款节点) of a contract: their checks, and each one's amount in money."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# On signing (the advance), on delivery, on acceptance, after the invoice, and the warranty
# retention (质保金) released at the end of the warranty period.
TRIGGERS = ("signing", "delivery", "acceptance", "invoice", "warranty_end")


def _number(name, value):
    # bool is an int in Python, and NaN would pass every comparison below unnoticed.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return value


@dataclass(frozen=True)
class Milestone:
    """A percent of the contract total or a fixed amount, due `days` after its trigger."""

    trigger: str
    percent: float = 0.0
    amount: float = 0.0
    days: int = 0

    def __post_init__(self):
        # Malformed values are the caller's bug, not the user's: they raise, problems() does not
        # report them.
        _number("percent", self.percent)
        _number("amount", self.amount)
        if isinstance(self.days, bool) or not isinstance(self.days, int):
            raise ValueError(f"days must be an integer, not {self.days!r}")


def problems(milestones, total, warranty_months):
    """Every problem of the milestones as (code, params): the lines' first, then the whole's."""
    milestones = list(milestones)
    _number("total", total)
    found = []
    for index, line in enumerate(milestones):
        if line.trigger not in TRIGGERS:
            found.append(("unknown_trigger", {"index": index, "trigger": line.trigger}))
        if line.percent and line.amount:
            found.append(("percent_and_amount", {"index": index}))
        elif not line.percent and not line.amount:
            found.append(("no_value", {"index": index}))
        if min(line.percent, line.amount, line.days) < 0:
            found.append(("negative", {"index": index}))
        if line.percent > 100:
            found.append(("percent_over_100", {"index": index}))
        if line.trigger == "warranty_end" and warranty_months <= 0:
            found.append(("retention_needs_warranty", {"index": index}))
    if not milestones:
        found.append(("empty", {}))
    elif total <= 0 and any(line.amount for line in milestones):
        # A fixed amount is no share of a missing total: "not 100 %" would be misleading.
        found.append(("no_total", {}))
    else:
        fixed = sum(line.amount for line in milestones)
        share = fixed / total * 100 if fixed else 0.0
        total_percent = round(sum(line.percent for line in milestones) + share, 2)
        if abs(total_percent - 100) > 0.005:
            found.append(("not_100", {"total_percent": total_percent}))
    return found


def _decimal(value):
    # str() gives the shortest decimal that reads back as the float: 0.1, not 0.1000000000000000055.
    return Decimal(str(value))


def amounts(milestones, total, rounding=0.01):
    """Each milestone's amount, rounded half-up to `rounding`; the last one takes the remainder.

    The amounts add up to `total` exactly in decimal (compare their float sum with a tolerance).
    Raises ValueError unless problems() finds nothing.
    """
    milestones = list(milestones)
    # The warranty period decides when the retention is paid, not how much: it is not checked.
    found = problems(milestones, total, warranty_months=0)
    codes = [code for code, _ in found if code != "retention_needs_warranty"]
    if codes:
        raise ValueError(f"invalid payment milestones: {', '.join(codes)}")
    if _number("rounding", rounding) <= 0:
        raise ValueError(f"rounding must be positive, not {rounding!r}")
    step, exact_total = _decimal(rounding), _decimal(total)
    money = []
    for line in milestones[:-1]:
        if line.percent:
            value = exact_total * _decimal(line.percent) / 100
        else:
            value = _decimal(line.amount)
        # Decimal's ROUND_HALF_UP rounds halves away from zero, as Odoo's float_round does.
        money.append((value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step)
    money.append(exact_total - sum(money))
    return [float(value) for value in money]


def advance_percent(milestones, total):
    """The share of the contract due on signing (the advance), in percent of ``total``."""
    return sum(
        m.percent or (m.amount / total * 100 if total else 0.0)
        for m in milestones
        if m.trigger == "signing"
    )


def credit_days(milestones):
    """The longest wait after any trigger, in days (the contract's credit period)."""
    return max((m.days for m in milestones), default=0)
