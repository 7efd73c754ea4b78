from odoo import fields, models

from ..lib.pool import HoldingLimit

GRADES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")]


class WsvHoldingLimit(models.Model):
    """Most customers one salesperson may hold (持有上限)."""

    _name = "wsv.holding.limit"
    _description = "Customer Holding Limit"
    _order = "user_id, grade"

    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        help="Empty: the limit for every salesperson without a limit of their own.",
    )
    grade = fields.Selection(GRADES, help="Empty: customers of any grade.")
    max_customers = fields.Integer(required=True)
    include_won = fields.Boolean(
        string="Count Won Customers",
        default=True,
        help="Whether customers with a won deal count against the limit.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "max_customers_positive",
            "CHECK (max_customers >= 0)",
            "Max Customers must not be negative.",
        ),
        (
            "user_grade_unique",
            "UNIQUE NULLS NOT DISTINCT (user_id, grade)",
            "Only one holding limit per salesperson and grade.",
        ),
    ]

    def _as_rules(self):
        return [
            HoldingLimit(
                max_customers=limit.max_customers,
                grade=limit.grade or None,
                user_id=limit.user_id.id or None,
                include_won=limit.include_won,
            )
            for limit in self
        ]
