"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet (no I, O, Z, S, V):
registration authority (1), entity type (1), administrative division (6 digits),
organisation code (9), check character (1). python-stdnum computes the check
character; its format check is stricter than the standard (it wants digits in the
first two places, while authority ``Y`` and letter entity types are valid), so the
format is checked here.
"""

import re

from stdnum.cn import uscc

FORMAT = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$")

# Results of check(): the code is fine, malformed, or well-formed with a wrong check character.
VALID, BAD_FORMAT, BAD_CHECK = "valid", "format", "check"


def normalize(code):
    """Upper case, no blanks or dashes; full-width digits and letters folded to ASCII."""
    if not code:
        return ""
    folded = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in code)
    return re.sub(r"[\s\-\u3000]", "", folded).upper()


def check(code):
    """Return VALID, BAD_FORMAT or BAD_CHECK for a normalised code."""
    if not FORMAT.match(code):
        return BAD_FORMAT
    if uscc.calc_check_digit(code[:17]) != code[17]:
        return BAD_CHECK
    return VALID


def complete(first17):
    """The full code for 17 characters: the check character appended (for test and demo data)."""
    return first17 + uscc.calc_check_digit(first17)
