"""The rules of an invoice application and of a fully-digital e-invoice (数电发票), with no ORM.

- tax classification codes (税收分类编码) are 19 digits;
- a buyer's tax number is a unified social credit code (18 characters) or one of the older
  taxpayer numbers (15, 17 or 20 characters); the check character of an 18-character code is
  not asked for, since the tax bureau still holds early codes that fail it;
- a special invoice (专票) needs the buyer's tax number;
- line amounts are computed as the platform checks them: amount = quantity x unit price,
  tax = amount x rate, each to the cent, and the totals are their sums;
- what may be invoiced of a contract line: no more than it holds, and what goes beyond the
  delivered quantity is pre-invoicing (预开票), which needs approval;
- a red-letter reversal (红字) takes back no more than what the blue invoice still holds;
- the platform's order number (orderNo) is at most 20 characters and stable for a document.
"""

import dataclasses
import re
from decimal import ROUND_HALF_UP, Decimal

import cn2an

from odoo.addons.wsv_crm_customer.lib import credit_code

TAX_CODE = re.compile(r"^\d{19}$")
OLD_TAX_NUMBER = re.compile(r"^[0-9A-Z]{15}$|^[0-9A-Z]{17}$|^[0-9A-Z]{20}$")
INVOICE_TYPES = ("bs", "pc")  # 数电专票, 数电普票
RED_REASONS = ("1", "2", "3", "4")  # 开票有误, 销货退回, 服务中止, 销售折让
CENT = Decimal("0.01")
# what two roundings of the same figures may differ by (the platform's own tolerance)
TOLERANCE = Decimal("0.01")
# quantities are compared to this precision (Odoo's unit-of-measure digits)
QTY_EPSILON = 1e-6
ORDER_NO_LENGTH = 20


class RuleError(ValueError):
    """A broken rule: ``code`` says which, ``details`` the figures for the message."""

    def __init__(self, rule, **details):
        super().__init__(rule, details)
        self.code = rule
        self.details = details


def check_tax_code(code):
    """A 19-digit tax classification code, or RuleError("tax_code")."""
    code = (code or "").strip()
    if not TAX_CODE.match(code):
        raise RuleError("tax_code", value=code)
    return code


def normalize_tax_number(number):
    """The tax number as the platform wants it (upper case, no blanks; full-width folded)."""
    return credit_code.normalize(number)


def check_tax_number(number):
    """The buyer's tax number normalised, or RuleError("tax_number")."""
    value = normalize_tax_number(number)
    if len(value) == 18:
        if credit_code.FORMAT.match(value):
            return value
    elif OLD_TAX_NUMBER.match(value):
        return value
    raise RuleError("tax_number", number=number or "")


def check_buyer(invoice_type, tax_number):
    """The buyer's tax number as it goes on the invoice (False when none is needed)."""
    if invoice_type not in INVOICE_TYPES:
        raise RuleError("invoice_type", invoice_type=invoice_type)
    if not (tax_number or "").strip():
        if invoice_type == "bs":
            raise RuleError("special_needs_tax_number")
        return False
    return check_tax_number(tax_number)


def _money(value):
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclasses.dataclass(frozen=True)
class Amounts:
    untaxed: Decimal
    tax: Decimal
    total: Decimal


def line_amounts(qty, price_unit, rate):
    """A line's amounts as the platform checks them: ``price_unit`` excludes tax, ``rate``
    is a fraction (0.13)."""
    untaxed = _money(Decimal(str(qty)) * Decimal(str(price_unit)))
    tax = _money(untaxed * Decimal(str(rate)))
    return Amounts(untaxed, tax, untaxed + tax)


def check_lines(lines, totals=None):
    """Each line (qty, price_unit, rate, untaxed, tax) adds up, and so do ``totals``
    (untaxed, tax, total) when given; RuleError("line_sum"/"total_sum") otherwise."""
    if not lines:
        raise RuleError("no_lines")
    sums = [Decimal(0), Decimal(0)]
    for index, (qty, price_unit, rate, untaxed, tax) in enumerate(lines, start=1):
        expected = line_amounts(qty, price_unit, rate)
        if (
            abs(expected.untaxed - _money(untaxed)) > TOLERANCE
            or abs(expected.tax - _money(tax)) > TOLERANCE
        ):
            raise RuleError(
                "line_sum", line=index, untaxed=_money(untaxed), expected=expected.untaxed
            )
        sums[0] += _money(untaxed)
        sums[1] += _money(tax)
    if totals is not None:
        untaxed, tax, total = (_money(t) for t in totals)
        # each line may round a cent on its own: the totals may differ by a cent a line
        slack = TOLERANCE * len(lines)
        if (
            abs(untaxed - sums[0]) > slack
            or abs(tax - sums[1]) > slack
            or abs(total - untaxed - tax) > TOLERANCE
        ):
            raise RuleError("total_sum", total=total, expected=sums[0] + sums[1])
    return sums[0], sums[1]


@dataclasses.dataclass(frozen=True)
class LineBalance:
    """One contract line: what it holds, what was delivered and what is invoiced or asked
    for already (by other applications and invoices)."""

    ordered: float
    delivered: float
    invoiced: float


def check_quantity(balance, qty):
    """Is ``qty`` of the line a pre-invoice (more than delivered and not yet invoiced)?
    RuleError when it is not positive or goes beyond what the contract line holds."""
    if qty <= QTY_EPSILON:
        raise RuleError("not_positive", qty=qty)
    left = balance.ordered - balance.invoiced
    if qty > left + QTY_EPSILON:
        raise RuleError("over_contract", qty=qty, left=max(left, 0.0))
    return qty > balance.delivered - balance.invoiced + QTY_EPSILON


def proposal(balance):
    """What to propose for a line: what was delivered and is not invoiced yet."""
    return max(balance.delivered - balance.invoiced, 0.0)


def check_red_amount(blue_total, reversed_total, amount):
    """A red letter takes back a positive amount within what the blue invoice still holds."""
    amount, left = _money(amount), _money(blue_total) - _money(reversed_total)
    if left <= 0:
        raise RuleError("red_twice")
    if amount <= 0:
        raise RuleError("red_not_positive", amount=amount)
    if amount > left:
        raise RuleError("red_over", amount=amount, left=left)
    return amount


def order_number(kind, record_id, generation=0):
    """The platform's order number of one of our documents: a letter for the kind (I blue
    invoice, R red invoice, C red-letter confirmation), the generation and the record's id,
    20 characters. Derived from the record, so every retry of the same document carries the
    same number; the generation moves on only when the platform finally failed the last one
    (its order number is then spent)."""
    if kind not in ("I", "R", "C") or not 0 <= generation <= 9:
        raise ValueError(kind, generation)
    number = f"WSV{kind}{generation}{record_id:015d}"
    if len(number) > ORDER_NO_LENGTH:
        raise ValueError(record_id)
    return number


def capital_amount(amount):
    """An amount in Chinese capital numerals (大写金额), as printed on invoices: 壹佰元整."""
    value = _money(amount)
    text = cn2an.an2cn(str(abs(value)), "rmb")
    return ("负" + text) if value < 0 else text
