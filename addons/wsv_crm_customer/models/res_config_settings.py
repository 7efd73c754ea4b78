from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    wsv_dedup_threshold = fields.Float(
        string="Name Similarity Threshold",
        config_parameter="wsv_crm_customer.dedup_threshold",
        default=0.5,
        help="0 to 1: how alike two normalised names must be to be shown as possible duplicates.",
    )
    wsv_dedup_keys = fields.Char(
        string="Duplicate Check Keys",
        config_parameter="wsv_crm_customer.dedup_keys",
        default="credit_code,name,phone,email",
        help="Comma-separated, among credit_code, name, phone and email.",
    )
    wsv_pool_daily_claim_limit = fields.Integer(
        string="Daily Claim Limit",
        config_parameter="wsv_crm_customer.pool_daily_claim_limit",
        default=20,
        help="Most customers one salesperson may claim from the pool in a day (0: no limit).",
    )
    wsv_pool_reclaim_lock_days = fields.Integer(
        string="Re-claim Lock (days)",
        config_parameter="wsv_crm_customer.pool_reclaim_lock_days",
        default=30,
        help="Days during which the previous owner may not claim a released customer again.",
    )
