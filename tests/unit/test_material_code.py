import pytest

from odoo.addons.wsv_contract.lib import material_code as mc


@pytest.mark.parametrize(
    "prefix,number,padding,code",
    [
        ("DB-1P", 42, 6, "DB-1P000042"),
        ("DDZY", 1, 6, "DDZY000001"),
        ("DTZY", 999999, 6, "DTZY999999"),
        ("DDZY", 1_000_000, 6, "DDZY1000000"),  # wider than the padding: no digit is cut
        ("A", 7, 3, "A007"),
        ("9", 12, 10, "90000000012"),
        ("ABCDEFGHIJKL", 1, 3, "ABCDEFGHIJKL001"),  # the longest prefix
        ("A--", 5, 4, "A--0005"),
    ],
)
def test_format_code(prefix, number, padding, code):
    assert mc.format_code(prefix, number, padding) == code


def test_default_padding_is_six():
    assert mc.format_code("DDZY", 42) == "DDZY000042"


@pytest.mark.parametrize("padding", range(mc.MIN_PADDING, mc.MAX_PADDING + 1))
def test_every_allowed_padding(padding):
    code = mc.format_code("X", 1, padding)
    assert code == "X" + "0" * (padding - 1) + "1"
    assert mc.next_number(code, "X") == 2


@pytest.mark.parametrize(
    "prefix",
    [
        "",
        "-DB",  # starts with a dash
        "db",  # lower case
        "Db1",
        "ABCDEFGHIJKLM",  # 13 characters
        "DB 1P",
        "DB_1P",
        "DB.1P",
        "单相",
        "ＤＢ",  # full-width letters
        "DB\n",  # $ alone would let a trailing newline through
        None,
        42,
    ],
)
def test_bad_prefix(prefix):
    with pytest.raises(ValueError, match="prefix"):
        mc.format_code(prefix, 1)


@pytest.mark.parametrize("number", [0, -1, 1.0, 2.5, "1", None, True, False])
def test_bad_number(number):
    with pytest.raises(ValueError, match="number"):
        mc.format_code("DDZY", number)


@pytest.mark.parametrize("padding", [-1, 0, 1, 2, 11, 20, 6.0, "6", None, True])
def test_bad_padding(padding):
    with pytest.raises(ValueError, match="padding"):
        mc.format_code("DDZY", 1, padding)


@pytest.mark.parametrize(
    "last_code,prefix,number",
    [
        ("DDZY000042", "DDZY", 43),
        ("DB-1P000042", "DB-1P", 43),
        ("DDZY999999", "DDZY", 1_000_000),
        ("DDZY1000000", "DDZY", 1_000_001),
        ("DDZY000000", "DDZY", 1),
        ("DDZY7", "DDZY", 8),  # any width
    ],
)
def test_next_number(last_code, prefix, number):
    assert mc.next_number(last_code, prefix) == number


@pytest.mark.parametrize(
    "last_code,prefix",
    [
        (None, "DDZY"),
        ("", "DDZY"),
        ("DDZY000042", ""),
        ("DDZY000042", None),
        ("DTZY000042", "DDZY"),  # another rule's code
        ("DDZY", "DDZY"),  # the prefix alone
        ("DB-1P000042", "DB"),  # a longer prefix's code is not a number of this one
        ("DDZY00004A", "DDZY"),
        ("DDZY-000042", "DDZY"),
        ("DDZY 000042", "DDZY"),
        ("DDZY000042 ", "DDZY"),
        ("DDZY+42", "DDZY"),
        ("DDZY1_000", "DDZY"),  # int() takes underscores
        ("DDZY０４２", "DDZY"),  # full-width digits
        ("DDZY²", "DDZY"),  # a digit to str.isdigit, not to int()
        ("ddzy000042", "DDZY"),
    ],
)
def test_next_number_starts_at_one_for_other_codes(last_code, prefix):
    assert mc.next_number(last_code, prefix) == 1


@pytest.mark.parametrize("padding", [3, 6, 10])
def test_format_and_next_number_round_trip(padding):
    code = mc.format_code("DB-1P", 1, padding)
    for number in range(1, 1200):
        assert code == mc.format_code("DB-1P", number, padding)
        following = mc.next_number(code, "DB-1P")
        assert following == number + 1
        code = mc.format_code("DB-1P", following, padding)
