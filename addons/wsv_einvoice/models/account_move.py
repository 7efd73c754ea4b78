"""Customer invoices as fully-digital e-invoices (数电发票): issued on the platform by a queue
job, exactly once (one order number per document, stable across retries), and reversed by
red-letter invoices (红字). The platform's numbers, dates and files are the job's to write."""

import base64
import logging
import time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.modules.registry import Registry

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.wsv_crm_customer.lib import retry
from odoo.addons.wsv_crm_customer.models.i18n import lang_env
from odoo.addons.wsv_crm_customer.models.res_partner import TRUSTED, trusted
from odoo.addons.wsv_crm_customer.models.wsv_guard import GUARD_KEY

from ..lib import invoice, nuonuo
from .wsv_einvoice_backend import check_invoicing

_logger = logging.getLogger(__name__)
EINVOICE_STATES = [
    ("queued", "Waiting to Issue"),
    ("issuing", "Issuing"),
    ("issued", "Issued"),
    ("failed", "Failed"),
]
RED_REASONS = [
    ("1", "Invoicing Error (开票有误)"),
    ("2", "Goods Returned (销货退回)"),
    ("3", "Service Stopped (服务中止)"),
    ("4", "Sales Allowance (销售折让)"),
]
BILL_STATES = [
    ("pending", "Waiting for the Buyer"),
    ("confirmed", "Confirmed"),
    ("refused", "Refused by the Buyer"),
]
OUTCOMES = [
    ("issuing", "Accepted, issuing"),
    ("issued", "Issued"),
    ("pending_buyer", "Waiting for the buyer's confirmation"),
    ("transport", "No usable answer (retried)"),
    ("refused", "Refused by the platform"),
    ("failed", "Failed on the platform"),
    ("callback", "Result pushed by the platform"),
]
BUYER_FIELDS = {
    "einvoice_buyer_name",
    "einvoice_buyer_tax_number",
    "einvoice_buyer_address",
    "einvoice_buyer_phone",
    "einvoice_buyer_bank",
    "einvoice_buyer_account",
}
# what finance corrects before an invoice is issued (or after the platform refused it)
CORRECTABLE = BUYER_FIELDS | {"einvoice_type", "einvoice_remark"}
# the platform's facts and the job's bookkeeping: never a user's
SYSTEM_FIELDS = {
    "einvoice_state",
    "einvoice_order_no",
    "einvoice_generation",
    "einvoice_platform_failed",
    "einvoice_serial",
    "einvoice_number",
    "einvoice_date",
    "einvoice_message",
    "einvoice_pdf",
    "einvoice_ofd",
    "einvoice_xml",
    "einvoice_red_of_id",
    "einvoice_red_reason",
    "einvoice_red_bill_no",
    "einvoice_red_bill_state",
    "einvoice_application_id",
    "einvoice_backend_id",
    "einvoice_job_id",
    "einvoice_attempt_count",
}
LIVE = ("queued", "issuing")
# what an invoice with the platform no longer changes (Odoo's own write lets a user set them)
FROZEN_WITH_PLATFORM = {
    "state",
    "line_ids",
    "invoice_line_ids",
    "partner_id",
    "currency_id",
    "move_type",
    "invoice_date",
    "date",
}
# a lock per invoice: a retried job and a callback never finish the same invoice side by side
LOCK_KEY = 0x5AA


class AccountMove(models.Model):
    _inherit = "account.move"

    einvoice_backend_id = fields.Many2one(
        "wsv.einvoice.backend", string="E-invoice Platform", copy=False, readonly=True
    )
    einvoice_application_id = fields.Many2one(
        "wsv.invoice.application", string="Invoice Application", copy=False, readonly=True
    )
    einvoice_type = fields.Selection(
        [("bs", "Special VAT Invoice (数电专票)"), ("pc", "Ordinary Invoice (数电普票)")],
        string="E-invoice Type",
        copy=False,
    )
    einvoice_buyer_name = fields.Char(string="Buyer Name", copy=False)
    einvoice_buyer_tax_number = fields.Char(string="Buyer Tax Number", copy=False)
    einvoice_buyer_address = fields.Char(string="Buyer Address", copy=False)
    einvoice_buyer_phone = fields.Char(string="Buyer Phone", copy=False)
    einvoice_buyer_bank = fields.Char(string="Buyer's Bank", copy=False)
    einvoice_buyer_account = fields.Char(string="Buyer's Bank Account", copy=False)
    einvoice_remark = fields.Char(string="E-invoice Remark", copy=False)
    einvoice_state = fields.Selection(
        EINVOICE_STATES, string="E-invoice Status", copy=False, readonly=True, index=True
    )
    einvoice_order_no = fields.Char(
        string="Platform Order No.", copy=False, readonly=True, index="btree_not_null"
    )
    einvoice_generation = fields.Integer(copy=False, readonly=True)
    # the platform itself failed the current order number for good (status 22/24): only then
    # does a retry take a new one; any other failure retries the same number
    einvoice_platform_failed = fields.Boolean(copy=False, readonly=True)
    einvoice_serial = fields.Char(string="Platform Serial No.", copy=False, readonly=True)
    einvoice_number = fields.Char(
        string="E-invoice No.", copy=False, readonly=True, index="btree_not_null"
    )
    einvoice_date = fields.Date(string="E-invoice Date", copy=False, readonly=True)
    einvoice_message = fields.Text(string="Platform's Answer", copy=False, readonly=True)
    einvoice_pdf = fields.Binary(string="PDF", attachment=True, copy=False, readonly=True)
    einvoice_ofd = fields.Binary(string="OFD", attachment=True, copy=False, readonly=True)
    einvoice_xml = fields.Binary(string="XML", attachment=True, copy=False, readonly=True)
    einvoice_pdf_name = fields.Char(compute="_compute_file_names")
    einvoice_ofd_name = fields.Char(compute="_compute_file_names")
    einvoice_xml_name = fields.Char(compute="_compute_file_names")
    einvoice_red_of_id = fields.Many2one(
        "account.move", string="Reverses E-invoice", copy=False, readonly=True, index=True
    )
    einvoice_red_ids = fields.One2many(
        "account.move", "einvoice_red_of_id", string="Red-letter Invoices"
    )
    einvoice_red_reason = fields.Selection(RED_REASONS, string="Red-letter Reason", copy=False)
    einvoice_red_bill_no = fields.Char(
        string="Red-letter Confirmation No.", copy=False, readonly=True
    )
    einvoice_red_bill_state = fields.Selection(
        BILL_STATES, string="Red-letter Confirmation", copy=False, readonly=True
    )
    einvoice_job_id = fields.Many2one("queue.job", copy=False, readonly=True)
    einvoice_attempt_ids = fields.One2many("wsv.einvoice.attempt", "move_id", string="Log")
    einvoice_attempt_count = fields.Integer(string="Attempts", copy=False, readonly=True)
    amount_total_capital = fields.Char(
        string="Amount in Words (大写)", compute="_compute_amount_total_capital"
    )

    @api.depends("einvoice_number", "name")
    def _compute_file_names(self):
        for move in self:
            stem = move.einvoice_number or (move.name or "invoice").replace("/", "-")
            move.einvoice_pdf_name = f"{stem}.pdf"
            move.einvoice_ofd_name = f"{stem}.ofd"
            move.einvoice_xml_name = f"{stem}.xml"

    @api.depends("amount_total", "move_type")
    def _compute_amount_total_capital(self):
        for move in self:
            sign = -1 if move.move_type == "out_refund" else 1
            move.amount_total_capital = invoice.capital_amount(sign * move.amount_total)

    # ------------------------------------------------------------ the door
    def _einvoice_trusted(self):
        return self.env.su or trusted(self.env, GUARD_KEY)

    def _einvoice_facts(self):
        """The system writing the platform's facts (numbers, states, files): only einvoice_*
        fields, so none of Odoo's line synchronisation, balance check or tracking, which
        would cost every job step several times what the platform's answer does."""
        return self._einvoice_system().with_context(
            skip_invoice_sync=True, check_move_validity=False, tracking_disable=True
        )

    def _einvoice_system(self):
        # the caller's default_* keys are dropped: Odoo would fill a created move from them
        context = {k: v for k, v in self.env.context.items() if not k.startswith("default_")}
        context[GUARD_KEY] = TRUSTED
        return self.sudo().with_context(context)  # pylint: disable=context-overridden

    def _check_einvoice_values(self, vals, moves=None):
        """The platform's facts are the jobs'; finance corrects the buyer and the type until
        the platform took the invoice."""
        if self._einvoice_trusted():
            return
        names = set(vals) & (SYSTEM_FIELDS | CORRECTABLE)
        if not names:
            return
        system = names & SYSTEM_FIELDS
        if system:
            labels = ", ".join(
                sorted(self._fields[n]._description_string(lang_env(self.env)) for n in system)
            )
            raise UserError(
                lang_env(self.env)._(
                    "%s: set by the e-invoice platform and its jobs, not by users.", labels
                )
            )
        if not (
            self.env.user.has_group("wsv_crm_customer.group_finance")
            or self.env.user.has_group("base.group_system")
        ):
            raise UserError(lang_env(self.env)._("E-invoice buyer and type: corrected by finance."))
        for move in moves or ():
            if move.einvoice_state in ("queued", "issuing", "issued"):
                raise UserError(
                    lang_env(self.env)._(
                        "Invoice %s is with the e-invoice platform: its buyer and type can "
                        "no longer change.",
                        move.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_einvoice_values(vals)
        # the platform's facts never come from a context default, whoever creates
        if any(key.startswith("default_einvoice_") for key in self.env.context):
            context = {
                k: v for k, v in self.env.context.items() if not k.startswith("default_einvoice_")
            }
            # replacing the whole context is the point: it is how the keys are dropped
            moves = self.with_context(context)  # pylint: disable=context-overridden
            return super(AccountMove, moves).create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_einvoice_values(vals, self)
        if not self._einvoice_trusted() and set(vals) & FROZEN_WITH_PLATFORM:
            # an invoice with the platform keeps its state and lines: reversed by a red letter
            self._check_not_with_platform()
        return super().write(vals)

    def unlink(self):
        sent = self.filtered(lambda m: m.einvoice_state or m.einvoice_order_no)
        if sent and not self._einvoice_trusted():
            raise UserError(
                lang_env(self.env)._(
                    "Invoice %s went to the e-invoice platform: it is kept, and reversed with "
                    "a red-letter invoice.",
                    sent[0].display_name,
                )
            )
        return super().unlink()

    def _check_not_with_platform(self):
        live = self.filtered(lambda m: m.einvoice_state in ("queued", "issuing", "issued"))
        if live and not self._einvoice_trusted():
            raise UserError(
                lang_env(self.env)._(
                    "Invoice %s is issued (or being issued) as an e-invoice: it is reversed "
                    "with a red-letter invoice, not reset or cancelled.",
                    live[0].display_name,
                )
            )

    def button_draft(self):
        self._check_not_with_platform()
        return super().button_draft() or True  # XML-RPC carries no None

    @api.depends("einvoice_state")
    def _compute_show_reset_to_draft_button(self):
        result = super()._compute_show_reset_to_draft_button()
        for move in self.filtered(lambda m: m.einvoice_state in ("queued", "issuing", "issued")):
            move.show_reset_to_draft_button = False
        return result

    def _reverse_moves(self, default_values_list=None, cancel=False):
        # an e-invoice is reversed on the platform too: by its red letter, not a bare credit note
        self._check_not_with_platform()
        return super()._reverse_moves(default_values_list, cancel)

    def button_cancel(self):
        self._check_not_with_platform()
        return super().button_cancel() or True  # XML-RPC carries no None

    # ------------------------------------------------------------ issuing
    def _einvoice_lines(self):
        return self.invoice_line_ids.filtered(lambda r: r.display_type == "product")

    def _einvoice_payload(self):
        """The platform's order of a blue invoice, checked as the platform checks it."""
        self.ensure_one()
        _ = lang_env(self.env)._
        try:
            tax_number = invoice.check_buyer(self.einvoice_type, self.einvoice_buyer_tax_number)
        except invoice.RuleError as error:
            if error.code == "special_needs_tax_number":
                raise UserError(
                    _(
                        "Buyer Tax Number: a special invoice (专票) needs the buyer's tax "
                        "number; issue an ordinary invoice (普票) or give the number."
                    )
                ) from None
            raise UserError(
                _(
                    "Buyer Tax Number: %s is not a taxpayer number (18 characters, or the "
                    "older 15, 17 or 20).",
                    self.einvoice_buyer_tax_number or "",
                )
            ) from None
        if not (self.einvoice_buyer_name or "").strip():
            raise UserError(_("Buyer Name: the invoice needs the buyer's name."))
        details, checked = [], []
        for line in self._einvoice_lines():
            taxes = line.tax_ids
            name = line.product_id.name or line.name
            if len(taxes) != 1 or taxes.amount_type != "percent":
                raise UserError(
                    _("Taxes: %s needs exactly one percentage tax to be invoiced.", name)
                )
            code = line.product_id.product_tmpl_id._wsv_tax_code()
            try:
                invoice.check_tax_code(code)
            except invoice.RuleError:
                raise UserError(
                    _(
                        "Tax Classification Code: %s (or its category) has no 19-digit code.",
                        name,
                    )
                ) from None
            qty = abs(line.quantity)
            untaxed = abs(line.price_subtotal)
            tax = abs(line.price_total) - untaxed
            rate = taxes.amount / 100
            price = round(untaxed / qty, 8) if qty else 0.0
            checked.append((qty, price, rate, untaxed, tax))
            details.append(
                {
                    "goodsName": name,
                    "goodsCode": code,
                    "specType": line.product_id.default_code or "",
                    "unit": line.product_uom_id.name or "",
                    "num": repr(qty),
                    "price": f"{price:.8f}".rstrip("0").rstrip("."),
                    "withTaxFlag": "0",
                    "taxRate": f"{rate:g}",
                    "tax": f"{tax:.2f}",
                    "taxExcludedAmount": f"{untaxed:.2f}",
                    "taxIncludedAmount": f"{untaxed + tax:.2f}",
                }
            )
        try:
            invoice.check_lines(checked, (self.amount_untaxed, self.amount_tax, self.amount_total))
        except invoice.RuleError as error:
            if error.code == "no_lines":
                raise UserError(_("Lines: the invoice has no product lines.")) from None
            if error.code == "line_sum":
                raise UserError(
                    _(
                        "Lines: line %(line)s does not add up (amount %(amount)s, quantity x "
                        "price gives %(expected)s).",
                        line=error.details["line"],
                        amount=error.details["untaxed"],
                        expected=error.details["expected"],
                    )
                ) from None
            raise UserError(
                _(
                    "Lines: the invoice total %(total)s is not the sum of its lines "
                    "(%(expected)s).",
                    total=error.details["total"],
                    expected=error.details["expected"],
                )
            ) from None
        company = self.company_id
        backend = self.einvoice_backend_id
        return {
            "orderNo": self.einvoice_order_no,
            "invoiceDate": fields.Datetime.to_string(fields.Datetime.now()),
            "buyerName": self.einvoice_buyer_name,
            "buyerTaxNum": tax_number or "",
            "buyerAddress": self.einvoice_buyer_address or "",
            "buyerTel": self.einvoice_buyer_phone or "",
            "buyerBank": self.einvoice_buyer_bank or "",
            "buyerAccount": self.einvoice_buyer_account or "",
            "salerTaxNum": backend._tax_number(),
            "salerName": company.name,
            "salerAddress": " ".join(filter(None, [company.city, company.street])),
            "salerTel": company.phone or "",
            "salerAccount": " ".join(
                filter(None, [company.bank_ids[:1].bank_id.name, company.bank_ids[:1].acc_number])
            ),
            "clerk": backend.clerk or "",
            "invoiceType": "1",
            "invoiceLine": self.einvoice_type,
            "remark": self.einvoice_remark or self.invoice_origin or "",
            "invoiceDetail": details,
        }

    def _einvoice_fill_defaults(self):
        """An invoice made without an application (Odoo's own flow) takes its buyer from
        the customer and the company's platform."""
        for move in self.filtered(lambda m: not m.einvoice_backend_id):
            partner = move.partner_id.commercial_partner_id
            number = partner.vat or partner.credit_code or False
            bank = partner.bank_ids[:1]
            move._einvoice_system().write(
                {
                    "einvoice_backend_id": self.env["wsv.einvoice.backend"]
                    ._default_backend(move.company_id)
                    .id,
                    "einvoice_type": move.einvoice_type or ("bs" if number else "pc"),
                    "einvoice_buyer_name": move.einvoice_buyer_name or partner.name,
                    "einvoice_buyer_tax_number": move.einvoice_buyer_tax_number or number,
                    "einvoice_buyer_phone": move.einvoice_buyer_phone or partner.phone,
                    "einvoice_buyer_bank": move.einvoice_buyer_bank or bank.bank_id.name,
                    "einvoice_buyer_account": move.einvoice_buyer_account or bank.acc_number,
                }
            )

    def action_wsv_einvoice_issue(self):
        """Finance issues: the invoice is checked as the platform checks it, posted, and
        handed to a job that issues it on the platform."""
        check_invoicing(self.env)
        for move in self:
            if move.move_type != "out_invoice" or move.einvoice_red_of_id:
                raise UserError(
                    lang_env(self.env)._(
                        "%s is not a customer invoice: only customer invoices are issued; "
                        "a red letter reverses one.",
                        move.display_name,
                    )
                )
            if move.einvoice_state in ("queued", "issuing", "issued"):
                raise UserError(
                    lang_env(self.env)._(
                        "Invoice %s is issued or being issued already.", move.display_name
                    )
                )
            if move.state == "cancel":
                raise UserError(lang_env(self.env)._("Invoice %s is cancelled.", move.display_name))
        self._einvoice_fill_defaults()
        for move in self:
            move._einvoice_with_order_no()._einvoice_payload()
        drafts = self.filtered(lambda m: m.state == "draft")
        if drafts:
            posted = drafts.action_post()
            if isinstance(posted, dict):
                # OCA financial risk asks finance to confirm an invoice over the customer's
                # risk: once confirmed (posted), Issue hands it to the platform
                return posted
        self._wsv_einvoice_enqueue()
        return True

    def _einvoice_with_order_no(self):
        """The invoice with its order number (in memory until the job commits it)."""
        kind = "R" if self.einvoice_red_of_id else "I"
        if not self.einvoice_order_no:
            self._einvoice_facts().einvoice_order_no = invoice.order_number(
                kind, self.id, self.einvoice_generation
            )
        return self

    def action_wsv_einvoice_retry(self):
        """Retry failed (once the data is fixed) or stuck invoices; now, not at the next retry."""
        check_invoicing(self.env)
        moves = self.filtered(lambda m: m.einvoice_state in ("failed", "queued", "issuing"))
        unposted = moves.filtered(lambda m: m.state != "posted")
        if unposted:
            raise UserError(
                lang_env(self.env)._(
                    "Invoice %s is not posted: post it, then issue it.", unposted[0].display_name
                )
            )
        live = moves.filtered(
            lambda m: m.einvoice_job_id.state in ("pending", "enqueued", "started")
        )
        live.einvoice_job_id.sudo().filtered(lambda j: j.state == "pending").write({"eta": False})
        rest = moves - live
        for move in rest.filtered(lambda m: m.einvoice_state == "failed"):
            if not move.einvoice_red_of_id:
                move._einvoice_payload()
        rest._wsv_einvoice_enqueue()
        return True

    def _wsv_einvoice_enqueue(self):
        for move in self.with_env(retry.job_env(self.env)):
            if move.einvoice_state == "failed" and move.einvoice_platform_failed:
                # the platform failed that order number for good: the retry is a new order
                if move.einvoice_generation >= 9:
                    raise UserError(
                        lang_env(self.env)._(
                            "Invoice %s failed on the platform ten times: ask the platform "
                            "why before trying again.",
                            move.display_name,
                        )
                    )
                move._einvoice_facts().write(
                    {
                        "einvoice_generation": move.einvoice_generation + 1,
                        "einvoice_platform_failed": False,
                        "einvoice_order_no": False,
                        "einvoice_serial": False,
                        "einvoice_red_bill_no": False,
                        "einvoice_red_bill_state": False,
                    }
                )
            move._einvoice_with_order_no()
            delayed = move.with_delay(
                max_retries=0,  # what fails on the way is retried until the platform answers
                channel="root.einvoice",
                description=lang_env(self.env)._("Issue e-invoice %s", move.name),
                identity_key=f"wsv_einvoice:{move.id}:{move.einvoice_attempt_count}",
            )._wsv_einvoice_run()
            job = delayed.db_record() if hasattr(delayed, "db_record") else delayed
            move._einvoice_facts().write(
                {
                    "einvoice_state": "issuing" if move.einvoice_serial else "queued",
                    "einvoice_job_id": job.id,
                    "einvoice_message": False,
                }
            )

    # ------------------------------------------------------------ the job
    def _lock(self, wait):
        if wait:
            self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_KEY, self.id))
            return True
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (LOCK_KEY, self.id))
        return self.env.cr.fetchone()[0]

    def _wsv_einvoice_run(self):
        """One step of issuing: the platform's answer decides the next. Accepted but not
        final: asked again after the backend's query interval; no usable answer: tried
        again with a capped backoff (the order number makes a second issue impossible);
        refused or failed on the platform: stops, visible and retryable."""
        self.ensure_one()
        if not self._lock(wait=False):
            raise RetryableJobError("another job issues this invoice", seconds=5, ignore_retry=True)
        move = self._einvoice_system()
        if move.einvoice_state not in LIVE:
            return move.einvoice_state or "none"
        backend = move.einvoice_backend_id
        started, client = time.monotonic(), None
        # what the platform told us on the way (the red-letter confirmation), written with the
        # attempt's log: never in this transaction before a log on a cursor of its own
        values = {}
        try:
            client = backend._client()
            if move.einvoice_red_of_id:
                result = move._einvoice_red_step(client, values)
            else:
                result = move._einvoice_blue_step(client)
            if result is not None and result.state == "issued":
                move._einvoice_finish(result, client, values)
        except nuonuo.TransportError as error:
            move._einvoice_log("transport", None, client, started, str(error), values)
            seconds = retry.backoff(move.einvoice_attempt_count, backend.max_backoff, base=2.0)
            raise RetryableJobError(str(error), seconds=seconds) from error
        except nuonuo.PlatformError as error:
            move._einvoice_log("refused", "failed", client, started, str(error), values)
            return "refused"
        except UserError as error:
            move._einvoice_log("refused", "failed", client, started, str(error.args[0]), values)
            return "refused"
        if isinstance(result, Waiting):
            move._einvoice_log(result.outcome, None, client, started, result.message, values)
            seconds = backend.query_interval
            if result.outcome == "pending_buyer":
                seconds = retry.backoff(
                    move.einvoice_attempt_count, backend.max_backoff, base=backend.query_interval
                )
            raise RetryableJobError(result.message or result.outcome, seconds=seconds)
        if result is None or result.state == "issuing":
            values["einvoice_state"] = "issuing"
            if result is not None and result.serial:
                values["einvoice_serial"] = result.serial
            move._einvoice_log("issuing", None, client, started, None, values)
            raise RetryableJobError("the platform is issuing", seconds=backend.query_interval)
        if result.state == "failed":
            values["einvoice_platform_failed"] = True
            move._einvoice_log("failed", "failed", client, started, result.message, values)
            return "failed"
        move._einvoice_log("issued", None, client, started)
        return move.einvoice_number

    def _einvoice_blue_step(self, client):
        if self.einvoice_serial:
            found = client.query(order_nos=[self.einvoice_order_no])
            if found:
                return found[0]
        return client.issue_once(self._einvoice_payload())

    def _einvoice_red_step(self, client, values):
        """A red letter: the confirmation (红字确认单) first, confirmed by the buyer where the
        platform asks it, then the red invoice against it."""
        blue = self.einvoice_red_of_id
        bill_order_no = invoice.order_number("C", self.id, self.einvoice_generation)
        if self.einvoice_red_bill_no:
            bill = client.query_red(bill_no=self.einvoice_red_bill_no)
        else:
            bill = client.apply_red(
                bill_order_no,
                blue.einvoice_number,
                self.einvoice_red_reason or "1",
                f"{abs(self.amount_total):.2f}",
            )
        if bill is None:
            return Waiting("issuing", None)
        state = {"pending_buyer": "pending"}.get(bill.state, bill.state)
        values.update(einvoice_red_bill_no=bill.bill_no, einvoice_red_bill_state=state)
        if bill.state == "refused":
            raise nuonuo.PlatformError(
                "red",
                lang_env(self.env)._(
                    "The buyer refused the red-letter confirmation %s.", bill.bill_no
                ),
            )
        if bill.state != "confirmed":
            return Waiting(
                "pending_buyer",
                lang_env(self.env)._(
                    "Red-letter confirmation %s waits for the buyer.", bill.bill_no
                ),
            )
        if self.einvoice_serial:
            found = client.query(order_nos=[self.einvoice_order_no])
            if found:
                return found[0]
        return client.issue_red(self.einvoice_order_no, bill.bill_no)

    def _einvoice_finish(self, result, client, values=None):
        """An issued invoice: its number, date and files; the contract's chain follows."""
        files = dict(values or {})
        for kind in ("pdf", "ofd", "xml"):
            url = (result.urls or {}).get(kind)
            if url:
                files[f"einvoice_{kind}"] = base64.b64encode(client.download(url))
        self._einvoice_facts().write(
            {
                "einvoice_state": "issued",
                "einvoice_serial": result.serial or self.einvoice_serial,
                "einvoice_number": result.invoice_no,
                "einvoice_date": result.invoice_date or fields.Date.context_today(self),
                "einvoice_message": False,
                **files,
            }
        )
        self._einvoice_issued()

    def _einvoice_issued(self):
        """What follows an issued invoice: the invoiced step of its contracts, and the
        installments that fall due on invoicing."""
        orders = self.line_ids.sale_line_ids.order_id.filtered("is_contract")
        orders.order_line.invalidate_recordset(["qty_einvoiced"])
        orders.filtered(
            lambda o: o.milestone_ids.filtered(lambda m: m.trigger == "invoice")
        )._wsv_generate_schedule()

    def _einvoice_log(self, outcome, state, client, started, message=None, values=None):
        """The attempt and the invoice's new state, committed on a cursor of their own: a
        retried job's transaction is rolled back, its log must stay."""
        values = dict(values or {})
        values["einvoice_attempt_count"] = self.einvoice_attempt_count + 1
        if state:
            values["einvoice_state"] = state
        if message is not None or state == "failed":
            values["einvoice_message"] = message or False
        exchanges = client.exchanges if client is not None else []
        attempt = {
            "move_id": self.id,
            "outcome": outcome,
            "message": message or False,
            "duration_ms": (time.monotonic() - started) * 1000 if started else 0.0,
            "request": "\n".join(f"# {m}\n{request}" for m, request, _a in exchanges),
            "answer": "\n".join(f"# {m}\n{answer or '(no answer)'}" for m, _r, answer in exchanges),
        }
        if outcome in ("issued", "callback"):
            self.env["wsv.einvoice.attempt"].sudo().create(attempt)
            self._einvoice_facts().write(values)
            return
        with Registry(self.env.cr.dbname).cursor() as cr:
            env = self.env(cr=cr, su=True)
            env[self._name].browse(self.id)._einvoice_facts().write(values)
            env["wsv.einvoice.attempt"].create(attempt)
        self.invalidate_recordset()

    # ------------------------------------------------------------ the platform's push
    @api.model
    def _wsv_einvoice_callback(self, content):
        """The platform's result of an invoice, pushed (its signature already checked)."""
        order_no = (content or {}).get("orderNo")
        move = self._einvoice_system().search([("einvoice_order_no", "=", order_no)], limit=1)
        if not move:
            return False
        move._lock(wait=True)
        move.invalidate_recordset()
        if move.einvoice_state not in LIVE:
            return True
        result = nuonuo.result(content)
        client = move.einvoice_backend_id._client()
        started = time.monotonic()
        if result.state == "issued":
            try:
                move._einvoice_finish(result, client)
            except nuonuo.TransportError:
                return True  # the job finishes it (it downloads the files again)
            move._einvoice_log("callback", None, client, started)
        elif result.state == "failed":
            move._einvoice_log("failed", "failed", client, started, result.message)
        return True

    # ------------------------------------------------------------ red letters
    def action_wsv_einvoice_red_wizard(self):
        check_invoicing(self.env)
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "wsv.einvoice.red.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }

    def action_wsv_einvoice_red(self, reason, amount=None):
        """Reverse an issued e-invoice with a red-letter one, wholly or (``amount``, tax
        included) in part; returns the red invoice's id."""
        check_invoicing(self.env)
        self.ensure_one()
        _ = lang_env(self.env)._
        if self.move_type != "out_invoice" or self.einvoice_state != "issued":
            raise UserError(_("Red letter: %s is not an issued e-invoice.", self.display_name))
        if reason not in dict(RED_REASONS):
            raise UserError(_("Red-letter Reason: choose one of the platform's four reasons."))
        # two reversals of one invoice at once: the second waits, then counts the first
        self._lock(wait=True)
        self.invalidate_recordset(["einvoice_red_ids"])
        # every red letter not cancelled counts (a failed one until finance cancels it)
        taken = self.sudo().einvoice_red_ids.filtered(lambda m: m.state != "cancel")
        if amount is None or amount is False:
            amount = self.amount_total - sum(taken.mapped("amount_total"))
        try:
            amount = float(
                invoice.check_red_amount(
                    self.amount_total, sum(taken.mapped("amount_total")), amount
                )
            )
        except (invoice.RuleError, ValueError, ArithmeticError) as error:
            code = getattr(error, "code", "red_not_positive")
            if code == "red_twice":
                message = _("Red letter: %s is reversed already.", self.einvoice_number)
            elif code == "red_over":
                message = _(
                    "Amount: %(amount)s is more than the %(left)s e-invoice %(number)s still "
                    "holds.",
                    amount=error.details["amount"],
                    left=error.details["left"],
                    number=self.einvoice_number,
                )
            else:
                message = _("Amount: a red letter takes back a positive amount.")
            raise UserError(message) from None
        blue = self._einvoice_system()
        red = blue._reverse_moves(
            [
                {
                    "ref": _("Red letter of %s", self.einvoice_number),
                    "invoice_date": fields.Date.context_today(self),
                    "einvoice_red_of_id": self.id,
                    "einvoice_red_reason": reason,
                    "einvoice_backend_id": self.einvoice_backend_id.id,
                    "einvoice_type": self.einvoice_type,
                    **{name: self[name] for name in BUYER_FIELDS},
                }
            ]
        )
        ratio = amount / self.amount_total if self.amount_total else 1.0
        if ratio < 1 - 1e-9:
            # a partial red letter takes back that share of every line
            for line in red._einvoice_lines():
                line.quantity = line.quantity * ratio
            left = self.amount_total - sum(taken.mapped("amount_total"))
            if red.currency_id.compare_amounts(red.amount_total, left) > 0:
                raise UserError(
                    lang_env(self.env)._(
                        "Amount: rounded to the units of the lines, the red letter (%(amount)s) "
                        "would take back more than the %(left)s left.",
                        amount=red.amount_total,
                        left=left,
                    )
                )
        red.action_post()
        red._wsv_einvoice_enqueue()
        return red.id

    def action_wsv_einvoice_download(self):
        self.ensure_one()
        kind = self.env.context.get("einvoice_file", "pdf")
        if kind not in ("pdf", "ofd", "xml") or not self[f"einvoice_{kind}"]:
            raise UserError(lang_env(self.env)._("The e-invoice has no %s file yet.", kind.upper()))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/account.move/{self.id}/einvoice_{kind}/"
            f"{self[f'einvoice_{kind}_name']}?download=true",
            "target": "self",
        }


class Waiting:
    """A step that must wait (the buyer's confirmation)."""

    state = "waiting"

    def __init__(self, outcome, message):
        self.outcome, self.message = outcome, message


class WsvEinvoiceAttempt(models.Model):
    _name = "wsv.einvoice.attempt"
    _description = "E-invoice Attempt"
    _order = "id desc"

    move_id = fields.Many2one("account.move", required=True, ondelete="cascade", index=True)
    move_name = fields.Char(related="move_id.name", string="Invoice")
    outcome = fields.Selection(OUTCOMES, required=True)
    message = fields.Text()
    duration_ms = fields.Float(string="Duration (ms)", digits=(10, 1))
    request = fields.Text(help="The requests of this attempt, as sent.")
    answer = fields.Text(help="The platform's answers, as received.")
