"""A collection (回款): money received against an installment. The salesperson confirms it
with the customer, finance books it against a payment (account.payment)."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr

from odoo.addons.wsv_crm_customer.models.i18n import lang_env

from ..lib import allocation

FINANCE = "wsv_crm_customer.group_finance"


class WsvCollection(models.Model):
    _name = "wsv.collection"
    _description = "Collection"
    _inherit = ["mail.thread", "wsv.guard.mixin"]
    _order = "date desc, id desc"
    # confirmed by the salesperson, booked by finance (Book), cancelled (Cancel); the amount
    # and installment are filed once: a wrong one is cancelled and recorded anew
    _wsv_workflow = ("state",)
    _wsv_state = "state"

    installment_id = fields.Many2one(
        "wsv.receivable.installment",
        required=True,
        ondelete="restrict",
        index=True,
        domain="[('status', 'in', ('not_due', 'due', 'partly_collected', 'overdue'))]",
    )
    order_id = fields.Many2one(related="installment_id.order_id", store=True, index=True)
    partner_id = fields.Many2one(related="installment_id.partner_id", store=True, index=True)
    user_id = fields.Many2one(
        related="installment_id.user_id", string="Owner", store=True, index=True
    )
    team_id = fields.Many2one(related="installment_id.team_id", store=True, index=True)
    company_id = fields.Many2one(related="installment_id.company_id", store=True)
    currency_id = fields.Many2one(related="installment_id.currency_id", store=True)
    amount = fields.Monetary(required=True, tracking=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True, tracking=True)
    state = fields.Selection(
        [("confirmed", "Confirmed"), ("booked", "Booked"), ("cancel", "Cancelled")],
        default="confirmed",
        required=True,
        readonly=True,
        tracking=True,
    )
    payment_id = fields.Many2one(
        "account.payment", domain="[('partner_type', '=', 'customer')]", index=True, tracking=True
    )
    note = fields.Char()

    def _wsv_allow_table(self, create=False):
        filed = {"installment_id", "amount", "date", "note"}
        if create:
            # finance records money straight from a payment: booked against it at once
            return {None: {"": filed, FINANCE: filed | {"payment_id"}}}
        return {
            "confirmed": {"": {"date", "note"}, FINANCE: {"date", "note", "payment_id"}},
            "booked": {FINANCE: {"date", "note", "payment_id"}},
        }

    def _wsv_state_value(self, vals=None):
        # a new collection is judged by what it is given, not by the state it will get
        return None if vals is not None else super()._wsv_state_value()

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._wsv_check_create(vals_list)
        installments = self.env["wsv.receivable.installment"].browse(
            [vals["installment_id"] for vals in vals_list if vals.get("installment_id")]
        )
        for vals in vals_list:
            # a line added on a payment (finance's allocation) is booked against it
            if vals.get("payment_id") and "state" not in vals:
                vals["state"] = "booked"
        installments._lock()
        pending = {}
        for vals in vals_list:
            installment = installments.browse(vals.get("installment_id"))
            amount = vals.get("amount", 0.0)
            self._check_amount(installment, amount, pending.get(installment.id, 0.0))
            pending[installment.id] = pending.get(installment.id, 0.0) + amount
        records = super().create(vals_list)
        records.filtered(lambda c: c.state == "booked")._check_payment()
        return records

    def write(self, vals):
        vals = self._wsv_check_write(vals)
        result = super().write(vals)
        if "payment_id" in vals:
            self.filtered(lambda c: c.state == "booked")._check_payment()
        return result

    def _check_amount(self, installment, amount, pending=0.0):
        """Refuse money on a cancelled contract, on a void installment, or over its open
        amount (less what this same request records on it already)."""
        _ = lang_env(self.env)._
        if not installment:
            raise UserError(_("Installment: a collection needs one."))
        if installment.order_id.contract_state == "cancel":
            raise UserError(
                _(
                    "Installment: contract %s is cancelled; it takes no payments.",
                    installment.order_id.contract_number,
                )
            )
        if installment.void:
            raise UserError(_("Installment: %s is void; it takes no payments.", installment.name))
        if not installment.due_date:
            # money on a piece whose trigger is pending would move when the schedule is
            # regenerated (a delivery splits it); it belongs on an installment that is due
            raise UserError(
                _(
                    "Installment: %s is not yet due (its trigger has not happened); record the "
                    "money on an installment that is due.",
                    installment.name,
                )
            )
        currency = installment.currency_id
        try:
            allocation.check_allocation(
                amount, installment.amount_open - pending, rounding=currency.rounding
            )
        except ValueError as error:
            if error.args[0] == "not_positive":
                raise UserError(_("Amount: a collection must be more than zero.")) from None
            raise UserError(
                _(
                    "Amount: %(amount)s is more than the %(open)s still open on installment "
                    "%(name)s.",
                    amount=amount,
                    open=float_repr(
                        currency.round(installment.amount_open - pending), currency.decimal_places
                    ),
                    name=installment.name,
                )
            ) from None

    def _check_payment(self):
        """A booked collection comes from a payment of its customer, and a payment is not
        allocated beyond its amount."""
        _ = lang_env(self.env)._
        for collection in self:
            payment = collection.payment_id
            if not payment:
                raise UserError(_("Payment: finance books a collection against a payment."))
            if payment.state in ("draft", "canceled", "rejected"):
                raise UserError(
                    _("Payment: %s is not confirmed; book against a posted payment.", payment.name)
                )
            if payment.currency_id != collection.currency_id:
                raise UserError(
                    _(
                        "Payment: %(payment)s is in %(currency)s, the installment in %(other)s.",
                        payment=payment.display_name,
                        currency=payment.currency_id.name,
                        other=collection.currency_id.name,
                    )
                )
            if payment.partner_id.commercial_partner_id != collection.partner_id:
                raise UserError(
                    _(
                        "Payment: %(payment)s is from another customer than %(customer)s.",
                        payment=payment.display_name,
                        customer=collection.partner_id.display_name,
                    )
                )
        self.payment_id._lock_wsv()
        for payment in self.payment_id:
            payment._check_wsv_allocated()

    def action_book(self):
        """Finance books confirmed collections against their payment."""
        if not self.env.user.has_group(FINANCE):
            raise UserError(lang_env(self.env)._("Collections: only finance books collections."))
        wrong = self.filtered(lambda c: c.state != "confirmed")
        if wrong:
            raise UserError(
                lang_env(self.env)._("Collections: only confirmed collections are booked.")
            )
        self.installment_id._lock()
        self._check_payment()
        self._wsv_system().state = "booked"
        return True

    def action_cancel(self):
        booked = self.filtered(lambda c: c.state == "booked")
        if booked and not self.env.user.has_group(FINANCE):
            raise UserError(
                lang_env(self.env)._("Collections: only finance cancels a booked collection.")
            )
        self.installment_id._lock()
        self._wsv_system().state = "cancel"
        return True
