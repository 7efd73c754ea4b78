"""Customer grade (客户等级) A-D from the metrics of the last period and configurable rules."""

from dataclasses import dataclass

GRADES = ("A", "B", "C", "D")


def _check_grade(grade):
    if grade not in GRADES:
        raise ValueError(f"grade must be one of {', '.join(GRADES)}, not {grade!r}")


@dataclass(frozen=True)
class Metrics:
    contract_amount: float = 0.0
    collected_amount: float = 0.0
    open_opportunities: int = 0
    employees: int = 0


@dataclass(frozen=True)
class GradeRule:
    """A grade and its minimums; a customer must reach all of them (zeros always match)."""

    grade: str
    min_contract_amount: float = 0.0
    min_collected_amount: float = 0.0
    min_open_opportunities: int = 0
    min_employees: int = 0

    def __post_init__(self):
        _check_grade(self.grade)

    def matches(self, metrics):
        return (
            metrics.contract_amount >= self.min_contract_amount
            and metrics.collected_amount >= self.min_collected_amount
            and metrics.open_opportunities >= self.min_open_opportunities
            and metrics.employees >= self.min_employees
        )


def grade_for(metrics, rules, default="D"):
    """The best grade whose rule the metrics meet, else `default`."""
    _check_grade(default)
    # Best grade first, so a customer meeting both the A and the B rule is an A.
    for rule in sorted(rules, key=lambda rule: rule.grade):
        if rule.matches(metrics):
            return rule.grade
    return default
