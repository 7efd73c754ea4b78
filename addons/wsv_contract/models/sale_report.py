from odoo import fields, models

from .sale_order import COST_GROUPS


class SaleReport(models.Model):
    _inherit = "sale.report"

    # the sales analysis sums the lines' margins: cost figures, like the lines' own
    margin = fields.Float(groups=COST_GROUPS)
