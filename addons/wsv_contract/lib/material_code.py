"""Material codes (物料编码): a code rule's prefix and a zero-padded running number.

"DDZY000042" is number 42 of the rule with prefix "DDZY" and six digits.
"""

import re

# fullmatch: with match(), "$" would also take a prefix ending in a newline
PREFIX = re.compile(r"[A-Z0-9][A-Z0-9-]{0,11}")
MIN_PADDING, MAX_PADDING = 3, 10


def format_code(prefix, number, padding=6):
    """The code for ``number`` under ``prefix``: ("DB-1P", 42) -> "DB-1P000042".

    A number wider than the padding keeps all its digits: codes never wrap or get cut.
    """
    if not isinstance(prefix, str) or not PREFIX.fullmatch(prefix):
        raise ValueError(
            f"prefix must be 1-12 of A-Z, 0-9 and '-', not starting with '-': {prefix!r}"
        )
    # bool is an int in Python: True would be code number 1
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"number must be an integer from 1, not {number!r}")
    if isinstance(padding, bool) or not isinstance(padding, int):
        raise ValueError(f"padding must be an integer, not {padding!r}")
    if not MIN_PADDING <= padding <= MAX_PADDING:
        raise ValueError(f"padding must be {MIN_PADDING} to {MAX_PADDING}, not {padding}")
    return f"{prefix}{number:0{padding}d}"


def next_number(last_code, prefix):
    """The number after ``last_code`` when it is ``prefix`` and digits, else 1 (a first code)."""
    if not last_code or not prefix or not last_code.startswith(prefix):
        return 1
    digits = last_code[len(prefix) :]
    # isdigit() would take "²" and other Unicode digits that int() refuses or misreads
    if not digits or not digits.isascii() or not digits.isdigit():
        return 1
    return int(digits) + 1
