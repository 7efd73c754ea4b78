"""Contract review (合同评审): typed rules, their results on a contract, and the approval tier
each approval rule routes to."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.wsv_crm_customer.models.i18n import lang_env

from ..lib import review

# who reads the review with its margins and credit figures: the cost roles and the reviewers
FIGURE_GROUPS = (
    "wsv_crm_customer.group_sales_director,wsv_crm_customer.group_finance,"
    "wsv_crm_customer.group_product_manager,wsv_crm_customer.group_contract_reviewer"
)

RULE_TYPES = [
    ("price_floor", "Price Floor"),
    ("max_discount", "Maximum Discount"),
    ("margin_floor", "Gross Margin Floor"),
    ("credit", "Credit Limit"),
    ("payment_terms", "Payment Terms"),
    ("lead_time", "Delivery Lead Time"),
    ("warranty", "Warranty Policy"),
    ("documents", "Required Documents"),
    ("domain", "Free Rule (domain)"),
]
OUTCOMES = [("approval", "Needs Approval"), ("block", "Block")]


class WsvReviewRule(models.Model):
    _name = "wsv.review.rule"
    _description = "Contract Review Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    rule_type = fields.Selection(RULE_TYPES, required=True)
    outcome = fields.Selection(OUTCOMES, required=True, default="approval")
    reviewer_group_id = fields.Many2one(
        "res.groups",
        string="Approved By",
        help="The role whose members approve a contract that fails this rule.",
    )
    message = fields.Char(translate=True, help="Shown with the result when the rule fails.")
    max_percent = fields.Float(string="Maximum Discount (%)", default=10.0)
    min_percent = fields.Float(string="Minimum Gross Margin (%)", default=15.0)
    require_limit = fields.Boolean(string="Require a Credit Limit")
    min_advance_a = fields.Float(string="Minimum Advance, Grade A (%)", default=0.0)
    min_advance_b = fields.Float(string="Minimum Advance, Grade B (%)", default=10.0)
    min_advance_c = fields.Float(string="Minimum Advance, Grade C (%)", default=30.0)
    min_advance_d = fields.Float(string="Minimum Advance, Grade D (%)", default=50.0)
    max_credit_days = fields.Integer(string="Maximum Credit Days", default=90)
    max_months = fields.Integer(string="Maximum Warranty (months)", default=24)
    domain = fields.Char(
        default="[]", help="Free rule: a contract matching this domain fails the rule."
    )
    tier_definition_id = fields.Many2one("tier.definition", readonly=True, copy=False)
    active = fields.Boolean(default=True)

    @api.constrains("outcome", "reviewer_group_id")
    def _check_reviewer(self):
        for rule in self:
            if rule.outcome == "approval" and not rule.reviewer_group_id:
                raise ValidationError(
                    lang_env(self.env)._(
                        "Review rule %s: a rule that needs approval needs Approved By.", rule.name
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules._sync_tier_definition()
        return rules

    def write(self, vals):
        result = super().write(vals)
        self._sync_tier_definition()
        return result

    def _sync_tier_definition(self):
        """Each approval rule routes to one tier: the contracts that failed it, reviewed by its
        group (OCA base_tier_validation does the rest)."""
        model = self.env["ir.model"]._get("sale.order")
        # the tier's name is a plain field shown to the reviewers: the company's language
        lang = self.env.company.partner_id.lang or self.env.lang
        for rule in self.with_context(lang=lang):
            values = {
                "name": rule.name,
                "model_id": model.id,
                "review_type": "group",
                "reviewer_group_id": rule.reviewer_group_id.id,
                "definition_type": "domain",
                "definition_domain": f"[('review_failed_rule_ids', 'in', [{rule.id}])]",
                "active": rule.active and rule.outcome == "approval",
                "sequence": rule.sequence,
            }
            if rule.tier_definition_id:
                rule.tier_definition_id.sudo().write(values)
            elif rule.outcome == "approval":
                rule.tier_definition_id = self.env["tier.definition"].sudo().create(values)

    def _as_rules(self):
        """The typed rules for lib.review (free domain rules are applied by the ORM)."""
        return [
            review.Rule(
                rule.id,
                rule.rule_type,
                rule.outcome,
                {
                    "price_floor": {},
                    "max_discount": {"max_percent": rule.max_percent},
                    "margin_floor": {"min_percent": rule.min_percent},
                    "credit": {"require_limit": rule.require_limit},
                    "payment_terms": {
                        "min_advance": {
                            "A": rule.min_advance_a,
                            "B": rule.min_advance_b,
                            "C": rule.min_advance_c,
                            "D": rule.min_advance_d,
                        },
                        "max_credit_days": rule.max_credit_days,
                    },
                    "lead_time": {},
                    "warranty": {"max_months": rule.max_months},
                    "documents": {
                        "required": self.env["wsv.contract.doc.requirement"]._required_map()
                    },
                }[rule.rule_type],
            )
            for rule in self
            if rule.rule_type != "domain"
        ]

    def _domain_failures(self, orders):
        """{rule id: the orders failing each free domain rule}."""
        return {
            rule.id: orders.filtered_domain(safe_eval(rule.domain or "[]"))
            for rule in self.filtered(lambda r: r.rule_type == "domain")
        }


class WsvReviewResult(models.Model):
    """One rule's verdict on one contract, from the last review."""

    _name = "wsv.review.result"
    _description = "Contract Review Result"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", index=True)
    rule_id = fields.Many2one("wsv.review.rule", required=True, ondelete="cascade")
    sequence = fields.Integer(related="rule_id.sequence")
    outcome = fields.Selection(
        [("pass", "Pass"), ("approval", "Needs Approval"), ("block", "Block")], required=True
    )
    message = fields.Char()
    # the same with margins and credit figures, for the roles that may read them
    detail = fields.Char(groups=FIGURE_GROUPS)
    reviewer_group_id = fields.Many2one(related="rule_id.reviewer_group_id")
