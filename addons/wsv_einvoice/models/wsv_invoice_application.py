"""An invoice application (开票申请): a salesperson asks finance to invoice part of a signed
contract. What was delivered and not invoiced is invoiced at once; more than that is a
pre-invoice (预开票), approved through OCA tier validation first (finance, then a sales
director above a configured amount). An approved application becomes a customer invoice
(account.move) that finance issues as a fully-digital e-invoice."""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.wsv_contract.models.workflow import check_state
from odoo.addons.wsv_crm_customer.models.i18n import lang_env
from odoo.addons.wsv_crm_customer.models.res_config_settings import get_setting

from ..lib import invoice

INVOICEABLE = ("signed", "executing")
# the applications whose quantities are asked for and not yet on an invoice
PENDING = ("review", "approved")
STATES = [
    ("draft", "Draft"),
    ("review", "Waiting Approval"),
    ("approved", "Approved"),
    ("invoiced", "Invoiced"),
    ("rejected", "Rejected"),
    ("cancel", "Cancelled"),
]
INVOICE_TYPES = [("bs", "Special VAT Invoice (数电专票)"), ("pc", "Ordinary Invoice (数电普票)")]
BUYER = {
    "buyer_name",
    "buyer_tax_number",
    "buyer_address",
    "buyer_phone",
    "buyer_bank",
    "buyer_account",
}
# what a user may write, by state: prepared in draft (or again after a rejection), then
# only the actions write
EDITABLE = BUYER | {"invoice_type", "remark", "line_ids", "kind", "installment_id"}


class WsvInvoiceApplication(models.Model):
    _name = "wsv.invoice.application"
    _description = "Invoice Application"
    _inherit = ["mail.thread", "mail.activity.mixin", "tier.validation", "wsv.guard.mixin"]
    _order = "id desc"
    # OCA tier validation drives the approval of pre-invoices
    _state_field = "state"
    _state_from = ["review"]
    _state_to = ["approved"]
    _cancel_state = "cancel"
    _tier_validation_manual_config = False
    _wsv_workflow = ("state",)
    _wsv_derived = ("name", "pre_invoice", "needs_director", "move_id", "review_ids")
    _wsv_state = "state"

    name = fields.Char(readonly=True, copy=False, default="/")
    order_id = fields.Many2one(
        "sale.order",
        string="Contract",
        required=True,
        index=True,
        tracking=True,
        domain=[("contract_state", "in", INVOICEABLE)],
    )
    partner_id = fields.Many2one(related="order_id.partner_id", store=True, string="Customer")
    user_id = fields.Many2one(related="order_id.user_id", store=True, index=True)
    team_id = fields.Many2one(related="order_id.team_id", store=True, index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, tracking=True, index=True
    )
    kind = fields.Selection(
        [("delivery", "Delivered Goods"), ("advance", "Advance (Installment)")],
        default="delivery",
        required=True,
        help="Delivered goods: lines proposed from what was delivered and not invoiced. "
        "Advance: lines for an installment's amount, before delivery (a pre-invoice).",
    )
    installment_id = fields.Many2one(
        "wsv.receivable.installment",
        domain="[('order_id', '=', order_id), ('void', '=', False)]",
    )
    invoice_type = fields.Selection(INVOICE_TYPES, default="bs", required=True, tracking=True)
    buyer_name = fields.Char(tracking=True)
    buyer_tax_number = fields.Char(tracking=True)
    buyer_address = fields.Char()
    buyer_phone = fields.Char()
    buyer_bank = fields.Char(string="Buyer's Bank")
    buyer_account = fields.Char(string="Buyer's Bank Account")
    remark = fields.Char()
    line_ids = fields.One2many("wsv.invoice.application.line", "application_id", string="Lines")
    amount_untaxed = fields.Monetary(compute="_compute_amounts", store=True)
    amount_tax = fields.Monetary(compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(compute="_compute_amounts", store=True)
    pre_invoice = fields.Boolean(
        readonly=True, copy=False, help="Invoices more than was delivered: needs approval."
    )
    needs_director = fields.Boolean(readonly=True, copy=False)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True, copy=False)
    einvoice_state = fields.Selection(related="move_id.einvoice_state")

    @api.depends("line_ids.amount_untaxed", "line_ids.amount_tax")
    def _compute_amounts(self):
        for application in self:
            untaxed = sum(application.line_ids.mapped("amount_untaxed"))
            tax = sum(application.line_ids.mapped("amount_tax"))
            application.amount_untaxed = untaxed
            application.amount_tax = tax
            application.amount_total = untaxed + tax

    def _wsv_allow_table(self, create=False):
        names = EDITABLE | ({"order_id"} if create else set())
        return {"draft": {"": names}, "rejected": {"": EDITABLE}}

    def _wsv_actions_hint(self):
        return lang_env(self.env)._("Submit, Approve, Reject, Cancel, Reset to Draft")

    @api.model
    def _get_tier_validation_model_names(self):
        return super()._get_tier_validation_model_names() + [self._name]

    # ------------------------------------------------------------ create / write
    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._wsv_check_create(vals_list)
        orders = self.env["sale.order"].browse(
            {vals["order_id"] for vals in vals_list if vals.get("order_id")}
        )
        # one applies for the contracts one may read
        if not self._wsv_trusted():
            orders.check_access("read")
        # the buyer as the customer is known; the user corrects it on the application
        defaults = {order.id: self._buyer_defaults(order) for order in orders.sudo()}
        for vals in vals_list:
            for name, value in defaults.get(vals.get("order_id"), {}).items():
                vals.setdefault(name, value)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("wsv.invoice.application")
        applications = super().create(vals_list)
        applications._check_contract()
        applications._check_installment()
        return applications

    def write(self, vals):
        vals = self._wsv_check_write(vals)
        result = super().write(vals)
        if "installment_id" in vals:
            self._check_installment()
        return result

    def unlink(self):
        self._wsv_check_unlink()
        return super().unlink()

    def _check_installment(self):
        for application in self.filtered("installment_id"):
            if application.installment_id.order_id != application.order_id:
                raise UserError(
                    lang_env(self.env)._(
                        "Installment: %(installment)s is not an installment of %(number)s.",
                        installment=application.installment_id.sudo().name,
                        number=application.order_id.contract_number,
                    )
                )

    @api.model
    def _buyer_defaults(self, order):
        partner = order.partner_invoice_id.commercial_partner_id or order.partner_id
        partner = partner.commercial_partner_id
        bank = partner.bank_ids[:1]
        address = " ".join(
            filter(None, [partner.state_id.name, partner.city, partner.street, partner.street2])
        )
        return {
            "buyer_name": partner.name,
            "buyer_tax_number": partner.vat or partner.credit_code or False,
            "buyer_address": address or False,
            "buyer_phone": partner.phone or partner.mobile or False,
            "buyer_bank": bank.bank_id.name or False,
            "buyer_account": bank.acc_number or False,
            "invoice_type": "bs" if (partner.vat or partner.credit_code) else "pc",
        }

    def _check_contract(self):
        message = lang_env(self.env)._(
            "Contract: %(number)s is %(state)s; invoicing needs it %(needed)s."
        )
        check_state(self.order_id, "contract_state", INVOICEABLE, message, number="contract_number")

    def _check_application_state(self, *states):
        message = lang_env(self.env)._(
            "Invoice application %(name)s is %(state)s: this step needs it %(needed)s."
        )
        check_state(self, "state", states, message, name="name")

    def _set(self, vals):
        return self._wsv_system().write(vals)

    def _check_applicant(self):
        """Applying is sales' (whoever may edit the contract), finance's too."""
        for application in self:
            application.order_id.check_access("read")
        if not (
            self.env.user.has_group("wsv_crm_customer.group_salesperson")
            or self.env.user.has_group("wsv_crm_customer.group_finance")
            or self._wsv_trusted()
        ):
            raise UserError(
                lang_env(self.env)._("Invoice applications are made by sales or finance.")
            )

    # ------------------------------------------------------------ proposals
    def _balances(self):
        """{contract line: LineBalance}: invoiced counts the invoices (Odoo's invoiced
        quantity) and the other applications waiting for theirs."""
        self.ensure_one()
        order_lines = self.order_id.sudo().order_line.filtered(
            lambda r: not r.display_type and r.product_id
        )
        pending = (
            self.sudo().search([("order_id", "=", self.order_id.id), ("state", "in", PENDING)])
            - self.sudo()
        )
        asked = {}
        for line in pending.line_ids:
            asked[line.order_line_id.id] = asked.get(line.order_line_id.id, 0.0) + line.qty
        return {
            line.id: invoice.LineBalance(
                ordered=line.product_uom_qty,
                delivered=line.qty_delivered,
                invoiced=line.qty_invoiced + asked.get(line.id, 0.0),
            )
            for line in order_lines
        }

    def action_propose_lines(self):
        """Fill the lines: what was delivered and not invoiced, or (advance) the
        installment's share of every line."""
        self._check_applicant()
        self._check_application_state("draft", "rejected")
        self._propose_lines(strict=True)
        return True

    def _propose_lines(self, strict):
        for application in self:
            balances = application._balances()
            commands = [Command.clear()]
            if application.kind == "advance":
                item = application.installment_id
                if not item:
                    raise UserError(
                        lang_env(self.env)._(
                            "Installment: an advance invoice is for an installment."
                        )
                    )
                total = application.order_id.amount_total
                share = item.amount / total if total else 0.0
                for line_id, balance in balances.items():
                    qty = min(balance.ordered * share, balance.ordered - balance.invoiced)
                    if qty > invoice.QTY_EPSILON:
                        commands.append(Command.create({"order_line_id": line_id, "qty": qty}))
            else:
                for line_id, balance in balances.items():
                    qty = invoice.proposal(balance)
                    if qty > invoice.QTY_EPSILON:
                        commands.append(Command.create({"order_line_id": line_id, "qty": qty}))
            if len(commands) == 1 and not strict:
                continue
            if len(commands) == 1:
                raise UserError(
                    lang_env(self.env)._(
                        "Contract %s: nothing delivered is left to invoice.",
                        application.order_id.contract_number,
                    )
                )
            application._wsv_system().line_ids = commands

    # ------------------------------------------------------------ checks
    def _check_buyer(self):
        self.ensure_one()
        if not (self.buyer_name or "").strip():
            raise UserError(lang_env(self.env)._("Buyer Name: the invoice needs the buyer's name."))
        try:
            number = invoice.check_buyer(self.invoice_type, self.buyer_tax_number)
        except invoice.RuleError as error:
            raise UserError(self._buyer_message(error)) from None
        return number

    def _buyer_message(self, error):
        if error.code == "special_needs_tax_number":
            return lang_env(self.env)._(
                "Buyer Tax Number: a special invoice (专票) needs the buyer's tax number; "
                "issue an ordinary invoice (普票) or give the number."
            )
        return lang_env(self.env)._(
            "Buyer Tax Number: %s is not a taxpayer number (18 characters, or the older 15, "
            "17 or 20).",
            error.details.get("number", ""),
        )

    def _check_lines(self):
        """Every line within what its contract line holds; True when some goes beyond the
        delivered quantity (a pre-invoice)."""
        self.ensure_one()
        if not self.line_ids:
            raise UserError(
                lang_env(self.env)._("Lines: an invoice application needs at least one line.")
            )
        balances = self._balances()
        pre = False
        for line in self.line_ids:
            balance = balances.get(line.order_line_id.id)
            if balance is None:
                raise UserError(
                    lang_env(self.env)._(
                        "Lines: %s is not a product line of this contract.",
                        line.order_line_id.display_name,
                    )
                )
            line._check_tax_data()
            try:
                pre |= invoice.check_quantity(balance, line.qty)
            except invoice.RuleError as error:
                if error.code == "not_positive":
                    raise UserError(
                        lang_env(self.env)._(
                            "Quantity: %s must be more than zero.", line.product_id.name
                        )
                    ) from None
                raise UserError(
                    lang_env(self.env)._(
                        "Quantity: %(qty)s of %(product)s is more than the %(left)s the "
                        "contract has left to invoice.",
                        qty=line.qty,
                        product=line.product_id.name,
                        left=round(error.details["left"], 4),
                    )
                ) from None
        return pre

    # ------------------------------------------------------------ steps
    def action_submit(self):
        """Check the application; what was delivered is invoiced at once, a pre-invoice
        waits for its approvals."""
        self._check_applicant()
        self._check_application_state("draft")
        self._check_contract()
        limit = get_setting(self.env, "wsv_einvoice.pre_invoice_director_amount", 100000.0)
        for application in self:
            application._check_buyer()
            pre = application._check_lines()
            application._set(
                {
                    "pre_invoice": pre,
                    "needs_director": pre and application.amount_total > limit,
                    "buyer_tax_number": invoice.check_buyer(
                        application.invoice_type, application.buyer_tax_number
                    ),
                }
            )
            if pre:
                application._set({"state": "review"})
                application._wsv_system().request_validation()
            else:
                application._set({"state": "approved"})
                application._create_move()
        return True

    def validate_tier(self):
        """Approve as a pending reviewer (OCA tier validation checks who); the last approval
        creates the invoice. Never one's own application."""
        self._check_application_state("review")
        self._check_pending_reviewer()
        result = None
        for application in self:  # OCA approves one record at a time
            result = super(WsvInvoiceApplication, application._wsv_system()).validate_tier()
        done = self.filtered(lambda a: a.validation_status == "validated")
        done._set({"state": "approved"})
        done._create_move()
        # XML-RPC carries no None: a dialog (comment) when OCA opens one, else True
        return result or True

    def reject_tier(self):
        self._check_application_state("review")
        self._check_pending_reviewer()
        result = None
        for application in self:  # OCA refuses one record at a time
            result = super(WsvInvoiceApplication, application._wsv_system()).reject_tier()
        self.filtered(lambda a: a.validation_status == "rejected")._set({"state": "rejected"})
        return result or True

    def _check_pending_reviewer(self):
        """Only the reviewer whose turn it is decides (finance before a director), never on
        their own application; OCA would quietly do nothing."""
        own = self.filtered(lambda a: self.env.user in (a.create_uid | a.user_id))
        if own:
            raise UserError(
                lang_env(self.env)._(
                    "Approval: you cannot approve your own application %s.", own[0].name
                )
            )
        for application in self:
            if not application.can_review:
                raise UserError(
                    lang_env(self.env)._(
                        "Approval: invoice application %s has no pending approval of yours.",
                        application.name,
                    )
                )

    def request_validation(self):
        # approvals are requested by Submit, after the checks: never by hand
        if not self._wsv_trusted():
            raise UserError(self._wsv_message({"state"}, None))
        return super().request_validation()

    def restart_validation(self):
        if not self._wsv_trusted():
            raise UserError(self._wsv_message({"state"}, None))
        return super().restart_validation()

    def _tier_validation_check_write_allowed(self, vals):
        if self._wsv_trusted():
            return None
        return super()._tier_validation_check_write_allowed(vals)

    def _get_tier_validation_readonly_domain(self):
        return "validation_status in ('waiting', 'pending')"

    def action_cancel(self):
        self._check_applicant()
        self._check_application_state("draft", "review", "approved", "rejected")
        self._set({"state": "cancel"})
        self.sudo().review_ids.unlink()
        return True

    def action_draft(self):
        self._check_applicant()
        self._check_application_state("rejected", "cancel")
        self.sudo().review_ids.unlink()
        self._set({"state": "draft", "pre_invoice": False, "needs_director": False})
        return True

    def _create_move(self):
        """The customer invoice of an approved application, with the contract lines' taxes
        and prices (Odoo's own invoice line values of each contract line)."""
        # the system's: no default_* key of the caller fills the invoice
        Move = self.env["account.move"]._einvoice_system()
        for application in self:
            order = application.order_id.sudo()
            backend = self.env["wsv.einvoice.backend"]._default_backend(order.company_id)
            lines = [
                Command.create(line.order_line_id.sudo()._prepare_invoice_line(quantity=line.qty))
                for line in application.line_ids
            ]
            values = order._prepare_invoice()
            values.update(
                {
                    "invoice_line_ids": lines,
                    "einvoice_application_id": application.id,
                    "einvoice_backend_id": backend.id,
                    "einvoice_type": application.invoice_type,
                    "einvoice_remark": application.remark or False,
                    **{f"einvoice_{name}": application[name] or False for name in BUYER},
                }
            )
            move = Move.with_company(order.company_id).create(values)
            application._set({"state": "invoiced", "move_id": move.id})
            application.message_post(
                body=lang_env(self.env)._(
                    "Invoice %s created for finance to issue.", move.display_name
                )
            )
        return True

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }


class WsvInvoiceApplicationLine(models.Model):
    _name = "wsv.invoice.application.line"
    _description = "Invoice Application Line"
    _inherit = ["wsv.guard.mixin"]
    _wsv_derived = ("price_unit", "tax_rate", "tax_code", "amount_untaxed", "amount_tax")
    _wsv_state = "application_id.state"

    application_id = fields.Many2one(
        "wsv.invoice.application", required=True, ondelete="cascade", index=True
    )
    order_line_id = fields.Many2one(
        "sale.order.line",
        string="Contract Line",
        required=True,
        ondelete="restrict",
        domain="[('order_id', '=', parent.order_id), ('display_type', '=', False)]",
    )
    product_id = fields.Many2one(related="order_line_id.product_id")
    qty = fields.Float(string="Quantity", required=True, digits="Product Unit of Measure")
    uom_id = fields.Many2one(related="order_line_id.product_uom", string="Unit")
    # the contract's price (tax excluded, after discount) and tax: an invoice follows the
    # contract
    # (unrounded, as the platform takes it: a rounded price times a large quantity would
    # miss the contract's amount)
    price_unit = fields.Float(
        string="Unit Price (excl. tax)",
        compute="_compute_contract_terms",
        store=True,
        digits=(16, 8),
    )
    tax_rate = fields.Float(string="Tax Rate (%)", compute="_compute_contract_terms", store=True)
    tax_code = fields.Char(
        string="Tax Classification Code", compute="_compute_contract_terms", store=True
    )
    currency_id = fields.Many2one(related="application_id.currency_id")
    amount_untaxed = fields.Monetary(compute="_compute_amounts", store=True)
    amount_tax = fields.Monetary(compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(compute="_compute_amounts", store=True)

    def _wsv_allow_table(self, create=False):
        names = {"order_line_id", "qty"} | ({"application_id"} if create else set())
        return {"draft": {"": names}, "rejected": {"": names}}

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._wsv_check_create(vals_list)
        lines = super().create(vals_list)
        lines._check_contract_line()
        return lines

    def write(self, vals):
        vals = self._wsv_check_write(vals)
        result = super().write(vals)
        if "order_line_id" in vals or "application_id" in vals:
            self._check_contract_line()
        return result

    def _check_contract_line(self):
        """A line invoices a line of its application's contract (a client may send any id)."""
        for line in self:
            if line.order_line_id.order_id != line.application_id.order_id:
                raise UserError(
                    lang_env(self.env)._(
                        "Contract Line: line %(line)s is not a line of contract %(number)s.",
                        line=line.order_line_id.id,
                        number=line.application_id.order_id.contract_number,
                    )
                )

    def unlink(self):
        # a line is removed while its application is prepared, like any other edit
        closed = self.filtered(lambda r: r.application_id.state not in ("draft", "rejected"))
        if closed and not self._wsv_trusted():
            application = closed[0].application_id
            raise UserError(
                lang_env(self.env)._(
                    "Invoice application %(name)s is %(state)s: its lines can no longer change.",
                    name=application.name,
                    state=application._wsv_state_label(application.state),
                )
            )
        return super().unlink()

    @api.depends(
        "order_line_id.price_subtotal",
        "order_line_id.product_uom_qty",
        "order_line_id.tax_id",
        "order_line_id.product_id.tax_classification_code",
        "order_line_id.product_id.categ_id.tax_classification_code",
    )
    def _compute_contract_terms(self):
        for line in self:
            order_line = line.order_line_id.sudo()
            qty = order_line.product_uom_qty
            line.price_unit = order_line.price_subtotal / qty if qty else 0.0
            taxes = order_line.tax_id.filtered(lambda t: t.amount_type == "percent")
            line.tax_rate = sum(taxes.mapped("amount"))
            line.tax_code = order_line.product_id.product_tmpl_id._wsv_tax_code()

    @api.depends("qty", "price_unit", "tax_rate")
    def _compute_amounts(self):
        for line in self:
            amounts = invoice.line_amounts(line.qty, line.price_unit, line.tax_rate / 100)
            line.amount_untaxed = float(amounts.untaxed)
            line.amount_tax = float(amounts.tax)
            line.amount_total = float(amounts.total)

    def _check_tax_data(self):
        """A line the platform will take: one percentage tax and a valid classification code."""
        self.ensure_one()
        taxes = self.order_line_id.sudo().tax_id
        if len(taxes) != 1 or taxes.amount_type != "percent":
            raise UserError(
                lang_env(self.env)._(
                    "Taxes: %s needs exactly one percentage tax on the contract to be invoiced.",
                    self.product_id.name,
                )
            )
        try:
            invoice.check_tax_code(self.tax_code)
        except invoice.RuleError:
            raise UserError(
                lang_env(self.env)._(
                    "Tax Classification Code: %s (or its category) has no 19-digit code.",
                    self.product_id.name,
                )
            ) from None
