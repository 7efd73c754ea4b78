"""Automatic contract review (合同评审): typed rules over a snapshot of a contract."""

from dataclasses import dataclass, field

GRADES = ("A", "B", "C", "D")
OUTCOMES = ("approval", "block")

# Every parameter of every rule type with its default. A rule's params override them; a dict
# parameter (per grade, per contract type) is overridden row by row.
DEFAULTS = {
    "price_floor": {},
    "max_discount": {"max_percent": 10.0},
    "margin_floor": {"min_percent": 15.0},
    "credit": {"require_limit": False},
    "payment_terms": {"min_advance": {"A": 0, "B": 10, "C": 30, "D": 50}, "max_credit_days": 90},
    "lead_time": {},
    "warranty": {"max_months": 24},
    "documents": {
        "required": {
            "single": ("signed_original",),
            "framework": ("signed_original",),
            "supplementary": ("signed_original",),
        }
    },
}


def _below(value, limit):
    # A value exactly at its limit passes, also when float noise puts it a hair under
    # (100 × (1 − 34/100) is 65.99999999999999).
    return value < limit - 1e-9 * max(1.0, abs(limit))


@dataclass(frozen=True)
class Line:
    """A contract line; `discount` is its percent, so the effective unit price is after it."""

    product: str
    qty: float
    price_unit: float
    list_price: float = 0.0
    floor_price: float = 0.0  # 0: no floor
    cost: float = 0.0
    discount: float = 0.0
    lead_days: int = 0


@dataclass(frozen=True)
class Contract:
    """`amount` is in the contract's currency; the credit figures (credit_limit,
    open_receivables, credit_amount) are in the currency of the credit limit (the company's):
    credit_amount is the contract's amount converted to it, None when it is `amount` (one
    currency)."""

    amount: float
    lines: tuple = ()
    customer_grade: str | None = None
    credit_limit: float = 0.0  # 0: no limit set
    open_receivables: float = 0.0
    advance_percent: float = 0.0
    credit_days: int = 0
    lead_days: int = 0
    warranty_months: int = 0
    contract_type: str = "single"
    documents: frozenset = frozenset()  # document types archived: "signed_original", ...
    credit_amount: float | None = None

    def __post_init__(self):
        # Lists and sets are welcome; stored as tuple and frozenset the contract stays hashable.
        object.__setattr__(self, "lines", tuple(self.lines))
        object.__setattr__(self, "documents", frozenset(self.documents))
        if self.customer_grade is not None and self.customer_grade not in GRADES:
            raise ValueError(f"customer grade must be A-D or None, not {self.customer_grade!r}")


@dataclass(frozen=True)
class Rule:
    """A review rule; when it fails, the contract needs approval or is blocked (its outcome)."""

    id: int
    rule_type: str
    outcome: str = "approval"
    params: dict = field(default_factory=dict, hash=False)

    def __post_init__(self):
        # Checked here, so a misconfigured rule fails when loaded, not halfway through a review.
        if self.rule_type not in DEFAULTS:
            raise ValueError(f"unknown review rule type {self.rule_type!r}")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"a rule's outcome is 'approval' or 'block', not {self.outcome!r}")
        unknown = sorted(set(self.params) - set(DEFAULTS[self.rule_type]))
        if unknown:
            raise ValueError(f"unknown parameters of a {self.rule_type} rule: {', '.join(unknown)}")
        grades = set(self.settings().get("min_advance", ())) - set(GRADES)
        if grades:
            raise ValueError(f"min_advance is given per grade A-D, not for {sorted(grades)}")

    def settings(self):
        """The rule's params over the defaults of its type."""
        defaults = DEFAULTS[self.rule_type]
        merged = {**defaults, **self.params}
        for key, default in defaults.items():
            if isinstance(default, dict) and key in self.params:
                merged[key] = {**default, **self.params[key]}
        return merged


@dataclass(frozen=True)
class Result:
    """One rule's result: `code` names what failed and `details` carries the numbers."""

    rule_id: int
    passed: bool
    outcome: str  # "pass", else the rule's outcome
    code: str  # "" when passed
    details: dict = field(hash=False)


@dataclass(slots=True)
class _Totals:
    """What the rules need from the lines, gathered in one pass."""

    revenue: float = 0.0
    cost: float = 0.0
    below_floor: list = field(default_factory=list)
    worst_floor: float = 1.0  # lowest effective price / floor price
    listed: list = field(default_factory=list)  # (product, effective price, list price)
    needed_days: int = 0
    late: list = field(default_factory=list)  # products needing more than the contract's lead


def _totals(contract):
    totals = _Totals()
    for line in contract.lines:
        price = line.price_unit * (1 - line.discount / 100)
        totals.revenue += price * line.qty
        totals.cost += line.cost * line.qty
        if line.floor_price > 0 and _below(price, line.floor_price):
            totals.below_floor.append(line.product)
            totals.worst_floor = min(totals.worst_floor, price / line.floor_price)
        if line.list_price:
            totals.listed.append((line.product, price, line.list_price))
        if line.lead_days > contract.lead_days:
            totals.late.append(line.product)
            totals.needed_days = max(totals.needed_days, line.lead_days)
    return totals


# Each check returns None when the rule passes, else (code, details).


def _price_floor(contract, totals, settings):
    if totals.below_floor:
        worst = round(totals.worst_floor, 4)
        return "below_floor", {"lines": list(totals.below_floor), "worst": worst}


def _max_discount(contract, totals, settings):
    max_percent = settings["max_percent"]
    factor = 1 - max_percent / 100
    over = [
        (product, (1 - price / list_price) * 100)
        for product, price, list_price in totals.listed
        if _below(price, list_price * factor)
    ]
    if over:
        worst = round(max(percent for _, percent in over), 2)
        lines = [product for product, _ in over]
        return "discount_over", {"lines": lines, "max_percent": max_percent, "worst_percent": worst}


def _margin_floor(contract, totals, settings):
    # Without revenue there is no margin to judge (a credit note has negative revenue).
    if totals.revenue <= 0:
        return None
    margin = (totals.revenue - totals.cost) / totals.revenue * 100
    if _below(margin, settings["min_percent"]):
        return "margin_low", {
            "margin_percent": round(margin, 2),
            "min_percent": settings["min_percent"],
        }


def _credit(contract, totals, settings):
    amount = contract.amount if contract.credit_amount is None else contract.credit_amount
    exposure = contract.open_receivables + amount
    details = {"exposure": exposure, "limit": contract.credit_limit}
    if contract.credit_limit <= 0:
        return ("no_credit_limit", details) if settings["require_limit"] else None
    if _below(contract.credit_limit, exposure):
        return "over_credit", details


def _payment_terms(contract, totals, settings):
    grade = contract.customer_grade or "D"  # an ungraded customer gets the strictest terms
    min_percent = settings["min_advance"][grade]
    details = {}
    if _below(contract.advance_percent, min_percent):
        details.update(
            advance_percent=contract.advance_percent, min_percent=min_percent, grade=grade
        )
    if contract.credit_days > settings["max_credit_days"]:
        details.update(credit_days=contract.credit_days, max_days=settings["max_credit_days"])
    if details:
        # One result per rule: with both failing, the advance names it and the details tell all.
        return ("advance_low" if "grade" in details else "credit_days_over"), details


def _lead_time(contract, totals, settings):
    if totals.late:
        return "lead_time_short", {
            "lead_days": contract.lead_days,
            "needed_days": totals.needed_days,
            "lines": list(totals.late),
        }


def _warranty(contract, totals, settings):
    if contract.warranty_months > settings["max_months"]:
        return "warranty_long", {
            "warranty_months": contract.warranty_months,
            "max_months": settings["max_months"],
        }


def _documents(contract, totals, settings):
    # A contract type with no row in the table requires no document.
    required = settings["required"].get(contract.contract_type, ())
    missing = sorted(set(required) - contract.documents)
    if missing:
        return "documents_missing", {"missing": missing}


CHECKS = {
    "price_floor": _price_floor,
    "max_discount": _max_discount,
    "margin_floor": _margin_floor,
    "credit": _credit,
    "payment_terms": _payment_terms,
    "lead_time": _lead_time,
    "warranty": _warranty,
    "documents": _documents,
}


def evaluate(contract, rules):
    """One Result per rule, in the rules' order; the lines are read once for all of them."""
    totals = _totals(contract)
    results = []
    for rule in rules:
        failure = CHECKS[rule.rule_type](contract, totals, rule.settings())
        if failure is None:
            results.append(Result(rule.id, True, "pass", "", {}))
        else:
            results.append(Result(rule.id, False, rule.outcome, *failure))
    return results


def verdict(results):
    """The worst outcome of the results: "block", else "approval", else "pass"."""
    outcomes = {result.outcome for result in results}
    if "block" in outcomes:
        return "block"
    return "approval" if "approval" in outcomes else "pass"
