from odoo import fields, models

MOVE_KINDS = [
    ("claim", "Claim"),
    ("release", "Release"),
    ("assign", "Assign"),
    ("transfer", "Transfer"),
    ("recycle", "Auto-recycle"),
]


class WsvPoolMove(models.Model):
    """One move of a customer between owners and the public pool; never edited."""

    _name = "wsv.pool.move"
    _description = "Customer Pool Move"
    _order = "create_date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    kind = fields.Selection(MOVE_KINDS, required=True, index=True)
    from_user_id = fields.Many2one("res.users", string="From", index=True)
    to_user_id = fields.Many2one("res.users", string="To", index=True)
    reason = fields.Char()
    create_uid = fields.Many2one("res.users", string="Done By", readonly=True)
