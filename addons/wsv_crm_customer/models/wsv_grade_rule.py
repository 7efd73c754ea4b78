from odoo import fields, models

from ..lib.grading import GradeRule
from .wsv_holding_limit import GRADES


class WsvGradeRule(models.Model):
    """The thresholds a customer must all meet to earn a grade (客户等级)."""

    _name = "wsv.grade.rule"
    _description = "Customer Grading Rule"
    _order = "grade"

    grade = fields.Selection(GRADES, required=True)
    min_contract_amount = fields.Monetary(
        string="Yearly Contract Amount At Least", currency_field="currency_id"
    )
    min_collected_amount = fields.Monetary(
        string="Yearly Collected Amount At Least", currency_field="currency_id"
    )
    min_open_opportunities = fields.Integer(string="Open Opportunities At Least")
    min_employees = fields.Integer(string="Employees At Least")
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id, required=True
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("grade_unique", "UNIQUE (grade, active)", "One grading rule per grade."),
        (
            "thresholds_positive",
            "CHECK (min_contract_amount >= 0 AND min_collected_amount >= 0 "
            "AND min_open_opportunities >= 0 AND min_employees >= 0)",
            "Grading thresholds must not be negative.",
        ),
    ]

    def _as_rules(self):
        return [
            GradeRule(
                grade=rule.grade,
                min_contract_amount=rule.min_contract_amount,
                min_collected_amount=rule.min_collected_amount,
                min_open_opportunities=rule.min_open_opportunities,
                min_employees=rule.min_employees,
            )
            for rule in self
        ]
