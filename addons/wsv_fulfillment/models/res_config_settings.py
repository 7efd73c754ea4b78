from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    wsv_release_overdue_days = fields.Integer(
        string="Overdue Allowed at Release (days)",
        config_parameter="wsv_fulfillment.release_overdue_days",
        default=0,
        help="A delivery is blocked when the customer has receivables overdue by more days "
        "(-1: overdue does not block).",
    )
    wsv_release_check_credit = fields.Boolean(
        string="Check Credit Limit at Release",
        config_parameter="wsv_fulfillment.release_check_credit",
        default=True,
    )
    wsv_reminder_days = fields.Integer(
        string="Reminder Before Due (days)",
        config_parameter="wsv_fulfillment.reminder_days",
        default=7,
    )
    wsv_escalation_days = fields.Integer(
        string="Escalation After Overdue (days)",
        config_parameter="wsv_fulfillment.escalation_days",
        default=30,
    )
