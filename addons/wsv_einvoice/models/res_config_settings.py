from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    wsv_pre_invoice_director_amount = fields.Float(
        string="Pre-invoice Amount Needing a Director",
        config_parameter="wsv_einvoice.pre_invoice_director_amount",
        default=100000.0,
        help="A pre-invoice (invoicing more than delivered) is approved by finance; above "
        "this amount (tax included, in the contract's currency) a sales director approves too.",
    )
