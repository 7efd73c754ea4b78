from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    floor_price = fields.Float(
        digits="Product Price",
        tracking=True,
        help="Lowest unit price a contract may carry without approval (contract review).",
    )
    lead_days = fields.Integer(
        string="Production Lead Time (days)",
        help="Days the factory needs to deliver; a contract promising less needs approval.",
    )
