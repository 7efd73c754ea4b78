from odoo import api, fields, models


class WsvPoolWizard(models.TransientModel):
    """Release customers to the pool, or assign / transfer them (managers), with a reason."""

    _name = "wsv.pool.wizard"
    _description = "Public Pool Move"

    action = fields.Selection([("release", "Release"), ("assign", "Assign")], required=True)
    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="New Owner",
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("wsv_crm_customer.group_salesperson").id)
        ],
    )
    reason = fields.Char()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner":
            values["partner_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    def action_confirm(self):
        self.ensure_one()
        if self.action == "release":
            self.partner_ids.action_pool_release(self.reason)
        else:
            self.partner_ids.action_pool_assign(self.user_id.id, self.reason)
        return {"type": "ir.actions.act_window_close"}
