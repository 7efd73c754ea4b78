from odoo import api, fields, models

from odoo.addons.wsv_crm_customer.models.wsv_guard import ALL

from ..lib.milestones import TRIGGERS, Milestone

DIRECTOR = "wsv_crm_customer.group_sales_director"

TRIGGER_NAMES = {
    "signing": "On Signing (advance)",
    "delivery": "On Delivery",
    "acceptance": "On Acceptance",
    "invoice": "After Invoice",
    "warranty_end": "Warranty Retention (end of warranty)",
}


class WsvContractMilestone(models.Model):
    """A payment milestone (付款节点): a percent or an amount due on a trigger, N days after."""

    _name = "wsv.contract.milestone"
    _inherit = ["wsv.guard.mixin"]
    _description = "Payment Milestone"
    _wsv_state = "order_id.contract_state"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    order_id = fields.Many2one("sale.order", string="Contract", ondelete="cascade", index=True)
    template_id = fields.Many2one("wsv.contract.template", ondelete="cascade", index=True)
    name = fields.Char(string="Description", translate=True)
    trigger = fields.Selection(
        [(t, TRIGGER_NAMES[t]) for t in TRIGGERS], required=True, default="delivery"
    )
    percent = fields.Float(string="Percent (%)", digits=(5, 2))
    amount = fields.Monetary(currency_field="currency_id")
    days = fields.Integer(string="Due After (days)", help="Days after the trigger.")
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
    )
    amount_due = fields.Monetary(compute="_compute_amount_due", currency_field="currency_id")

    @api.depends("order_id.currency_id", "template_id")
    def _compute_currency_id(self):
        for line in self:
            line.currency_id = line.order_id.currency_id or self.env.company.currency_id

    @api.depends("percent", "amount", "order_id.amount_total")
    def _compute_amount_due(self):
        for line in self:
            total = line.order_id.amount_total
            line.amount_due = line.amount or total * line.percent / 100

    def _wsv_allow_table(self, create=False):
        # a contract's milestones are its terms (see sale.order): drafted freely, re-reviewed
        # after approval, frozen under review and once signed; a template's are configuration
        return {**self.order_id._wsv_terms_table(), None: {DIRECTOR: ALL}}

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._wsv_check_create(vals_list)
        milestones = super().create(vals_list)
        milestones.order_id._lines_changed()
        return milestones

    def write(self, vals):
        vals = self._wsv_check_write(vals)
        orders = self.order_id
        result = super().write(vals)
        (orders | self.order_id)._lines_changed()
        return result

    def unlink(self):
        self._wsv_check_unlink()
        orders = self.order_id
        result = super().unlink()
        orders._lines_changed()
        return result

    def _as_rule(self):
        return [Milestone(m.trigger, m.percent, m.amount, m.days) for m in self]
