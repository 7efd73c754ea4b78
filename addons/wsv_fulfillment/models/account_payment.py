from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr

from odoo.addons.wsv_crm_customer.models.i18n import lang_env

from ..lib import allocation


class AccountPayment(models.Model):
    _inherit = "account.payment"

    wsv_collection_ids = fields.One2many(
        "wsv.collection",
        "payment_id",
        string="Installments Collected",
        domain=[("state", "!=", "cancel")],
    )
    wsv_allocated = fields.Monetary(
        string="Allocated to Installments", compute="_compute_wsv_allocated"
    )

    @api.depends("wsv_collection_ids.amount", "wsv_collection_ids.state")
    def _compute_wsv_allocated(self):
        for payment in self:
            payment.wsv_allocated = sum(payment.wsv_collection_ids.mapped("amount"))

    def _lock_wsv(self):
        """Serialise two bookings against one payment, so that together they never exceed it.
        A bare SELECT ... FOR UPDATE is not enough: booking changes no payment row, so the
        second transaction would get the lock after the first commits and still read its
        older snapshot (REPEATABLE READ), without the first one's collections. Updating the
        row makes the second transaction fail to serialise instead, and Odoo retries it from
        the start, when it sees what the first one booked."""
        if self.ids:
            self.env.cr.execute(
                "UPDATE account_payment SET id = id WHERE id IN %s",
                [tuple(self.ids)],
                log_exceptions=False,
            )
            self.invalidate_recordset(["wsv_allocated"])
            self.wsv_collection_ids.invalidate_recordset()

    def _check_wsv_allocated(self):
        for payment in self:
            currency = payment.currency_id
            # half a step of the currency over the payment is rounding noise
            if currency.compare_amounts(payment.wsv_allocated, payment.amount) > 0:
                raise UserError(
                    lang_env(self.env)._(
                        "Installments Collected: %(allocated)s allocated, more than the "
                        "payment's %(amount)s.",
                        allocated=float_repr(
                            currency.round(payment.wsv_allocated), currency.decimal_places
                        ),
                        amount=float_repr(currency.round(payment.amount), currency.decimal_places),
                    )
                )

    def _wsv_allocation_scope(self, contract=None, installment_ids=None):
        """The domain that narrows an allocation to one contract (its id or number) or to
        given installments, all of this payment's customer."""
        _ = lang_env(self.env)._
        customer = self.partner_id.commercial_partner_id
        if installment_ids is not None and contract is not None:
            raise UserError(_("Installments: give a contract or installments, not both."))
        if installment_ids is not None:
            if (
                not isinstance(installment_ids, list | tuple)
                or not installment_ids
                or not all(isinstance(i, int) and not isinstance(i, bool) for i in installment_ids)
            ):
                raise UserError(_("Installments: give a list of installment ids."))
            found = self.env["wsv.receivable.installment"].search(
                [("id", "in", list(installment_ids)), ("partner_id", "=", customer.id)]
            )
            if len(found) != len(set(installment_ids)):
                raise UserError(_("Installments: some are not installments of %s.", customer.name))
            return [("installment_id", "in", found.ids)], [("id", "in", found.ids)]
        if contract is not None:
            order = self.env["sale.order"]._wsv_contract_by_reference(contract)
            if order.partner_id.commercial_partner_id != customer:
                raise UserError(
                    _(
                        "Contract: %(number)s is not a contract of %(customer)s.",
                        number=order.contract_number,
                        customer=customer.name,
                    )
                )
            return [("order_id", "=", order.id)], [("order_id", "=", order.id)]
        return [], []

    def action_wsv_allocate(self, contract=None, installment_ids=None):
        """Book the payment: first the collections the salespeople confirmed for this
        customer (the money they said came in), oldest first while the payment covers them;
        then what is left over the customer's open installments, the earliest due first.
        ``contract`` (id or contract number) or ``installment_ids`` keep it to those."""
        self.ensure_one()
        _ = lang_env(self.env)._
        if self.partner_type != "customer" or self.payment_type != "inbound":
            raise UserError(_("Payment: only money received from a customer is allocated."))
        collections_scope, installments_scope = self._wsv_allocation_scope(
            contract, installment_ids
        )
        if self.state == "draft":
            self.action_post()  # allocating money received confirms the payment
        self._lock_wsv()
        left = self.amount - self.wsv_allocated
        confirmed = self.env["wsv.collection"].search(
            [
                ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                ("state", "=", "confirmed"),
                ("currency_id", "=", self.currency_id.id),
                ("order_id.contract_state", "!=", "cancel"),
                *collections_scope,
            ],
            order="date, id",
        )
        for collection in confirmed:
            if self.currency_id.compare_amounts(collection.amount, left) <= 0:
                collection.payment_id = self
                collection.action_book()
                left -= collection.amount
        if self.currency_id.is_zero(left) and confirmed.filtered(lambda c: c.state == "booked"):
            return True
        installments = self.env["wsv.receivable.installment"].search(
            [
                ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                ("amount_open", ">", 0),
                ("due_date", "!=", False),
                ("currency_id", "=", self.currency_id.id),
                ("order_id.contract_state", "!=", "cancel"),
                *installments_scope,
            ],
            order="due_date, id",
        )
        if not installments:
            raise UserError(_("Payment: %s has no open installment.", self.partner_id.name))
        installments._lock()
        try:
            shares = allocation.allocate(
                left, installments.mapped("amount_open"), rounding=self.currency_id.rounding
            )
        except ValueError as error:
            if error.args[0] == "not_positive":
                raise UserError(_("Payment: nothing of it is left to allocate.")) from None
            # more money than is open: allocate what is open, the rest stays unallocated
            shares = installments.mapped("amount_open")
        self.env["wsv.collection"].create(
            [
                {
                    "installment_id": item.id,
                    "amount": share,
                    "date": self.date,
                    "payment_id": self.id,
                }
                for item, share in zip(installments, shares, strict=True)
                if share > 0
            ]
        )
        return True
