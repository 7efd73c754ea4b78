"""Public pool (公海池) rules that need no database: which holding limits apply, and
whether a claim breaks one."""

from dataclasses import dataclass


@dataclass(frozen=True)
class HoldingLimit:
    """At most ``max_customers`` held by one salesperson, of ``grade`` (None: any grade);
    ``user_id`` None makes it the default for everyone; won customers count only if
    ``include_won``."""

    max_customers: int
    grade: str | None = None
    user_id: int | None = None
    include_won: bool = True


def applicable_limits(limits, user_id):
    """The limits for this user: a limit set for the user replaces the general one for the
    same grade."""
    by_grade = {}
    for limit in limits:
        if limit.user_id not in (None, user_id):
            continue
        current = by_grade.get(limit.grade)
        if current is None or (current.user_id is None and limit.user_id == user_id):
            by_grade[limit.grade] = limit
    return sorted(by_grade.values(), key=lambda lim: lim.grade or "")


def counts_for(limit, customers):
    """How many of ``customers`` (pairs of grade and won flag) count against ``limit``."""
    return sum(
        1
        for grade, won in customers
        if (limit.grade is None or grade == limit.grade) and (limit.include_won or not won)
    )


def broken_limits(limits, user_id, held, claiming):
    """The limits a claim would break, with the total it would reach.

    ``held`` and ``claiming`` are lists of (grade, won) pairs: the customers the user holds
    now and those being claimed.
    """
    broken = []
    for limit in applicable_limits(limits, user_id):
        adding = counts_for(limit, claiming)
        total = counts_for(limit, held) + adding
        if adding and total > limit.max_customers:
            broken.append((limit, total))
    return broken
