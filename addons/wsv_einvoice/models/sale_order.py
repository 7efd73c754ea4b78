"""The contract's invoiced step follows its issued e-invoices (blue less red), and so do the
installments that fall due on invoicing. An invoice that never goes to the platform (posted
in Odoo's own flow, or issued elsewhere) counts once posted, as before; one handed to the
platform counts once the platform issued it."""

from odoo import api, fields, models

from odoo.addons.wsv_fulfillment.lib import schedule
from odoo.addons.wsv_fulfillment.models.sale_order import INSTALLMENT_READERS


def counts(move):
    """Does this customer invoice or credit note count as invoiced?"""
    if move.state != "posted" or move.move_type not in ("out_invoice", "out_refund"):
        return False
    return move.einvoice_state in (False, "issued")


def invoice_date(move):
    return move.einvoice_date or move.invoice_date


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    qty_einvoiced = fields.Float(
        string="Issued Invoiced Quantity",
        help="Invoiced by invoices the tax platform issued (or posted without the platform), "
        "less their red letters.",
        compute="_compute_qty_einvoiced",
        store=True,
        digits="Product Unit of Measure",
    )

    @api.depends(
        "invoice_lines.move_id.einvoice_state",
        "invoice_lines.move_id.state",
        "invoice_lines.quantity",
        "invoice_lines.move_id.move_type",
    )
    def _compute_qty_einvoiced(self):
        for line in self:
            qty = 0.0
            for item in line.sudo().invoice_lines:
                move = item.move_id
                if not counts(move):
                    continue
                sign = -1.0 if move.move_type == "out_refund" else 1.0
                qty += sign * item.product_uom_id._compute_quantity(item.quantity, line.product_uom)
            line.qty_einvoiced = qty


class SaleOrder(models.Model):
    _inherit = "sale.order"

    invoice_application_ids = fields.One2many(
        "wsv.invoice.application", "order_id", groups=INSTALLMENT_READERS
    )
    invoice_application_count = fields.Integer(
        compute="_compute_invoice_application_count", groups=INSTALLMENT_READERS
    )

    @api.depends("invoice_application_ids")
    def _compute_invoice_application_count(self):
        for order in self:
            order.invoice_application_count = len(order.invoice_application_ids)

    @api.depends("order_line.qty_einvoiced")
    def _compute_chain_percents(self):
        return super()._compute_chain_percents()

    def _wsv_qty_invoiced(self, line):
        # invoiced once the tax platform issued it (see counts)
        return line.qty_einvoiced

    def _wsv_events(self, deliveries):
        # an e-invoice counts once the tax platform issued it, on its issue date
        events = super()._wsv_events(deliveries)
        issued = [
            (invoice_date(move), move.amount_total)
            for move in self.sudo().invoice_ids
            if move.move_type == "out_invoice" and counts(move) and invoice_date(move)
        ]
        return schedule.Events(
            signing=events.signing,
            deliveries=events.deliveries,
            acceptance=events.acceptance,
            invoices=issued,
            warranty_end=events.warranty_end,
        )

    def _wsv_credit_figures(self, partners):
        # the review reads the customer's exposure from the ledger (see res_partner)
        company = self.company_id[:1] or self.env.company
        return {p.id: (p.credit_limit, p._wsv_ledger_exposure(company)) for p in partners}

    def action_wsv_apply_invoice(self):
        """A new invoice application for this contract, its lines proposed from what was
        delivered and not invoiced."""
        self.ensure_one()
        Application = self.env["wsv.invoice.application"]
        application = Application.create({"order_id": self.id})
        # nothing delivered yet: the salesperson picks an installment for an advance invoice
        application._propose_lines(strict=False)
        return {
            "type": "ir.actions.act_window",
            "res_model": "wsv.invoice.application",
            "res_id": application.id,
            "view_mode": "form",
        }

    def action_wsv_view_invoice_applications(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "wsv_einvoice.wsv_invoice_application_action"
        )
        action["domain"] = [("order_id", "in", self.ids)]
        action["context"] = {"default_order_id": self.id}
        return action
