"""Sales targets (业绩目标): a target's period, its attainment and the ranking of peers."""

import calendar
import math
from datetime import date


def period(year, month=None):
    """(first day, last day) of a year, or of one month of it (month 1-12)."""
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
        raise ValueError(f"year must be an integer from 1900 to 9999, not {year!r}")
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ValueError(f"month must be an integer from 1 to 12 or None, not {month!r}")
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def attainment(actual, target):
    """Actual over target in percent, to two decimals; None when there is no target."""
    for name, value in (("actual", actual), ("target", target)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name} must be a number, not {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, not {value!r}")
    if target <= 0:
        return None
    return round(actual / target * 100, 2)


def ranking(scores):
    """{key: rank} for {key: score}, highest first; equal scores share a rank and the next
    rank counts them (1, 2, 2, 4). A score of None (no target) ranks after every number."""
    ordered = sorted(scores.items(), key=lambda item: (item[1] is None, -(item[1] or 0)))
    ranks, previous, rank = {}, object(), 0
    for position, (key, score) in enumerate(ordered, start=1):
        if score != previous:
            rank, previous = position, score
        ranks[key] = rank
    return ranks
