import pytest

from odoo.addons.wsv_crm_customer.lib import credit_code as cc

# Codes whose check characters follow GB 32100 (the first, a real provincial grid company's).
VALID = ["91320000134766570R", "913300001429112459", "91320506MA1MXK2T4C", "913101151322123407"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes(code):
    assert cc.check(code) == cc.VALID


@pytest.mark.parametrize("code", VALID)
def test_every_wrong_check_character_is_caught(code):
    for char in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if char != code[17]:
            assert cc.check(code[:17] + char) == cc.BAD_CHECK


@pytest.mark.parametrize(
    "code",
    [
        "",
        "9132000013476657",  # too short
        "91320000134766570RR",  # too long
        "91320000134766570I",  # I is not in the alphabet
        "9132000013476657OR",  # nor O
        "91A20000134766570R",  # the division code is digits
        "913200001347665 0R",
    ],
)
def test_bad_format(code):
    assert cc.check(code) == cc.BAD_FORMAT


def test_authority_y_and_letter_types_are_valid():
    # GB 32100 allows authority Y (others) and letter entity types, which stdnum's own format
    # check refuses.
    assert cc.check(cc.complete("Y1440300MA5DXXXX1")) == cc.VALID
    assert cc.check(cc.complete("N2110000MA01ABCD2")) == cc.VALID


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("91320000134766570r", "91320000134766570R"),
        (" 9132 0000-1347 6657 0R ", "91320000134766570R"),
        ("９１３２００００１３４７６６５７０Ｒ", "91320000134766570R"),  # full-width
        ("\u30009132000013476657\u30000R", "91320000134766570R"),
        (None, ""),
    ],
)
def test_normalize(raw, clean):
    assert cc.normalize(raw) == clean


def test_complete_appends_the_check_character():
    assert cc.complete("91320000134766570") == "91320000134766570R"
