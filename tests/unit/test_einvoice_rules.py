"""lib/invoice: the rules of invoice applications and fully-digital e-invoices."""

from decimal import Decimal

import pytest

from odoo.addons.wsv_einvoice.lib import invoice


def test_a_tax_classification_code_is_19_digits():
    assert invoice.check_tax_code(" 1090512010000000000 ") == "1090512010000000000"
    for bad in ("", None, "109051201000000000", "10905120100000000000", "109051201000000000A"):
        with pytest.raises(invoice.RuleError) as caught:
            invoice.check_tax_code(bad)
        assert caught.value.code == "tax_code"


@pytest.mark.parametrize(
    "number,expected",
    [
        ("91110000100000000x", "91110000100000000X"),  # a credit code, normalised
        ("９１１１００００１００００００００Ｘ", "91110000100000000X"),  # full width folded
        ("110105123456789", "110105123456789"),  # the older 15-character numbers
        ("IO0105123456789012", None),  # 18 characters must have a credit code's form
        ("12345", None),
        ("91110000-100000000X", "91110000100000000X"),
    ],
)
def test_a_buyer_tax_number_has_a_taxpayer_numbers_form(number, expected):
    if expected is None:
        with pytest.raises(invoice.RuleError) as caught:
            invoice.check_tax_number(number)
        assert caught.value.code == "tax_number"
    else:
        assert invoice.check_tax_number(number) == expected


def test_a_special_invoice_needs_the_buyers_tax_number():
    with pytest.raises(invoice.RuleError) as caught:
        invoice.check_buyer("bs", " ")
    assert caught.value.code == "special_needs_tax_number"
    assert invoice.check_buyer("pc", "") is False
    assert invoice.check_buyer("pc", "91110000100000000X") == "91110000100000000X"
    with pytest.raises(invoice.RuleError):
        invoice.check_buyer("xx", "91110000100000000X")


def test_line_amounts_round_each_figure_to_the_cent():
    amounts = invoice.line_amounts(3, "33.335", 0.13)
    assert amounts == invoice.Amounts(Decimal("100.01"), Decimal("13.00"), Decimal("113.01"))


def test_lines_that_do_not_add_up_are_refused():
    good = [(10, 100, 0.13, 1000, 130), (3, 33.335, 0.13, 100.01, 13.0)]
    assert invoice.check_lines(good, (1100.01, 143.0, 1243.01)) == (
        Decimal("1100.01"),
        Decimal("143.00"),
    )
    with pytest.raises(invoice.RuleError) as caught:
        invoice.check_lines([(10, 100, 0.13, 999, 129.87)])
    assert (caught.value.code, caught.value.details["line"]) == ("line_sum", 1)
    with pytest.raises(invoice.RuleError) as caught:
        invoice.check_lines(good, (1100.01, 143.0, 1300))
    assert caught.value.code == "total_sum"
    with pytest.raises(invoice.RuleError) as caught:
        invoice.check_lines([])
    assert caught.value.code == "no_lines"


def test_beyond_the_delivered_quantity_is_a_pre_invoice_and_beyond_the_contract_refused():
    balance = invoice.LineBalance(ordered=100, delivered=40, invoiced=10)
    assert invoice.proposal(balance) == 30
    assert invoice.check_quantity(balance, 30) is False
    assert invoice.check_quantity(balance, 31) is True
    assert invoice.check_quantity(balance, 90) is True
    with pytest.raises(invoice.RuleError) as caught:
        invoice.check_quantity(balance, 91)
    assert (caught.value.code, caught.value.details["left"]) == ("over_contract", 90)
    with pytest.raises(invoice.RuleError) as caught:
        invoice.check_quantity(balance, 0)
    assert caught.value.code == "not_positive"


def test_a_red_letter_takes_back_no_more_than_is_left():
    assert invoice.check_red_amount(1130, 0, 1130) == Decimal("1130.00")
    assert invoice.check_red_amount(1130, 565, 565) == Decimal("565.00")
    for blue, taken, amount, code in (
        (1130, 0, 1130.01, "red_over"),
        (1130, 1130, 1, "red_twice"),
        (1130, 1130, 0, "red_twice"),
        (1130, 0, 0, "red_not_positive"),
        (1130, 0, -5, "red_not_positive"),
    ):
        with pytest.raises(invoice.RuleError) as caught:
            invoice.check_red_amount(blue, taken, amount)
        assert caught.value.code == code


def test_order_numbers_are_stable_twenty_characters_and_distinct_by_kind():
    number = invoice.order_number("I", 42)
    assert number == invoice.order_number("I", 42) == "WSVI0000000000000042"
    assert len(number) == 20
    assert invoice.order_number("R", 42) != number
    assert invoice.order_number("I", 42, generation=1) != number
    with pytest.raises(ValueError):
        invoice.order_number("X", 42)
    with pytest.raises(ValueError):
        invoice.order_number("I", 10**15)


@pytest.mark.parametrize(
    "amount,text",
    [
        (12345.67, "壹万贰仟叁佰肆拾伍元陆角柒分"),
        (100, "壹佰元整"),
        (1000000.01, "壹佰万元零壹分"),
        (-565, "负伍佰陆拾伍元整"),
    ],
)
def test_amounts_in_chinese_capital_numerals(amount, text):
    assert invoice.capital_amount(amount) == text
