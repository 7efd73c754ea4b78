"""Customer health (客户健康度): a 0-100 score from the account team's ratings, and its badge."""

# Per cent of the score; the five add up to 100.
WEIGHTS = {"relationship": 25, "reach": 20, "payment": 25, "willingness": 15, "risk": 15}
# Risk rated on the same 0-5 scale as the others. Unknown risk is neither good nor bad.
RISK_RATING = {"low": 5, "medium": 3, "high": 0, None: 2.5}
MAX_RATING = 5

GOOD, WATCH = 70, 40  # lowest scores of the "good" and "watch" badges

ROLES = ("decision_maker", "technical", "procurement", "finance", "user")
INFLUENCES = ("high", "medium", "low")


def _rating(dimension, value):
    # bool is an int in Python; True must not pass for a rating of 1.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RATING:
        raise ValueError(f"{dimension} must be an integer from 0 to {MAX_RATING}, not {value!r}")
    return value


def score(relationship, reach, payment, willingness, risk):
    """The weighted health score, 0-100. Ratings are 0-5, 0 meaning unknown (it scores 0)."""
    if risk not in RISK_RATING:
        raise ValueError(f"risk must be 'low', 'medium', 'high' or None, not {risk!r}")
    ratings = {
        "relationship": _rating("relationship", relationship),
        "reach": _rating("reach", reach),
        "payment": _rating("payment", payment),
        "willingness": _rating("willingness", willingness),
        "risk": RISK_RATING[risk],
    }
    scaled = {name: rating * 100 / MAX_RATING for name, rating in ratings.items()}  # 0-100
    total = sum(WEIGHTS[name] * scaled[name] for name in WEIGHTS) / 100
    # total is a multiple of 0.5, exact in binary; halves round up (52.5 → 53), where round()
    # would round to even (52).
    return int(total + 0.5)


def badge(score):
    """The badge of a health score: "good", "watch" or "poor"."""
    if not 0 <= score <= 100:
        raise ValueError(f"a health score is from 0 to 100, not {score!r}")
    if score >= GOOD:
        return "good"
    return "watch" if score >= WATCH else "poor"


def _contact_reach(role, influence):
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown contact role {role!r}")
    if influence is not None and influence not in INFLUENCES:
        raise ValueError(f"unknown contact influence {influence!r}")
    if role == "decision_maker":
        return 5 if influence == "high" else 4
    if role in ("technical", "procurement") and influence == "high":
        return 3
    return 2 if role else 1


def reach_from_contacts(contacts):
    """Decision-maker reach 0-5 from (role, influence) pairs: the best contact counts."""
    # max() over all contacts, not the first 5 found: a malformed contact must not go unnoticed.
    return max((_contact_reach(role, influence) for role, influence in contacts), default=0)
