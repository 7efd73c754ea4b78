"""A delivery request (发货申请): released only when the contract's commercial conditions
hold, or when an authorised role overrides them with a reason."""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr

from odoo.addons.wsv_contract.lib import milestones as milestone_rules
from odoo.addons.wsv_contract.models.workflow import check_state
from odoo.addons.wsv_contract.models.wsv_review_rule import FIGURE_GROUPS
from odoo.addons.wsv_crm_customer.models.i18n import lang_env
from odoo.addons.wsv_crm_customer.models.identity import identity_check, identity_checked
from odoo.addons.wsv_crm_customer.models.res_config_settings import get_setting

from ..lib import release

# who may release a blocked request (the form's button shows for them)
OVERRIDE_GROUPS = "wsv_crm_customer.group_sales_director,wsv_crm_customer.group_finance"
DELIVERABLE = ("signed", "executing")
# submitted requests hold their quantities; a draft holds nothing until it is submitted
HOLDING = ("blocked", "released")
# what a user may change, by state: a request is prepared before it is checked, dated and
# counted once released, and history once delivered or cancelled; the state, the failed
# conditions, who overrode and the source are the actions' alone (no release around the checks)
EDITABLE = {
    "draft": {"request_date", "line_ids", "reference"},
    "blocked": {"request_date", "line_ids", "reference", "override_reason"},
    "released": {"delivery_date", "line_ids", "reference"},
}


class WsvDeliveryRequest(models.Model):
    _name = "wsv.delivery.request"
    _description = "Delivery Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "wsv.guard.mixin"]
    _order = "id desc"
    _wsv_workflow = ("state",)
    _wsv_derived = ("name", "failed_conditions", "failed_detail", "override_user_id", "source")
    _wsv_state = "state"

    name = fields.Char(readonly=True, copy=False, default="/")
    order_id = fields.Many2one(
        "sale.order",
        string="Contract",
        required=True,
        index=True,
        tracking=True,
        domain=[("contract_state", "in", DELIVERABLE)],
    )
    partner_id = fields.Many2one(related="order_id.partner_id", store=True)
    user_id = fields.Many2one(related="order_id.user_id", store=True, index=True)
    team_id = fields.Many2one(related="order_id.team_id", store=True, index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("blocked", "Blocked"),
            ("released", "Released"),
            ("delivered", "Delivered"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    line_ids = fields.One2many("wsv.delivery.request.line", "request_id", string="Products")
    request_date = fields.Date(default=fields.Date.context_today, required=True)
    delivery_date = fields.Date(tracking=True, copy=False)
    source = fields.Selection(
        [("manual", "By Hand"), ("sap", "SAP")], default="manual", required=True, readonly=True
    )
    reference = fields.Char(string="Delivery Note No.", copy=False, index=True)
    failed_conditions = fields.Text(readonly=True, copy=False)
    # the exposure and credit limit behind a failed credit condition, for the roles that may
    # read credit figures
    failed_detail = fields.Text(
        string="Credit Figures", readonly=True, copy=False, groups=FIGURE_GROUPS
    )
    override_reason = fields.Text(tracking=True, copy=False)
    override_user_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    amount = fields.Monetary(compute="_compute_amount", store=True)

    @api.depends("line_ids.value")
    def _compute_amount(self):
        for request in self:
            request.amount = sum(request.line_ids.mapped("value"))

    def _wsv_allow_table(self, create=False):
        table = {state: {"": names} for state, names in EDITABLE.items()}
        if create:
            table["draft"] = {"": EDITABLE["draft"] | {"order_id"}}
        return table

    def _wsv_actions_hint(self):
        return lang_env(self.env)._(
            "Check and Release, Override, Record Delivery, Cancel, Reset to Draft"
        )

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._wsv_check_create(vals_list)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("wsv.delivery.request")
        requests = super().create(vals_list)
        requests._check_contract()
        return requests

    def write(self, vals):
        vals = self._wsv_check_write(vals)
        return super().write(vals)

    def _frozen_message(self, names):
        labels = ", ".join(
            sorted(self._fields[n].get_description(lang_env(self.env))["string"] for n in names)
        )
        state = dict(self._fields["state"]._description_selection(lang_env(self.env)))[self.state]
        return lang_env(self.env)._(
            "Delivery request %(name)s is %(state)s: %(fields)s can no longer change.",
            name=self.name,
            state=state,
            fields=labels,
        )

    def _check_lines_editable(self, what):
        """Lines change while the request is prepared; once released only the delivered
        quantities are recorded; then never."""
        if self._wsv_trusted():
            return
        for request in self:
            if request.state in ("draft", "blocked"):
                continue
            if request.state == "released" and what == "qty_delivered":
                continue
            raise UserError(request._frozen_message({"line_ids"}))

    def _set(self, vals):
        return self._wsv_system().write(vals)

    def _check_contract(self):
        message = lang_env(self.env)._(
            "Contract: %(number)s is %(state)s; deliveries need it %(needed)s."
        )
        check_state(self.order_id, "contract_state", DELIVERABLE, message, number="contract_number")

    def _check_request_state(self, *states):
        message = lang_env(self.env)._(
            "Delivery request %(name)s is %(state)s: this step needs it %(needed)s."
        )
        check_state(self, "state", states, message, name="name")

    # ------------------------------------------------------------ release
    def _position(self):
        """The contract's and customer's money as lib.release sees it: the contract amount and
        its advance in the contract's currency; the exposure and the credit limit in the
        company's currency (the credit limit's), today's rates converting the rest."""
        self.ensure_one()
        order = self.order_id
        company = order.company_id
        company_currency = company.currency_id
        today = fields.Date.context_today(self)
        customer = order.partner_id.commercial_partner_id
        Installment = self.env["wsv.receivable.installment"].sudo()
        advance = Installment.search(
            [("order_id", "=", order.id), ("trigger", "=", "signing"), ("void", "=", False)]
        )
        # only money finance has booked counts, and overdue is read from the due dates, not
        # from statuses the daily job may not have refreshed yet
        owed = Installment.search(
            [("partner_id", "=", customer.id), ("void", "=", False), ("due_date", "!=", False)]
        )
        # the customer's contracts may be in several currencies: what is unpaid is judged in
        # each installment's own currency, then converted before it is added up
        by_currency = {}
        for item in owed:
            currency = item.currency_id or company_currency
            by_currency.setdefault(currency, []).append(
                (item.amount, item.amount_collected, item.due_date)
            )
        exposure, oldest = 0.0, 0
        for currency, items in by_currency.items():
            unpaid, days = release.owed(items, today, rounding=currency.rounding)
            exposure += currency._convert(unpaid, company_currency, company, today)
            oldest = max(oldest, days)
        exposure = self._wsv_exposure(customer, company, exposure)
        # and what this delivery will add
        exposure += (order.currency_id or company_currency)._convert(
            self.amount, company_currency, company, today
        )
        return release.Position(
            contract_amount=order.amount_total,
            advance_received=sum(advance.mapped("amount_collected")),
            credit_limit=customer.sudo().with_company(company).credit_limit,
            # a customer in credit (paid ahead, or a credit note on account) owes nothing:
            # the money on account covers this delivery as far as it goes
            exposure=company_currency.round(max(exposure, 0.0)),
            oldest_overdue_days=oldest,
        )

    def _wsv_exposure(self, customer, company, scheduled):
        """What the customer owes, in the company's currency: here the unpaid installments
        that fell due (``scheduled``); where invoices run through Odoo, the ledger."""
        return scheduled

    def _conditions(self):
        days = get_setting(self.env, "wsv_fulfillment.release_overdue_days", 0)
        terms = self.order_id.milestone_ids._as_rule()
        return release.Conditions(
            min_advance_percent=round(
                min(milestone_rules.advance_percent(terms, self.order_id.amount_total), 100), 2
            ),
            check_credit=get_setting(self.env, "wsv_fulfillment.release_check_credit", True),
            max_overdue_days=days if days >= 0 else None,
        )

    def _failure_messages(self, failed):
        """One line per failed condition, for every reader of the request: no credit figures."""
        _ = lang_env(self.env)._
        messages = {
            "advance_short": lambda d: _(
                "Advance received %(received)s%%, the contract requires %(required)s%%.",
                received=d["received_percent"],
                required=d["required_percent"],
            ),
            "over_credit": lambda d: _(
                "Open receivables with this delivery exceed the customer's credit limit."
            ),
            "overdue": lambda d: _(
                "The customer has receivables overdue by %(days)s days (allowed: %(allowed)s).",
                days=d["days"],
                allowed=d["allowed"],
            ),
        }
        return "\n".join(messages[code](details) for code, details in failed)

    def _credit_figures(self, failed):
        """The exposure and the credit limit behind a failed credit condition, in the
        company's currency, for the roles that read credit figures."""
        currency = self.order_id.company_id.currency_id
        for code, d in failed:
            if code == "over_credit":
                return lang_env(self.env)._(
                    "Open receivables with this delivery: %(exposure)s; credit limit: %(limit)s.",
                    exposure=float_repr(currency.round(d["exposure"]), currency.decimal_places),
                    limit=float_repr(currency.round(d["limit"]), currency.decimal_places),
                )
        return False

    def action_submit(self):
        """Check the commercial conditions: released when they hold, blocked with the failing
        conditions otherwise."""
        self._check_request_state("draft", "blocked")
        self._check_contract()
        for request in self:
            request._check_quantities("qty")
            failed = release.failed(
                request._conditions(),
                request._position(),
                rounding=request.order_id.currency_id.rounding,
                credit_rounding=request.order_id.company_id.currency_id.rounding,
            )
            if failed:
                text = request._failure_messages(failed)
                request._set({"state": "blocked", "failed_conditions": text})
                # a field of the figure roles: written whoever submits
                request.sudo().write({"failed_detail": request._credit_figures(failed)})
                # the chatter is read by every follower: without the credit figures
                request.message_post(body=lang_env(self.env)._("Release blocked:\n%s", text))
            else:
                request._set({"state": "released", "failed_conditions": False})
                request.sudo().write({"failed_detail": False})
        return True

    @identity_checked
    def action_override(self):
        """An authorised role releases a blocked request anyway, with a reason."""
        if not any(self.env.user.has_group(group) for group in OVERRIDE_GROUPS.split(",")):
            raise UserError(
                lang_env(self.env)._(
                    "Override: only a sales director or finance may override a release."
                )
            )
        self._check_request_state("blocked")
        if any(not (r.override_reason or "").strip() for r in self):
            raise UserError(
                lang_env(self.env)._("Override Reason: give the reason for the override.")
            )
        # releasing goods against the credit rules is a decision with money at stake: the
        # user's password again (identity check)
        window = identity_check(self, "action_override")
        if window:
            return window
        self._set({"state": "released", "override_user_id": self.env.user.id})
        return True

    def action_deliver(self):
        """Record the delivery: quantities on the contract lines, then a new schedule."""
        self._check_request_state("released")
        self._check_contract()
        for request in self:
            for line in request.line_ids.filtered(lambda r: not r.qty_delivered):
                line.qty_delivered = line.qty
            request._check_quantities("qty_delivered")
            if not request.delivery_date:
                request.delivery_date = fields.Date.context_today(self)
        self._set({"state": "delivered"})
        # (the contract's delivered quantities are the system's: only this step writes them)
        for line in self._wsv_system().line_ids:
            order_line = line.order_line_id
            order_line.qty_delivered = order_line.qty_delivered + line.qty_delivered
        self.order_id._wsv_generate_schedule()
        return True

    def action_cancel(self):
        self._check_request_state("draft", "blocked", "released")
        self._set({"state": "cancel"})
        return True

    def action_draft(self):
        self._check_request_state("blocked", "cancel")
        self._set({"state": "draft", "override_reason": False})
        return True

    def _check_quantities(self, field):
        """No line asks for more than is left to deliver on its contract line, counting the
        other submitted requests."""
        self.ensure_one()
        if not self.line_ids:
            raise UserError(
                lang_env(self.env)._("Products: a delivery request needs at least one line.")
            )
        # (sudo: every request of the contract counts, seen by this user or not)
        others = (
            self.sudo().search([("order_id", "=", self.order_id.id), ("state", "in", HOLDING)])
            - self.sudo()
        )
        booked = {}
        for line in others.line_ids:
            booked[line.order_line_id] = booked.get(line.order_line_id, 0.0) + line.qty
        for line in self.line_ids:
            order_line = line.order_line_id
            if order_line.order_id != self.order_id:
                raise UserError(
                    lang_env(self.env)._(
                        "Products: %s is not on this contract.", order_line.display_name
                    )
                )
            try:
                release.check_quantity(
                    order_line.product_uom_qty,
                    order_line.qty_delivered + booked.get(order_line, 0.0),
                    line[field],
                )
            except ValueError as error:
                if error.args[0] == "not_positive":
                    raise UserError(
                        lang_env(self.env)._(
                            "Quantity: %s must be more than zero.", line.product_id.name
                        )
                    ) from None
                raise UserError(
                    lang_env(self.env)._(
                        "Quantity: %(qty)s of %(product)s is more than the %(left)s left to "
                        "deliver on the contract.",
                        qty=line[field],
                        product=line.product_id.name,
                        left=order_line.product_uom_qty
                        - order_line.qty_delivered
                        - booked.get(order_line, 0.0),
                    )
                ) from None

    @api.model
    def _lines_to_deliver(self, order):
        """Commands for what remains to deliver on the contract, less the submitted requests."""
        open_requests = self.sudo().search([("order_id", "=", order.id), ("state", "in", HOLDING)])
        asked = {}
        for line in open_requests.line_ids:
            asked[line.order_line_id] = asked.get(line.order_line_id, 0.0) + line.qty
        commands = []
        for line in order.order_line.filtered(lambda r: not r.display_type and r.product_id):
            left = line.product_uom_qty - line.qty_delivered - asked.get(line, 0.0)
            if left > 0:
                commands.append(Command.create({"order_line_id": line.id, "qty": left}))
        return commands


class WsvDeliveryRequestLine(models.Model):
    _name = "wsv.delivery.request.line"
    _description = "Delivery Request Line"

    request_id = fields.Many2one(
        "wsv.delivery.request", required=True, ondelete="cascade", index=True
    )
    order_line_id = fields.Many2one(
        "sale.order.line",
        string="Contract Line",
        required=True,
        ondelete="restrict",
    )
    product_id = fields.Many2one(related="order_line_id.product_id")
    qty_ordered = fields.Float(related="order_line_id.product_uom_qty", string="Ordered")
    qty = fields.Float(string="Requested", required=True, digits="Product Unit of Measure")
    qty_delivered = fields.Float(string="Delivered", digits="Product Unit of Measure")
    value = fields.Monetary(compute="_compute_value", store=True)
    currency_id = fields.Many2one(related="request_id.currency_id")
    # for the delivery analysis by month, team and person
    state = fields.Selection(related="request_id.state", store=True)
    delivery_date = fields.Date(related="request_id.delivery_date", store=True)
    user_id = fields.Many2one(related="request_id.user_id", store=True)
    team_id = fields.Many2one(related="request_id.team_id", store=True)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.request_id._check_lines_editable("line_ids")
        return lines

    def write(self, vals):
        # once released only the delivered quantity is recorded, and never above the release
        for request in self.request_id:
            request._check_lines_editable(
                "line_ids" if set(vals) - {"qty_delivered"} else "qty_delivered"
            )
        if "request_id" in vals:
            # moved to another request: that one must still be open to its lines
            self.request_id.browse(vals["request_id"])._check_lines_editable("line_ids")
        result = super().write(vals)
        over = self.filtered(lambda r: r.qty_delivered > r.qty + release.QUANTITY_TOLERANCE)
        if over:
            raise UserError(
                lang_env(self.env)._(
                    "Delivered: %(delivered)s of %(product)s is more than the %(qty)s released.",
                    delivered=over[0].qty_delivered,
                    product=over[0].product_id.name,
                    qty=over[0].qty,
                )
            )
        return result

    def unlink(self):
        self.request_id._check_lines_editable("line_ids")
        return super().unlink()

    @api.depends("qty", "qty_delivered", "order_line_id.price_total")
    def _compute_value(self):
        for line in self:
            ordered = line.order_line_id.product_uom_qty
            qty = line.qty_delivered or line.qty
            line.value = line.order_line_id.price_total * qty / ordered if ordered else 0.0


class WsvDeliveryRequestSap(models.Model):
    _inherit = "wsv.delivery.request"

    @api.model
    def _check_reporter(self):
        # the release conditions are skipped: only integrations and administrators report
        if not self.env.user.has_group(
            "wsv_crm_customer.group_integration_admin"
        ) and not self.env.user.has_group("base.group_system"):
            raise UserError(
                lang_env(self.env)._(
                    "Deliveries from SAP are reported by an Integration Administrator."
                )
            )

    @api.model
    def _wsv_line_keys(self, line):
        """How an outside system may name a contract line (SAP adds its item number)."""
        return {"line_id": line.id}

    @api.model
    def contract_lines(self, contract):
        """The product lines of a contract (its id or contract number), as a delivery is
        reported against them: line_id, the keys other systems use, product, internal
        reference, ordered and delivered quantities."""
        self._check_reporter()
        # (sudo: an integration account holds no sales rights; the group check above decides)
        order = self.env["sale.order"].sudo()._wsv_contract_by_reference(contract)
        return [
            {
                **self._wsv_line_keys(line),
                "product": line.product_id.display_name,
                "default_code": line.product_id.default_code or False,
                "qty_ordered": line.product_uom_qty,
                "qty_delivered": line.qty_delivered,
            }
            for line in order.order_line.filtered(lambda r: not r.display_type and r.product_id)
        ]

    @api.model
    def _wsv_resolve_quantities(self, order, quantities):
        """{contract line: quantity} from {line id: qty} or a list of rows naming the line
        by one of its keys (``line_id``, or SAP's ``sap_item``) with a ``qty``."""
        _ = lang_env(self.env)._
        lines = order.order_line.filtered(lambda r: not r.display_type and r.product_id)
        index = {}
        for line in lines:
            for key, value in self._wsv_line_keys(line).items():
                if value:
                    index[(key, str(value).lstrip("0") or "0")] = line
        if isinstance(quantities, dict):
            rows = [{"line_id": key, "qty": qty} for key, qty in quantities.items()]
        elif isinstance(quantities, list | tuple):
            rows = quantities
        else:
            raise UserError(_("Quantities: give {line id: quantity} or a list of rows."))
        resolved = {}
        for row in rows:
            keys = [k for k in row if k != "qty"] if isinstance(row, dict) else []
            if len(keys) != 1 or "qty" not in row:
                raise UserError(
                    _("Quantities: each row names its line once (line_id or sap_item) and a qty.")
                )
            key, value = keys[0], str(row[keys[0]]).strip()
            line = index.get((key, value.lstrip("0") or "0"))
            if line is None:
                raise UserError(
                    _(
                        "Quantities: %(key)s %(value)s is not a product line of contract "
                        "%(number)s.",
                        key=key,
                        value=value,
                        number=order.contract_number,
                    )
                )
            qty = row["qty"]
            if isinstance(qty, bool) or not isinstance(qty, int | float):
                raise UserError(_("Quantity: %s is not a number.", qty))
            resolved[line] = resolved.get(line, 0.0) + qty
        return resolved

    @api.model
    def record_delivery(self, contract, delivery_date, quantities, reference=False):
        """A delivery that has happened, as reported by SAP: ``contract`` by id or contract
        number, ``quantities`` as {line id: qty} or rows [{"sap_item": "000010", "qty": 5}].
        It is a fact, so no release check; the quantities still may not exceed the contract.
        Returns the delivery request's id (the same one for a delivery note reported twice)."""
        self._check_reporter()
        _ = lang_env(self.env)._
        # (sudo: an integration account holds no sales rights; the group check above decides)
        order = self.env["sale.order"].sudo()._wsv_contract_by_reference(contract)
        try:
            day = fields.Date.to_date(delivery_date)
        except (ValueError, TypeError):
            day = None
        if not day:
            raise UserError(_("Delivery Date: %s is not a date (YYYY-MM-DD).", delivery_date))
        if reference:
            # SAP (or a retried job) may report one delivery note twice: it counts once
            known = self.sudo().search(
                [("order_id", "=", order.id), ("reference", "=", reference), ("source", "=", "sap")]
            )
            if known:
                return known[0].id
        resolved = self._wsv_resolve_quantities(order, quantities)
        request = (
            self.sudo()
            ._wsv_system()
            .create(
                {
                    "order_id": order.id,
                    "source": "sap",
                    "delivery_date": day,
                    "request_date": day,
                    "reference": reference or False,
                    "line_ids": [
                        Command.create({"order_line_id": line.id, "qty": qty})
                        for line, qty in resolved.items()
                    ],
                }
            )
        )
        request._set({"state": "released"})
        request.action_deliver()
        return request.id
