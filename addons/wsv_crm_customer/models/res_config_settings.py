"""Settings of the WSV addons.

Odoo's res.config.settings deletes the parameter of a setting whose value is 0 or False, and a
reader then falls back to its default (7 reminder days for a user's 0). The settings of the
WSV addons store 0 and False as such ("0", "0.0", "False"), and are read with get_setting.
"""

import logging

from odoo import fields, models

_logger = logging.getLogger(__name__)

# the parameters of the WSV addons (wsv_crm_customer.*, wsv_fulfillment.*, ...)
PREFIX = "wsv_"
# how a setting's 0 or False is stored, by field type
FALSY = {"integer": "0", "float": "0.0", "boolean": "False"}


def parse_setting(value, default):
    """A stored parameter (a string; False or None when there is none) typed like `default`:
    bool ("0", "false" and "False" are False), int, float, or else the string itself.
    `default` when nothing is stored, or what is stored is no number."""
    if value is False or value is None or value == "":
        return default
    if isinstance(default, bool):
        return str(value).strip().lower() not in ("0", "false", "")
    try:
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except (TypeError, ValueError):
        _logger.warning("Setting %r is not a number; using %r instead", value, default)
        return default
    return value


def get_setting(env, key, default):
    """The parameter `key` typed like `default`, which it is when the parameter is not set
    (a 0 or False stored by the settings is a value, not a missing one)."""
    return parse_setting(env["ir.config_parameter"].sudo().get_param(key), default)


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

    def _wsv_falsy_settings(self):
        """(field, parameter key) of the WSV settings whose 0 or False Odoo would not store."""
        return [
            (field, field.config_parameter)
            for field in self._fields.values()
            if field.type in FALSY
            and (getattr(field, "config_parameter", None) or "").startswith(PREFIX)
        ]

    def get_values(self):
        values = super().get_values()
        # Odoo reads a stored "False" as True (any non-empty string is)
        for field, key in self._wsv_falsy_settings():
            if field.type == "boolean":
                default = bool(field.default(self)) if field.default else False
                values[field.name] = get_setting(self.env, key, default)
        return values

    def set_values(self):
        result = super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        for field, key in self._wsv_falsy_settings():
            if not self[field.name]:
                params.set_param(key, FALSY[field.type])
        return result
