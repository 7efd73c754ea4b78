import pytest

from odoo.addons.wsv_crm_customer.lib.passwords import weaknesses


@pytest.mark.parametrize(
    "password,missing",
    [
        ("Wsv-Secret-2026", []),
        ("Aa1Aa1Aa1A", []),  # exactly the length
        ("Aa1Aa1Aa1", ["length"]),
        ("alllowercase1", ["upper"]),
        ("ALLUPPERCASE1", ["lower"]),
        ("NoDigitsHere", ["digit"]),
        ("电表密码电表密码电表密码", ["lower", "upper", "digit"]),  # CJK is no letter case
        ("", ["length", "lower", "upper", "digit"]),
        (None, ["length", "lower", "upper", "digit"]),
    ],
)
def test_weaknesses(password, missing):
    assert weaknesses(password, 10) == missing


def test_the_length_is_a_setting():
    assert weaknesses("Aa1", 3) == []
    assert weaknesses("Aa1", 4) == ["length"]
