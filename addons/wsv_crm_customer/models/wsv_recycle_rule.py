from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .i18n import lang_env
from .wsv_holding_limit import GRADES


class WsvRecycleRule(models.Model):
    """When a neglected customer goes back to the public pool (自动回收)."""

    _name = "wsv.recycle.rule"
    _description = "Customer Auto-recycle Rule"
    _order = "grade"

    name = fields.Char(required=True, translate=True)
    grade = fields.Selection(
        GRADES, help="Empty: customers of any grade without a rule of their own."
    )
    no_followup_days = fields.Integer(
        string="No Follow-up For (days)",
        help="Recycle when no message or completed activity for this many days (0: never).",
    )
    no_won_days = fields.Integer(
        string="No Won Deal For (days)",
        help="Recycle when no won opportunity or signed contract for this many days (0: never).",
    )
    warn_days = fields.Integer(
        string="Warn Owner Before (days)",
        default=7,
        help="Days before recycling to warn the owner.",
    )
    exempt_open_opportunities = fields.Boolean(default=True)
    exempt_signed_contracts = fields.Boolean(default=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("grade_unique", "UNIQUE NULLS NOT DISTINCT (grade, active)", "One rule per grade."),
    ]

    @api.constrains("no_followup_days", "no_won_days", "warn_days")
    def _check_days(self):
        for rule in self:
            if min(rule.no_followup_days, rule.no_won_days, rule.warn_days) < 0:
                raise ValidationError(
                    lang_env(self.env)._(
                        "Auto-recycle rule %s: days must not be negative.", rule.name
                    )
                )
            if not (rule.no_followup_days or rule.no_won_days):
                raise ValidationError(
                    lang_env(self.env)._(
                        "Auto-recycle rule %s: set No Follow-up For or No Won Deal For.", rule.name
                    )
                )
