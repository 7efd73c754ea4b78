from odoo import fields, models

from .sale_order import ALL_ORDERS_CONTRACTS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    wsv_all_orders_contracts = fields.Boolean(
        string="Every Sales Order Is a Contract",
        config_parameter=ALL_ORDERS_CONTRACTS,
        help="Off: orders of registered customers and orders from a contract template are "
        "contracts; other quotations work as in Odoo. On: every new order is a contract.",
    )
