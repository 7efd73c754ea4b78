"""A contract is a sale.order with contract terms, documents, payment milestones and its own
state chain; the order lines are its products."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.wsv_crm_customer.models.res_partner import TRUSTED, trusted

from ..lib import milestones as milestone_rules
from ..lib import review
from .workflow import check_state
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
# who may see costs and margins (sale_margin's fields are open to every internal user)
COST_GROUPS = (
    "wsv_crm_customer.group_sales_director,wsv_crm_customer.group_finance,"
    "wsv_crm_customer.group_product_manager"
)


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "tier.validation"]
    # OCA tier validation drives the approvals of the review state
    _state_field = "contract_state"
    _state_from = ["review"]
    _state_to = ["approved"]
    _cancel_state = "cancel"
    _tier_validation_manual_config = False

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
    margin = fields.Monetary(groups=COST_GROUPS)
    margin_percent = fields.Float(groups=COST_GROUPS)
    signed_margin = fields.Monetary(
        string="Gross Margin at Signing", readonly=True, copy=False, groups=COST_GROUPS
    )
    signed_margin_percent = fields.Float(
        string="Gross Margin at Signing (%)", readonly=True, copy=False, groups=COST_GROUPS
    )
    review_result_ids = fields.One2many("wsv.review.result", "order_id", string="Review Results")
    review_failed_rule_ids = fields.Many2many(
        "wsv.review.rule", string="Failed Review Rules", copy=False, readonly=True
    )
    review_verdict = fields.Selection(
        [("pass", "Pass"), ("approval", "Needs Approval"), ("block", "Blocked")],
        readonly=True,
        copy=False,
    )

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
        """New terms, new review: the approvals start over."""
        if self:
            self.restart_validation()
            self._set_contract_state("draft")
            for order in self:
                order.message_post(body=self.env._("Terms changed after approval: back to review."))
            self.action_contract_submit()

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
        message = self.env._("Contract %(number)s is %(state)s: this step needs it %(needed)s.")
        check_state(self, "contract_state", states, message, number="contract_number")

    # ------------------------------------------------------------ actions
    def action_contract_submit(self):
        """Submit: every review rule runs in one pass over all the contracts; a blocking rule
        stops the submission with all its reasons, approval rules route to their reviewers
        (tier validation), and a contract that passes everything is approved at once."""
        self._check_state("draft")
        self._check_submittable()
        self._run_review()
        blocked = self.filtered(lambda o: o.review_verdict == "block")
        if blocked:
            reasons = blocked.review_result_ids.filtered(lambda r: r.outcome == "block")
            raise UserError(
                self.env._("Contract review blocks the submission:")
                + "\n"
                + "\n".join(f"- {r.order_id.contract_number}: {r.message}" for r in reasons)
            )
        self.filtered(lambda o: o.review_verdict == "pass")._set_contract_state("approved")
        to_approve = self.filtered(lambda o: o.review_verdict == "approval")
        to_approve._set_contract_state("review")
        to_approve.request_validation()
        return True

    # ------------------------------------------------------------ review
    def _review_snapshot(self, credit):
        """The contract as lib.review sees it; ``credit`` maps customers to their credit
        limit and open receivables (read once for all the contracts)."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        credit_limit, open_receivables = credit[partner.id]
        total = self.amount_total
        terms = self.milestone_ids._as_rule()
        return review.Contract(
            amount=total,
            lines=[
                review.Line(
                    product=line.product_id.display_name,
                    qty=line.product_uom_qty,
                    price_unit=line.price_unit,
                    list_price=line.product_id.lst_price,
                    floor_price=line.product_id.floor_price,
                    cost=line.product_id.standard_price,
                    discount=line.discount,
                    lead_days=line.product_id.lead_days,
                )
                for line in self.order_line
                if not line.display_type and line.product_id
            ],
            customer_grade=partner.grade or None,
            credit_limit=credit_limit,
            open_receivables=open_receivables,
            advance_percent=milestone_rules.advance_percent(terms, total),
            credit_days=milestone_rules.credit_days(terms),
            lead_days=self.lead_days,
            warranty_months=self.warranty_months,
            contract_type=self.contract_type,
            documents=frozenset(self.document_ids.mapped("doc_type")),
        )

    def _run_review(self):
        """All the rules over all the contracts in one pass; results stored on each."""
        rules = self.env["wsv.review.rule"].sudo().search([])
        typed = rules._as_rules()
        by_domain = rules._domain_failures(self)
        by_id = {rule.id: rule for rule in rules}
        self.review_result_ids.sudo().unlink()
        # credit figures are finance's fields: the review reads them, in one query, for
        # whoever submits
        partners = self.partner_id.commercial_partner_id.sudo()
        credit = {p.id: (p.credit_limit, p.credit) for p in partners}
        results, verdicts = [], {}
        for order in self:
            outcomes = review.evaluate(order._review_snapshot(credit), typed)
            for rule_id, failing in by_domain.items():
                fails = order in failing
                outcome = by_id[rule_id].outcome if fails else "pass"
                outcomes.append(review.Result(rule_id, not fails, outcome, "domain", {}))
            failed = tuple(sorted(o.rule_id for o in outcomes if not o.passed))
            verdicts.setdefault((review.verdict(outcomes), failed), []).append(order.id)
            results += [
                {
                    "order_id": order.id,
                    "rule_id": o.rule_id,
                    "outcome": o.outcome,
                    "message": "" if o.passed else order._review_message(by_id[o.rule_id], o),
                }
                for o in outcomes
            ]
        # one write per distinct verdict, not one per contract
        for (verdict, failed), ids in verdicts.items():
            self.browse(ids).with_context(wsv_contract_state=TRUSTED).write(
                {"review_verdict": verdict, "review_failed_rule_ids": [(6, 0, list(failed))]}
            )
        self.env["wsv.review.result"].sudo().create(results)

    def _review_message(self, rule, result):
        """A translated sentence for a failed rule, from its code and numbers."""
        d, _ = result.details, self.env._
        parts = []
        if result.code == "below_floor":
            parts.append(_("Below the floor price: %s.", ", ".join(d["lines"])))
        elif result.code == "discount_over":
            parts.append(
                _(
                    "Discount of %(worst)s%% over the allowed %(max)s%%: %(lines)s.",
                    worst=d["worst_percent"],
                    max=d["max_percent"],
                    lines=", ".join(d["lines"]),
                )
            )
        elif result.code == "margin_low":
            parts.append(
                _(
                    "Gross margin %(margin)s%% under %(min)s%%.",
                    margin=d["margin_percent"],
                    min=d["min_percent"],
                )
            )
        elif result.code == "over_credit":
            parts.append(
                _(
                    "Open receivables and this contract (%(exposure)s) exceed the credit limit "
                    "(%(limit)s).",
                    exposure=round(d["exposure"], 2),
                    limit=round(d["limit"], 2),
                )
            )
        elif result.code == "no_credit_limit":
            parts.append(_("The customer has no credit limit."))
        elif result.code == "lead_time_short":
            parts.append(
                _(
                    "Delivery in %(days)s days, production needs %(needed)s.",
                    days=d["lead_days"],
                    needed=d["needed_days"],
                )
            )
        elif result.code == "warranty_long":
            parts.append(
                _(
                    "Warranty of %(months)s months over the policy's %(max)s.",
                    months=d["warranty_months"],
                    max=d["max_months"],
                )
            )
        elif result.code == "documents_missing":
            parts.append(_("Missing documents: %s.", ", ".join(d["missing"])))
        if "min_percent" in d and "advance_percent" in d:
            parts.append(
                _(
                    "Advance %(advance)s%% under the %(min)s%% required for grade %(grade)s.",
                    advance=round(d["advance_percent"], 2),
                    min=d["min_percent"],
                    grade=d["grade"],
                )
            )
        if "max_days" in d:
            parts.append(
                _(
                    "%(days)s credit days over the allowed %(max)s.",
                    days=d["credit_days"],
                    max=d["max_days"],
                )
            )
        return " ".join(filter(None, [rule.message] + parts))

    def validate_tier(self):
        own = self.filtered(lambda o: self.env.user in (o.user_id | o.create_uid))
        if own:
            raise UserError(
                self.env._(
                    "Approval: you cannot approve your own contract %s.", own.contract_number
                )
            )
        result = super().validate_tier()
        # the last approval approves the contract
        self.filtered(lambda o: o.validation_status == "validated")._set_contract_state("approved")
        return result

    def _get_tier_validation_readonly_domain(self):
        # read-only while the approvers look at it, editable again once decided
        return "validation_status in ('waiting', 'pending')"

    def action_contract_sign(self):
        self._check_state("approved")
        self._check_documents()
        for order in self:
            order.signing_date = order.signing_date or fields.Date.context_today(self)
        self.with_context(wsv_contract_signing=TRUSTED).action_confirm()
        self._set_contract_state("signed")
        # the margin as signed, kept for reports whatever costs do later; a signed contract
        # is a won deal for its customer (grading, holding limits, auto-recycle)
        # (sudo: the margin fields are the cost roles', the snapshot is taken for everyone)
        for order in self.sudo():
            order.with_context(wsv_contract_state=TRUSTED).write(
                {"signed_margin": order.margin, "signed_margin_percent": order.margin_percent}
            )
        for day in set(self.mapped("signing_date")):
            signed = self.filtered(lambda o, d=day: o.signing_date == d)
            signed.partner_id.commercial_partner_id._record_won(day)
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

    purchase_price = fields.Float(groups=COST_GROUPS)
    margin = fields.Float(groups=COST_GROUPS)
    margin_percent = fields.Float(groups=COST_GROUPS)

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
