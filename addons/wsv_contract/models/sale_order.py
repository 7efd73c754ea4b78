"""A contract is a sale.order with contract terms, documents, payment milestones and its own
state chain; the order lines are its products."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.wsv_crm_customer.models.res_partner import TRUSTED, trusted

from ..lib import milestones as milestone_rules
from .wsv_contract_document import CONTRACT_TYPES

CONTRACT_STATES = [
    ("draft", "Draft"),
    ("review", "Under Review"),
    ("approved", "Approved"),
    ("signed", "Signed"),
    ("executing", "Executing"),
    ("closed", "Closed"),
    ("cancel", "Cancelled"),
]
# what an approval covers: changing it afterwards needs a new approval
TERM_FIELDS = {
    "partner_id",
    "pricelist_id",
    "payment_term_id",
    "contract_type",
    "lead_days",
    "warranty_months",
    "incoterm_id",
    "milestone_ids",
    "order_line",
}
FROZEN_STATES = ("signed", "executing", "closed")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    contract_number = fields.Char(readonly=True, copy=False, index=True)
    contract_type = fields.Selection(CONTRACT_TYPES, required=True, default="single", tracking=True)
    contract_state = fields.Selection(
        CONTRACT_STATES,
        string="Contract Status",
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    signing_date = fields.Date(copy=False, tracking=True)
    template_id = fields.Many2one("wsv.contract.template", string="Contract Template")
    customer_contract_ref = fields.Char(string="Customer Contract No.", copy=False)
    tender_ref = fields.Char(string="Bid / Tender Reference")
    lead_days = fields.Integer(string="Delivery Lead Time (days)", tracking=True)
    delivery_place = fields.Char()
    incoterm_id = fields.Many2one("account.incoterms")
    warranty_months = fields.Integer(string="Warranty (months)", tracking=True)
    risk_level = fields.Selection([("low", "Low"), ("medium", "Medium"), ("high", "High")])
    channel_partner_id = fields.Many2one(
        "res.partner", domain="[('partner_kind', '!=', False)]", tracking=True
    )
    revenue_share = fields.Float(string="Revenue Share (%)", digits=(5, 2))
    clauses = fields.Html()
    milestone_ids = fields.One2many(
        "wsv.contract.milestone", "order_id", string="Payment Milestones", copy=True
    )
    document_ids = fields.One2many("wsv.contract.document", "order_id", string="Documents")
    document_count = fields.Integer(compute="_compute_document_count")

    _sql_constraints = [
        ("contract_number_unique", "UNIQUE (contract_number)", "Contract Number must be unique."),
        (
            "revenue_share_range",
            "CHECK (revenue_share >= 0 AND revenue_share <= 100)",
            "Revenue Share (%) must be between 0 and 100.",
        ),
    ]

    @api.depends("document_ids")
    def _compute_document_count(self):
        for order in self:
            order.document_count = len(order.document_ids)

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.template_id:
            self.update(self.template_id._contract_values())

    @api.onchange("channel_partner_id")
    def _onchange_channel_partner_id(self):
        self.revenue_share = self.channel_partner_id.revenue_share

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("contract_number"):
                vals["contract_number"] = self.env["ir.sequence"].next_by_code(
                    "wsv.contract.number"
                )
            if vals.get("template_id") and "milestone_ids" not in vals:
                template = self.env["wsv.contract.template"].browse(vals["template_id"])
                vals.update(
                    {
                        k: v
                        for k, v in template._contract_values().items()
                        if k not in vals or k == "milestone_ids"
                    }
                )
        return super().create(vals_list)

    def write(self, vals):
        if TERM_FIELDS & set(vals) and not trusted(self.env, "wsv_contract_state"):
            self._check_terms_change()
            approved = self.filtered(lambda o: o.contract_state == "approved")
            result = super().write(vals)
            approved._back_to_review()
            return result
        return super().write(vals)

    def _check_terms_change(self):
        frozen = self.filtered(lambda o: o.contract_state in FROZEN_STATES)
        if frozen:
            raise UserError(
                self.env._(
                    "Contract %s is signed: its amounts and terms can no longer change; make a "
                    "supplementary contract instead.",
                    frozen[0].contract_number,
                )
            )

    def _back_to_review(self):
        if self:
            self._set_contract_state("review")
            for order in self:
                order.message_post(body=self.env._("Terms changed after approval: back to review."))

    def _lines_changed(self):
        self._check_terms_change()
        self.filtered(lambda o: o.contract_state == "approved")._back_to_review()

    def _set_contract_state(self, state):
        self.with_context(wsv_contract_state=TRUSTED).write({"contract_state": state})

    # ------------------------------------------------------------ checks
    def _milestone_errors(self):
        self.ensure_one()
        messages = {
            "unknown_trigger": self.env._(
                "Payment Milestones: line %(line)s has an unknown trigger."
            ),
            "percent_and_amount": self.env._(
                "Payment Milestones: line %(line)s has both a percent and an amount; give one."
            ),
            "no_value": self.env._(
                "Payment Milestones: line %(line)s has neither a percent nor an amount."
            ),
            "negative": self.env._("Payment Milestones: line %(line)s has a negative value."),
            "percent_over_100": self.env._("Payment Milestones: line %(line)s is over 100%%."),
            "retention_needs_warranty": self.env._(
                "Payment Milestones: line %(line)s is a warranty retention; "
                "set the Warranty (months)."
            ),
            "empty": self.env._(
                "Payment Milestones: a contract needs at least one payment milestone."
            ),
            "no_total": self.env._(
                "Payment Milestones: fixed amounts need a contract total above zero."
            ),
            "not_100": self.env._("Payment Milestones: they add up to %(total)s%%, not 100%%."),
        }
        problems = milestone_rules.problems(
            self.milestone_ids._as_rule(), self.amount_total, self.warranty_months
        )
        return [
            messages[code]
            % {"line": params.get("index", 0) + 1, "total": params.get("total_percent")}
            for code, params in problems
        ]

    @api.constrains("milestone_ids", "warranty_months")
    def _check_retention_warranty(self):
        for order in self:
            if order.warranty_months < 0:
                raise ValidationError(self.env._("Warranty (months) must not be negative."))

    def _check_submittable(self):
        for order in self:
            if not order.order_line.filtered(lambda line: not line.display_type):
                raise UserError(self.env._("Contract %s has no products.", order.contract_number))
            errors = order._milestone_errors()
            if errors:
                raise UserError("\n".join(errors))

    def _check_documents(self):
        for order in self:
            required = self.env["wsv.contract.doc.requirement"]._required(order.contract_type)
            missing = required - set(order.document_ids.mapped("doc_type"))
            if missing:
                labels = dict(
                    self.env["wsv.contract.document"]
                    ._fields["doc_type"]
                    ._description_selection(self.env)
                )
                raise UserError(
                    self.env._(
                        "Documents: contract %(number)s cannot be signed without: %(missing)s.",
                        number=order.contract_number,
                        missing=", ".join(sorted(labels[m] for m in missing)),
                    )
                )

    def _check_state(self, *states):
        wrong = self.filtered(lambda o: o.contract_state not in states)
        if wrong:
            names = dict(self._fields["contract_state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Contract %(number)s is %(state)s: this step needs it %(needed)s.",
                    number=wrong[0].contract_number,
                    state=names[wrong[0].contract_state],
                    needed=" / ".join(names[s] for s in states),
                )
            )

    # ------------------------------------------------------------ actions
    def action_contract_submit(self):
        """Submit for review: the terms are checked; the review itself follows."""
        self._check_state("draft")
        self._check_submittable()
        self._set_contract_state("review")
        return True

    def action_contract_approve(self):
        self._check_state("review")
        user = self.env.user
        if not (
            user.has_group("wsv_crm_customer.group_contract_reviewer")
            or user.has_group("wsv_crm_customer.group_sales_manager")
        ):
            raise UserError(
                self.env._("Approval: only a contract reviewer or a sales manager approves.")
            )
        own = self.filtered(lambda o: user in (o.user_id | o.create_uid))
        if own:
            raise UserError(
                self.env._(
                    "Approval: you cannot approve your own contract %s.", own[0].contract_number
                )
            )
        self._set_contract_state("approved")
        return True

    def action_contract_sign(self):
        self._check_state("approved")
        self._check_documents()
        for order in self:
            order.signing_date = order.signing_date or fields.Date.context_today(self)
        self.with_context(wsv_contract_signing=TRUSTED).action_confirm()
        self._set_contract_state("signed")
        return True

    def action_contract_execute(self):
        self._check_state("signed")
        self._set_contract_state("executing")
        return True

    def action_contract_close(self):
        self._check_state("executing")
        self._set_contract_state("closed")
        return True

    def action_contract_cancel(self):
        self._check_state("draft", "review", "approved", "signed")
        self._action_cancel()
        self._set_contract_state("cancel")
        return True

    def action_contract_draft(self):
        self._check_state("review", "approved", "cancel")
        self.filtered(lambda o: o.state == "cancel").action_draft()
        self._set_contract_state("draft")
        return True

    def _confirmation_error_message(self):
        # a contract is confirmed by signing it, once approved
        if not trusted(self.env, "wsv_contract_signing"):
            return self.env._(
                "Contract %s: sign it once approved, instead of confirming it.",
                self.contract_number,
            )
        return super()._confirmation_error_message()


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._lines_changed()
        return lines

    def write(self, vals):
        orders = self.order_id
        if {"product_id", "product_uom_qty", "price_unit", "discount", "tax_id"} & set(vals):
            orders._check_terms_change()
            approved = orders.filtered(lambda o: o.contract_state == "approved")
            result = super().write(vals)
            approved._back_to_review()
            return result
        return super().write(vals)

    def unlink(self):
        orders = self.order_id
        orders._check_terms_change()
        approved = orders.filtered(lambda o: o.contract_state == "approved")
        result = super().unlink()
        approved._back_to_review()
        return result
