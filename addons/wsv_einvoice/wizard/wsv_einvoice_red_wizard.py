from odoo import api, fields, models

from ..models.account_move import RED_REASONS


class WsvEinvoiceRedWizard(models.TransientModel):
    _name = "wsv.einvoice.red.wizard"
    _description = "Red-letter Reversal"

    move_id = fields.Many2one("account.move", string="E-invoice", required=True, readonly=True)
    einvoice_number = fields.Char(related="move_id.einvoice_number")
    currency_id = fields.Many2one(related="move_id.currency_id")
    reason = fields.Selection(RED_REASONS, required=True, default="1")
    amount = fields.Monetary(
        string="Amount (tax incl.)",
        required=True,
        help="What the red letter takes back; the whole invoice unless part of it.",
    )

    @api.onchange("move_id")
    def _onchange_move_id(self):
        move = self.move_id
        taken = move.einvoice_red_ids.filtered(
            lambda m: m.einvoice_state in ("queued", "issuing", "issued")
        )
        self.amount = move.amount_total - sum(taken.mapped("amount_total"))

    def action_confirm(self):
        self.ensure_one()
        red_id = self.move_id.action_wsv_einvoice_red(self.reason, self.amount)
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": red_id,
            "view_mode": "form",
        }
