from odoo import api, fields, models
from odoo.exceptions import UserError

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
        """Lock the payments' rows: two bookings against one payment at once are serialised,
        so that together they never exceed it (Odoo retries the second transaction)."""
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM account_payment WHERE id IN %s FOR UPDATE",
                [tuple(self.ids)],
                log_exceptions=False,
            )
            self.invalidate_recordset(["wsv_allocated"])
            self.wsv_collection_ids.invalidate_recordset()

    def _check_wsv_allocated(self):
        for payment in self:
            if payment.wsv_allocated > payment.amount + allocation.HALF_CENT:
                raise UserError(
                    self.env._(
                        "Installments Collected: %(allocated)s allocated, more than the "
                        "payment's %(amount)s.",
                        allocated=round(payment.wsv_allocated, 2),
                        amount=payment.amount,
                    )
                )

    def action_wsv_allocate(self):
        """Spread what is left of the payment over the customer's open installments, the
        earliest due first, as booked collections."""
        self.ensure_one()
        _ = self.env._
        if self.partner_type != "customer" or self.payment_type != "inbound":
            raise UserError(_("Payment: only money received from a customer is allocated."))
        if self.state == "draft":
            self.action_post()  # allocating money received confirms the payment
        self._lock_wsv()
        left = self.amount - self.wsv_allocated
        installments = self.env["wsv.receivable.installment"].search(
            [
                ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                ("amount_open", ">", 0),
                ("due_date", "!=", False),
                ("currency_id", "=", self.currency_id.id),
                ("order_id.contract_state", "!=", "cancel"),
            ],
            order="due_date, id",
        )
        if not installments:
            raise UserError(_("Payment: %s has no open installment.", self.partner_id.name))
        installments._lock()
        try:
            shares = allocation.allocate(left, installments.mapped("amount_open"))
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
                    "state": "booked",
                    "payment_id": self.id,
                }
                for item, share in zip(installments, shares, strict=True)
                if share > 0
            ]
        )
        return True
