"""The password policy, as a rule that needs no database: long enough, and with a lower-case
letter, a capital and a digit (what most Chinese enterprise security baselines ask)."""

CLASSES = (
    ("lower", str.islower),
    ("upper", str.isupper),
    ("digit", str.isdigit),
)


def weaknesses(password, min_length):
    """What ``password`` lacks: "length" and the missing character classes, in order; empty
    when it is strong enough."""
    missing = ["length"] if len(password or "") < min_length else []
    return missing + [name for name, test in CLASSES if not any(map(test, password or ""))]
