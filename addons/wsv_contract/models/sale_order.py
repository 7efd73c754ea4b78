"""A contract is a sale.order with contract terms, documents, payment milestones and its own
state chain; the order lines are its products. Not every order is a contract: see
``_wsv_makes_contract`` and docs/architecture.md ("Contracts and plain quotations")."""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.wsv_crm_customer.models.i18n import lang_env
from odoo.addons.wsv_crm_customer.models.identity import identity_check, identity_checked
from odoo.addons.wsv_crm_customer.models.res_config_settings import get_setting
from odoo.addons.wsv_crm_customer.models.res_partner import TRUSTED, trusted
from odoo.addons.wsv_crm_customer.models.wsv_guard import ALL, FRAMEWORK_PREFIXES

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
FROZEN_STATES = ("signed", "executing", "closed")
# What may change on a contract whatever its state: references and labels that move no
# money. Everything else is a term: an approval covers it, a change after approval needs a
# new review, and a signed contract keeps it (an allowlist: a field Odoo or an addon adds
# later is a term until it is listed here).
NOTE_FIELDS = {
    "customer_contract_ref",
    "tender_ref",
    "delivery_place",
    "risk_level",
    "tag_ids",
    "client_order_ref",
    "origin",
}
SALESPERSON = "wsv_crm_customer.group_salesperson"
MANAGER = "wsv_crm_customer.group_sales_manager"
DIRECTOR = "wsv_crm_customer.group_sales_director"
FINANCE = "wsv_crm_customer.group_finance"
# the company setting that makes every sales order a contract
ALL_ORDERS_CONTRACTS = "wsv_contract.all_orders_contracts"
# who read a contract's milestones, documents and review results (their access rights)
CONTRACT_READERS = (
    "wsv_crm_customer.group_salesperson,wsv_crm_customer.group_finance,"
    "wsv_crm_customer.group_product_manager,wsv_crm_customer.group_contract_reviewer"
)
# who may see costs and margins (sale_margin's fields are open to every internal user)
COST_GROUPS = (
    "wsv_crm_customer.group_sales_director,wsv_crm_customer.group_finance,"
    "wsv_crm_customer.group_product_manager"
)


class SaleOrder(models.Model):
    _name = "sale.order"
    # (its reads are logged: wsv.read.audited)
    _inherit = ["wsv.read.audited", "sale.order", "tier.validation", "wsv.guard.mixin"]
    # OCA tier validation drives the approvals of the review state
    _state_field = "contract_state"
    _state_from = ["review"]
    _state_to = ["approved"]
    _cancel_state = "cancel"
    _tier_validation_manual_config = False
    # the contract's workflow (Odoo's own state follows it: signing confirms the order)
    _wsv_workflow = ("contract_state", "state")
    _wsv_derived = (
        "is_contract",
        "contract_number",
        "signed_margin",
        "signed_margin_percent",
        "review_verdict",
        "review_failed_rule_ids",
        "review_ids",
        "signature",
        "signed_by",
        "signed_on",
    )
    _wsv_state = "contract_state"

    # decided by the system when the order is created (or its customer or template change),
    # never by a client: see _wsv_makes_contract
    is_contract = fields.Boolean(string="Is a Contract", readonly=True, copy=False, index=True)
    contract_number = fields.Char(readonly=True, copy=False, index=True)
    contract_type = fields.Selection(CONTRACT_TYPES, required=True, default="single", tracking=True)
    supplement_of_id = fields.Many2one(
        "sale.order",
        string="Supplements",
        domain="[('is_contract', '=', True), ('contract_state', 'in', ('signed', 'executing')),"
        " ('partner_id', '=', partner_id)]",
        index="btree_not_null",
        copy=False,
        tracking=True,
        help="A supplementary contract changes this signed contract of the same customer.",
    )
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
    # (copied with the contract by copy_data: a field with groups cannot be copy=True, Odoo
    # would read it for users outside the groups too)
    milestone_ids = fields.One2many(
        "wsv.contract.milestone", "order_id", string="Payment Milestones", groups=CONTRACT_READERS
    )
    document_ids = fields.One2many(
        "wsv.contract.document", "order_id", string="Documents", groups=CONTRACT_READERS
    )
    document_count = fields.Integer(compute="_compute_document_count", groups=CONTRACT_READERS)
    margin = fields.Monetary(groups=COST_GROUPS)
    margin_percent = fields.Float(groups=COST_GROUPS)
    signed_margin = fields.Monetary(
        string="Gross Margin at Signing", readonly=True, copy=False, groups=COST_GROUPS
    )
    signed_margin_percent = fields.Float(
        string="Gross Margin at Signing (%)", readonly=True, copy=False, groups=COST_GROUPS
    )
    review_result_ids = fields.One2many(
        "wsv.review.result", "order_id", string="Review Results", groups=CONTRACT_READERS
    )
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

    def _wsv_allow_table(self, create=False):
        live = {"": NOTE_FIELDS, MANAGER: {"user_id", "team_id"}, DIRECTOR: {"signing_date"}}
        live[FINANCE] = {"signing_date"}
        terms = self._wsv_terms_table()
        return {
            # drafted freely; once approved still editable, but a new review follows
            "draft": terms["draft"] | {"": NOTE_FIELDS},
            "approved": terms["approved"] | {"": NOTE_FIELDS},
            # under review the approvers decide on what they see: back to draft to change it
            "review": {"": NOTE_FIELDS},
            "signed": live,
            "executing": live,
            "closed": {"": NOTE_FIELDS},
        }

    def _wsv_terms_table(self):
        """Who drafts the terms (lines, milestones, prices) of this contract: its salesperson
        or a manager (the team's, by the record rules); not a reviewer or finance, who may
        write some of its fields. For a new contract, any salesperson."""
        mine = not self or self.user_id == self.env.user
        terms = {MANAGER: ALL, SALESPERSON: ALL} if mine else {MANAGER: ALL}
        return {"draft": terms, "approved": terms}

    def _wsv_check_write(self, vals):
        # Odoo marks a quotation sent when it is e-mailed: a mark, not a step of the contract
        if set(vals) == {"state"} and vals["state"] == "sent":
            if all(o.state == "draft" for o in self):
                return dict(vals)
        plain = self - self._wsv_in_scope()
        if plain and not self._wsv_trusted():
            self._wsv_check_plain(vals, plain)
        return super()._wsv_check_write(vals)

    # ------------------------------------------------------------ contract or plain quotation
    @api.model
    def _wsv_makes_contract(self, vals):
        """Whether an order with these values is a contract: when it follows a contract
        template, when its customer is in the customer registry (客户档案), or when the
        company makes every order a contract. Anything else (a one-off sale to a partner who
        is not a registered customer, the portal shop) is a plain quotation that works as in
        Odoo. Decided from the data, never from a client's flag: no client turns a
        registered customer's contract into a quotation it could confirm."""
        return self._wsv_makes_contracts([vals])[0]

    @api.model
    def _wsv_makes_contracts(self, vals_list):
        """``_wsv_makes_contract`` for many values, their partners read in one query."""
        if get_setting(self.env, ALL_ORDERS_CONTRACTS, False):
            return [True] * len(vals_list)
        ids_of = []
        for vals in vals_list:
            ids = set()
            for name in ("partner_id", "partner_invoice_id"):
                value = vals.get(name) or self.env.context.get(f"default_{name}")
                if isinstance(value, int | str) and str(value).isdigit():
                    ids.add(int(value))  # (an id sent as text is stored as the number)
            ids_of.append(ids)
        partners = self.env["res.partner"].sudo().browse(set().union(*ids_of)).exists()
        customers = set(partners.filtered("commercial_partner_id.is_customer").ids)
        return [
            bool(vals.get("template_id") or ids & customers)
            for vals, ids in zip(vals_list, ids_of, strict=True)
        ]

    def _wsv_should_be_contract(self):
        """The same rule on the order as it stands (its customer's company may have changed,
        a default may have filled its customer)."""
        self.ensure_one()
        return self._wsv_makes_contract(
            {
                "partner_id": self.partner_id.id,
                "partner_invoice_id": self.partner_invoice_id.id,
                "template_id": self.template_id.id,
            }
        )

    def _wsv_convert_due(self):
        """Plain orders the rule now makes contracts: open quotations become contracts; a
        confirmed or cancelled one cannot, so the change that made it one is refused."""
        due = self.filtered(lambda o: not o.is_contract and o._wsv_should_be_contract())
        late = due.filtered(lambda o: o.state not in ("draft", "sent"))
        if late:
            raise UserError(
                lang_env(self.env)._(
                    "Order %s: a registered customer buys under contract; a confirmed or "
                    "cancelled sales order cannot become one. Make a new contract instead.",
                    late[0].name,
                )
            )
        due._wsv_become_contract()

    def _wsv_become_contract(self):
        """Plain quotations whose customer or template now make them contracts: numbered,
        and in the contract's first state whatever a quotation carried before."""
        for order in self.filtered(lambda o: not o.is_contract and o.state in ("draft", "sent")):
            vals = {
                "is_contract": True,
                "contract_state": "draft",
                "review_verdict": False,
                "review_failed_rule_ids": [Command.clear()],
            }
            if not order.contract_number:
                vals["contract_number"] = order._wsv_next_contract_number()
            order._wsv_system().write(vals)
            order._wsv_reset_reviews()
            order.message_post(body=lang_env(self.env)._("This quotation is now a contract."))

    def _wsv_next_contract_number(self):
        """The sequence's next number, past any number already taken (a contract keyed in or
        migrated with its own number, a sequence reset by hand): never a duplicate."""
        sequence = self.env["ir.sequence"].sudo()
        Order = self.sudo().with_context(active_test=False)
        for _attempt in range(1000):
            number = sequence.next_by_code("wsv.contract.number")
            if not number or not Order.search_count([("contract_number", "=", number)], limit=1):
                return number
        raise UserError(
            lang_env(self.env)._("Contract Number: the sequence hands out only taken numbers.")
        )

    def _wsv_in_scope(self):
        # the allowlist is the contracts'; a plain quotation is Odoo's (see _wsv_check_plain)
        return self.filtered("is_contract")

    def _wsv_check_plain(self, vals, records=None):
        """On a plain quotation Odoo's own rules hold; only the contract's facts (its state,
        number, review and the flag itself) stay the system's."""
        closed = (set(self._wsv_workflow) - {"state"}) | set(self._wsv_derived)
        # (the caller's default_* keys too: they fill what the values leave out)
        defaults = {
            k[len("default_") :]: v
            for k, v in self.env.context.items()
            if k.startswith("default_") and k[len("default_") :] in closed
        }
        vals = {**defaults, **vals} if records is None else vals
        names = {
            n
            for n in vals
            if n in closed
            and vals[n]
            and not (n in self._wsv_workflow and vals[n] == self._wsv_default(n))
        }
        for record in records if records is not None else [self.browse()]:
            refused = {n for n in names if not (record and record._wsv_unchanged(n, vals[n]))}
            if refused:
                raise UserError(self._wsv_message(refused, None))

    def _wsv_check_create(self, vals_list):
        if self._wsv_trusted():
            return super()._wsv_check_create(vals_list)
        flags = self._wsv_makes_contracts(vals_list)
        contracts = [vals for vals, flag in zip(vals_list, flags, strict=True) if flag]
        contract_ids = {id(vals) for vals in contracts}
        for vals in vals_list:
            if id(vals) not in contract_ids:
                self._wsv_check_plain(vals)
        super()._wsv_check_create(contracts)
        return [dict(vals) for vals in vals_list]

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._wsv_check_create(vals_list)
        flags = self._wsv_makes_contracts(vals_list)
        for vals, flag in zip(vals_list, flags, strict=True):
            # a trusted caller (a migration) may say; for everyone else the data decide
            if not (self._wsv_trusted() and "is_contract" in vals):
                vals["is_contract"] = flag
            if not vals["is_contract"]:
                continue
            if not vals.get("contract_number"):
                vals["contract_number"] = self._wsv_next_contract_number()
            if vals.get("template_id") and "milestone_ids" not in vals:
                template = self.env["wsv.contract.template"].browse(vals["template_id"])
                vals.update(
                    {
                        k: v
                        for k, v in template._contract_values().items()
                        if k not in vals or k == "milestone_ids"
                    }
                )
        orders = super().create(vals_list)
        # what the values did not say (a user's saved default customer, an id sent as text)
        if not self._wsv_trusted():
            orders._wsv_convert_due()
        return orders

    def write(self, vals):
        vals = self._wsv_check_write(vals)
        terms = set(vals) - NOTE_FIELDS - {n for n in vals if n.startswith(FRAMEWORK_PREFIXES)}
        if terms and not self._wsv_trusted():
            approved = self.filtered(lambda o: o.contract_state == "approved")
            result = super().write(vals)
            approved._back_to_review()
        else:
            result = super().write(vals)
        watched = {"partner_id", "partner_invoice_id", "template_id", "state"}
        if watched & set(vals) and not self._wsv_trusted():
            self._wsv_convert_due()
        return result

    def copy_data(self, default=None):
        """A contract's copy carries its payment milestones (a plain quotation has none)."""
        vals_list = super().copy_data(default)
        if "milestone_ids" in (default or {}):
            return vals_list
        for order, vals in zip(self, vals_list, strict=True):
            if vals is not None and order.is_contract:
                # (read as the system: the copy's create decides whether the user may)
                milestones = order.sudo().milestone_ids
                vals["milestone_ids"] = [Command.create(v) for v in milestones.copy_data()]
        return vals_list

    def _check_terms_change(self):
        """Lines and milestones are terms too: their own guard refuses them once signed or
        under review; an approved contract goes back to review when they change."""
        frozen = self.filtered(lambda o: o.contract_state in FROZEN_STATES)
        if frozen and not self._wsv_trusted():
            raise UserError(
                lang_env(self.env)._(
                    "Contract %s is signed: its amounts and terms can no longer change; make a "
                    "supplementary contract instead.",
                    frozen[0].contract_number,
                )
            )

    def _back_to_review(self):
        """New terms, new review: the approvals start over."""
        if self:
            self._wsv_reset_reviews()
            self._set_contract_state("draft")
            for order in self:
                order.message_post(
                    body=lang_env(self.env)._("Terms changed after approval: back to review.")
                )
            self._wsv_system().action_contract_submit()

    def _wsv_reset_reviews(self):
        """Drop the approvals of an earlier round (OCA's restart_validation does so only from
        the review state; a contract also comes back from approved and cancelled). The chatter
        keeps who approved what."""
        self.sudo().review_ids.unlink()

    def _lines_changed(self):
        self._check_terms_change()
        self.filtered(lambda o: o.contract_state == "approved")._back_to_review()

    def _set_contract_state(self, state):
        self._wsv_system().write({"contract_state": state})

    # ------------------------------------------------------------ checks
    def _milestone_errors(self):
        self.ensure_one()
        messages = {
            "unknown_trigger": lang_env(self.env)._(
                "Payment Milestones: line %(line)s has an unknown trigger."
            ),
            "percent_and_amount": lang_env(self.env)._(
                "Payment Milestones: line %(line)s has both a percent and an amount; give one."
            ),
            "no_value": lang_env(self.env)._(
                "Payment Milestones: line %(line)s has neither a percent nor an amount."
            ),
            "negative": lang_env(self.env)._(
                "Payment Milestones: line %(line)s has a negative value."
            ),
            "percent_over_100": lang_env(self.env)._(
                "Payment Milestones: line %(line)s is over 100%%."
            ),
            "retention_needs_warranty": lang_env(self.env)._(
                "Payment Milestones: line %(line)s is a warranty retention; "
                "set the Warranty (months)."
            ),
            "empty": lang_env(self.env)._(
                "Payment Milestones: a contract needs at least one payment milestone."
            ),
            "no_total": lang_env(self.env)._(
                "Payment Milestones: fixed amounts need a contract total above zero."
            ),
            "not_100": lang_env(self.env)._(
                "Payment Milestones: they add up to %(total)s%%, not 100%%."
            ),
        }
        problems = milestone_rules.problems(
            self.milestone_ids._as_rule(), self.amount_total, self.warranty_months
        )
        return [
            messages[code]
            % {"line": params.get("index", 0) + 1, "total": params.get("total_percent")}
            for code, params in problems
        ]

    @api.constrains("supplement_of_id", "contract_type", "partner_id")
    def _check_supplement_of(self):
        # (sudo: the original may be another salesperson's contract of the same customer)
        for order in self.sudo().filtered("supplement_of_id"):
            original = order.supplement_of_id
            if (
                order.contract_type != "supplementary"
                or not order.is_contract
                or original == order
                or original.contract_state not in ("signed", "executing")
                or original.partner_id.commercial_partner_id
                != order.partner_id.commercial_partner_id
            ):
                # (no number of the contract named: it may be one the user cannot read)
                raise ValidationError(
                    lang_env(self.env)._(
                        "Supplements: a supplementary contract supplements a signed contract of "
                        "the same customer."
                    )
                )

    @api.constrains("milestone_ids", "warranty_months")
    def _check_retention_warranty(self):
        for order in self:
            if order.warranty_months < 0:
                raise ValidationError(
                    lang_env(self.env)._("Warranty (months) must not be negative.")
                )

    def _check_submittable(self):
        for order in self:
            if not order.order_line.filtered(lambda line: not line.display_type):
                raise UserError(
                    lang_env(self.env)._("Contract %s has no products.", order.contract_number)
                )
            if order.contract_type == "supplementary" and not order.supplement_of_id:
                raise UserError(
                    lang_env(self.env)._(
                        "Contract %s is supplementary: Supplements must name the signed contract "
                        "it changes.",
                        order.contract_number,
                    )
                )
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
                    ._description_selection(lang_env(self.env))
                )
                raise UserError(
                    lang_env(self.env)._(
                        "Documents: contract %(number)s cannot be signed without: %(missing)s.",
                        number=order.contract_number,
                        missing=", ".join(sorted(labels[m] for m in missing)),
                    )
                )

    def _check_sales_step(self, *also):
        """The contract's steps are its salesperson's (a manager's for the team, within the
        record rules): not a reviewer's, finance's or an integration's, who may write some of
        its fields. ``also``: other groups that may take this step."""
        user = self.env.user
        if self._wsv_trusted() or any(user.has_group(g) for g in also):
            return
        if not user.has_group(SALESPERSON):
            raise UserError(lang_env(self.env)._("Contract: this step is for the sales roles."))
        if not user.has_group(MANAGER):
            other = self.filtered(lambda o: o.user_id != user)[:1]
            if other:
                raise UserError(
                    lang_env(self.env)._(
                        "Contract %s: this step is for its salesperson or the team's manager.",
                        other.contract_number,
                    )
                )

    def _check_state(self, *states):
        message = lang_env(self.env)._(
            "Contract %(number)s is %(state)s: this step needs it %(needed)s."
        )
        check_state(self, "contract_state", states, message, number="contract_number")

    # ------------------------------------------------------------ actions
    def action_contract_submit(self):
        """Submit: every review rule runs in one pass over all the contracts; a blocking rule
        stops the submission with all its reasons, approval rules route to their reviewers
        (tier validation), and a contract that passes everything is approved at once."""
        self._check_sales_step()
        self._check_state("draft")
        self._check_submittable()
        self._run_review()
        blocked = self.filtered(lambda o: o.review_verdict == "block")
        if blocked:
            reasons = blocked.review_result_ids.filtered(lambda r: r.outcome == "block")
            raise UserError(
                lang_env(self.env)._("Contract review blocks the submission:")
                + "\n"
                + "\n".join(f"- {r.order_id.contract_number}: {r.message}" for r in reasons)
            )
        self.filtered(lambda o: o.review_verdict == "pass")._set_contract_state("approved")
        to_approve = self.filtered(lambda o: o.review_verdict == "approval")
        to_approve._set_contract_state("review")
        to_approve._wsv_system().request_validation()
        return True

    # ------------------------------------------------------------ review
    def _review_snapshot(self, credit, products):
        """The contract as lib.review sees it; ``credit`` maps customers to their credit
        limit and open receivables, ``products`` product ids to their name, list, floor and
        cost prices and lead time (each read once for all the contracts)."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        credit_limit, open_receivables = credit[partner.id]
        total = self.amount_total
        terms = self.milestone_ids._as_rule()
        # the credit limit and open receivables are in the company's currency: the credit rule
        # adds the contract's amount converted to it, at the contract's date
        company = self.company_id
        credit_amount = self.currency_id._convert(
            total, company.currency_id, company, fields.Date.to_date(self.date_order) or None
        )
        return review.Contract(
            amount=total,
            credit_amount=credit_amount,
            lines=[
                review.Line(
                    qty=line.product_uom_qty,
                    price_unit=line.price_unit,
                    discount=line.discount,
                    **products[line.product_id.id],
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
        credit = self._wsv_credit_figures(self.partner_id.commercial_partner_id.sudo())
        products = {
            p.id: {
                "product": p.display_name,
                "list_price": p.lst_price,
                "floor_price": p.floor_price,
                "cost": p.standard_price,
                "lead_days": p.lead_days,
            }
            for p in self.order_line.product_id
        }
        results, verdicts = [], {}
        for order in self:
            outcomes = review.evaluate(order._review_snapshot(credit, products), typed)
            for rule_id, failing in by_domain.items():
                fails = order in failing
                outcome = by_id[rule_id].outcome if fails else "pass"
                outcomes.append(review.Result(rule_id, not fails, outcome, "domain", {}))
            failed = tuple(sorted(o.rule_id for o in outcomes if not o.passed))
            verdicts.setdefault((review.verdict(outcomes), failed), []).append(order.id)
            for o in outcomes:
                message = detail = ""
                if not o.passed:
                    message, detail = order._review_message(by_id[o.rule_id], o)
                results.append(
                    {
                        "order_id": order.id,
                        "rule_id": o.rule_id,
                        "outcome": o.outcome,
                        "message": message,
                        "detail": detail,
                    }
                )
        # one write per distinct verdict, not one per contract
        for (verdict, failed), ids in verdicts.items():
            self.browse(ids)._wsv_system().write(
                {"review_verdict": verdict, "review_failed_rule_ids": [(6, 0, list(failed))]}
            )
        self.env["wsv.review.result"].sudo().create(results)

    @api.model
    def _wsv_contract_by_reference(self, reference):
        """A contract by its id or its contract number (as SAP and integrators know it),
        among those the caller may read; a clear error for anything else (no SQL error for
        a number where an id was expected)."""
        if isinstance(reference, bool) or not isinstance(reference, int | str):
            raise UserError(lang_env(self.env)._("Contract: give its id or its contract number."))
        if isinstance(reference, str):
            domain = [("contract_number", "=", reference.strip())]
        else:
            domain = [("id", "=", reference)]
        order = self.search(domain + [("is_contract", "=", True)], limit=1)
        if not order:
            raise UserError(lang_env(self.env)._("Contract: there is no contract %s.", reference))
        return order

    def _wsv_credit_figures(self, partners):
        """{customer id: (credit limit, open receivables)}, in the company's currency."""
        return {p.id: (p.credit_limit, p.credit) for p in partners}

    def _review_message(self, rule, result):
        """Translated sentences for a failed rule: (for everyone who sees the contract, with
        the figures for those who may read costs and credit). Margins and credit figures stay
        out of the first: salespeople read it, and it is what a blocked submission shows."""
        _ = lang_env(self.env)._
        if result.code == "margin_low":
            shown = _("Gross margin under the rule's floor.")
        elif result.code == "over_credit":
            shown = _("Open receivables and this contract exceed the credit limit.")
        else:
            shown = None
        detail = self._review_detail(rule, result)
        if shown is None:
            return detail, detail
        return " ".join(filter(None, [rule.message, shown])), detail

    def _review_detail(self, rule, result):
        d, _ = result.details, lang_env(self.env)._
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
        """Approve as one of the pending reviewers (OCA tier validation checks who); the last
        approval approves the contract. Never one's own contract."""
        self._check_state("review")
        self._check_pending_reviewer()
        result = super(SaleOrder, self._wsv_system()).validate_tier()
        self.filtered(lambda o: o.validation_status == "validated")._set_contract_state("approved")
        # XML-RPC carries no None: a dialog (comment) when OCA opens one, else True
        return result or True

    def reject_tier(self):
        self._check_state("review")
        self._check_pending_reviewer()
        result = super(SaleOrder, self._wsv_system()).reject_tier()
        return result or True

    def _check_pending_reviewer(self):
        """Only a reviewer of a pending approval decides (OCA would quietly do nothing), never
        on their own contract, and not after a rejection (the salesperson takes a rejected
        contract back to draft for a new round)."""
        _ = lang_env(self.env)._
        own = self.filtered(lambda o: self.env.user in (o.user_id | o.create_uid))
        if own:
            raise UserError(
                _("Approval: you cannot approve your own contract %s.", own[0].contract_number)
            )
        rejected = self.filtered(lambda o: o.validation_status == "rejected")
        if rejected:
            raise UserError(
                _(
                    "Approval: contract %s was rejected; its salesperson takes it back to draft "
                    "for a new round of review.",
                    rejected[0].contract_number,
                )
            )
        for order in self:
            pending = order.review_ids.filtered(
                lambda r: r.status in ("waiting", "pending") and self.env.user in r.reviewer_ids
            )
            if not pending:
                raise UserError(
                    lang_env(self.env)._(
                        "Approval: contract %s has no pending approval of yours.",
                        order.contract_number,
                    )
                )

    def request_validation(self):
        # approvals are requested by Submit, after the review rules ran: never by hand
        if not self._wsv_trusted():
            raise UserError(self._wsv_message({"contract_state"}, None))
        return super().request_validation()

    def restart_validation(self):
        if not self._wsv_trusted():
            raise UserError(self._wsv_message({"contract_state"}, None))
        return super().restart_validation()

    def _tier_validation_check_write_allowed(self, vals):
        # the actions' own facts (verdicts, states) are not a user's edit under validation:
        # OCA's check would search its exceptions once per contract; users' writes are checked
        if self._wsv_trusted():
            return None
        return super()._tier_validation_check_write_allowed(vals)

    def _get_under_validation_exceptions(self):
        # references and labels stay editable while the approvers look at the contract
        return super()._get_under_validation_exceptions() + sorted(NOTE_FIELDS)

    def action_cancel(self):
        # Odoo's Cancel (and its wizard) would leave the contract's own state behind: a
        # contract is cancelled with Cancel Contract
        if self.filtered("is_contract") and not self._wsv_trusted():
            raise UserError(self._wsv_message({"state"}, None))
        return super().action_cancel()

    def _get_tier_validation_readonly_domain(self):
        # read-only while the approvers look at it, editable again once decided
        return "validation_status in ('waiting', 'pending')"

    def action_contract_sign(self):
        self._check_sales_step()
        self._check_state("approved")
        self._check_documents()
        for order in self.filtered(lambda o: not o.signing_date):
            order._wsv_system().signing_date = fields.Date.context_today(self)
        self._wsv_system().with_context(wsv_contract_signing=TRUSTED).action_confirm()
        self._set_contract_state("signed")
        # the margin as signed, kept for reports whatever costs do later; a signed contract
        # is a won deal for its customer (grading, holding limits, auto-recycle)
        # (sudo: the margin fields are the cost roles', the snapshot is taken for everyone)
        for order in self.sudo():
            order.write(
                {"signed_margin": order.margin, "signed_margin_percent": order.margin_percent}
            )
        for day in set(self.mapped("signing_date")):
            signed = self.filtered(lambda o, d=day: o.signing_date == d)
            signed.partner_id.commercial_partner_id._record_won(day)
        return True

    def action_contract_execute(self):
        self._check_sales_step()
        self._check_state("signed")
        self._set_contract_state("executing")
        return True

    def action_contract_close(self):
        self._check_sales_step()
        self._check_state("executing")
        self._set_contract_state("closed")
        return True

    @identity_checked
    def action_contract_cancel(self, reason=None):
        """Cancel. A signed contract is a commitment to the customer: cancelling one asks for
        the user's password again (identity check); ``reason`` is the fulfillment's."""
        self._check_sales_step(DIRECTOR, FINANCE)
        self._check_state("draft", "review", "approved", "signed")
        self._wsv_check_cancel(reason)
        if "signed" in self.mapped("contract_state"):
            window = identity_check(self, "action_contract_cancel", reason=reason)
            if window:
                return window
        self._wsv_contract_cancel(reason)
        return True

    def _wsv_check_cancel(self, reason=None):
        """Refuse here what the addons know cannot be cancelled (before the password is asked)."""
        return True

    def _wsv_contract_cancel(self, reason=None):
        """The cancellation itself, extended by the addons that own what a contract started."""
        self._wsv_system()._action_cancel()
        self._set_contract_state("cancel")
        return True

    def action_contract_draft(self):
        self._check_sales_step()
        self._check_state("review", "approved", "cancel")
        self.filtered(lambda o: o.state == "cancel")._wsv_system().action_draft()
        # a new round of review and approval: the earlier approvals covered other terms
        self._wsv_reset_reviews()
        self._set_contract_state("draft")
        return True

    def _has_to_be_signed(self):
        # the customer signs a contract on paper (its signed original is filed before
        # signing), not on the portal, where signing would confirm the order
        return not self.is_contract and super()._has_to_be_signed()

    def _has_to_be_paid(self):
        # a contract's money follows its payment milestones, not the portal's prepayment
        return not self.is_contract and super()._has_to_be_paid()

    def _confirmation_error_message(self):
        # a contract is confirmed by signing it, once approved; the rule is asked again from
        # the order as it stands (its customer's company may have changed since)
        if trusted(self.env, "wsv_contract_signing"):
            return super()._confirmation_error_message()
        if self.is_contract:
            return lang_env(self.env)._(
                "Contract %s: sign it once approved, instead of confirming it.",
                self.contract_number,
            )
        if self._wsv_should_be_contract():
            return lang_env(self.env)._(
                "Order %s is for a registered customer: it is sold under contract (submit, "
                "approve and sign it as a contract), not confirmed.",
                self.name,
            )
        return super()._confirmation_error_message()


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "wsv.guard.mixin"]
    # a contract's lines follow its state: drafted freely, re-reviewed after approval,
    # frozen under review and once signed; delivered quantities come from deliveries
    _wsv_derived = ("qty_delivered",)
    _wsv_state = "order_id.contract_state"

    purchase_price = fields.Float(groups=COST_GROUPS)
    margin = fields.Float(groups=COST_GROUPS)
    margin_percent = fields.Float(groups=COST_GROUPS)

    def _wsv_allow_table(self, create=False):
        return self.order_id._wsv_terms_table()

    def _wsv_in_scope(self):
        # the lines of a plain quotation are Odoo's, like the quotation
        return self.filtered("order_id.is_contract")

    def _wsv_check_create(self, vals_list):
        default = self.env.context.get("default_order_id")
        order_of = {id(vals): vals.get("order_id") or default for vals in vals_list}
        orders = self.env["sale.order"].browse({o for o in order_of.values() if o})
        plain = set((orders - orders._wsv_in_scope()).ids)
        contracts = [vals for vals in vals_list if order_of[id(vals)] not in plain]
        super()._wsv_check_create(contracts)
        return [dict(vals) for vals in vals_list]

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._wsv_check_create(vals_list)
        lines = super().create(vals_list)
        lines.order_id._lines_changed()
        return lines

    def write(self, vals):
        vals = self._wsv_check_write(vals)
        orders = self.order_id
        result = super().write(vals)
        if not self._wsv_trusted() and set(vals) & self._wsv_guarded_fields():
            (orders | self.order_id)._lines_changed()
        return result

    def unlink(self):
        self._wsv_check_unlink()
        orders = self.order_id
        result = super().unlink()
        orders._lines_changed()
        return result
