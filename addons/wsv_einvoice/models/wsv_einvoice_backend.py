"""The e-invoice platform invoices are issued on: where it is and whose tax number issues.
The app key, secret and token come from the server configuration ([wsv_einvoice]), never
from the database."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config

from odoo.addons.wsv_crm_customer.models.i18n import lang_env

from ..lib import nuonuo

CONFIG_SECTION = "wsv_einvoice"
INTEGRATION = "wsv_crm_customer.group_integration_admin"
FINANCE = "wsv_crm_customer.group_finance"


def check_invoicing(env, watch=False):
    """Issuing is finance's; retrying what failed on the way (``watch``) is also the
    integration administrator's, who watches the platform's jobs."""
    if not (
        env.su
        or env.user.has_group(FINANCE)
        or (watch and env.user.has_group(INTEGRATION))
        or env.user.has_group("base.group_system")
    ):
        raise UserError(lang_env(env)._("E-invoices are issued by finance."))


def platform_config():
    """The [wsv_einvoice] section: url, app_key, app_secret, access_token."""
    get = config.misc.get(CONFIG_SECTION, {}).get
    return {key: get(key) or "" for key in ("url", "app_key", "app_secret", "access_token")}


class WsvEinvoiceBackend(models.Model):
    _name = "wsv.einvoice.backend"
    _description = "E-invoice Platform"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    seller_tax_number = fields.Char(
        help="The tax number that issues (the platform's userTax). Empty: the company's.",
    )
    clerk = fields.Char(string="Issuer", default="WSV", help="开票人 on the invoices.")
    timeout = fields.Float(string="Timeout (s)", default=15.0, required=True)
    max_backoff = fields.Integer(
        string="Longest Retry Wait (s)",
        default=60,
        required=True,
        help="Issuing and querying that fail on the way are retried after 2 s, 4 s, 8 s... "
        "never waiting longer than this.",
    )
    query_interval = fields.Integer(
        string="Query Interval (s)",
        default=2,
        required=True,
        help="How long to wait before asking again about an invoice the platform is issuing.",
    )
    failed_count = fields.Integer(compute="_compute_counts")
    issuing_count = fields.Integer(compute="_compute_counts")
    issued_count = fields.Integer(compute="_compute_counts")
    open_application_count = fields.Integer(
        string="Open Applications", compute="_compute_open_application_count"
    )

    @api.depends_context("uid")
    def _compute_counts(self):
        Move = self.env["account.move"].sudo()
        for backend in self:
            counts = dict(
                Move._read_group(
                    [("einvoice_backend_id", "=", backend.id)],
                    ["einvoice_state"],
                    ["__count"],
                )
            )
            backend.failed_count = counts.get("failed", 0)
            backend.issuing_count = counts.get("queued", 0) + counts.get("issuing", 0)
            backend.issued_count = counts.get("issued", 0)

    @api.depends_context("uid")
    def _compute_open_application_count(self):
        # the reader's own (their record rules decide), as the menu shows them; none for a
        # reader of the platform who reads no applications (the integration administrator)
        Application = self.env["wsv.invoice.application"]
        count = (
            Application.search_count([("state", "in", ("draft", "review", "approved", "rejected"))])
            if Application.has_access("read")
            else 0
        )
        for backend in self:
            backend.open_application_count = count

    def action_view_applications(self):
        check_invoicing(self.env, watch=True)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "wsv_einvoice.wsv_invoice_application_action"
        )
        action["context"] = {"search_default_open": 1}
        return action

    def _tax_number(self):
        self.ensure_one()
        return self.seller_tax_number or self.company_id.vat or ""

    def _client(self):
        self.ensure_one()
        settings = platform_config()
        if not (settings["url"] and settings["app_key"] and settings["app_secret"]):
            raise UserError(
                lang_env(self.env)._(
                    "E-invoice platform: the server configuration has no complete "
                    "[%s] section (url, app_key, app_secret).",
                    CONFIG_SECTION,
                )
            )
        return nuonuo.Client(
            settings["url"],
            settings["app_key"],
            settings["app_secret"],
            self._tax_number(),
            token=settings["access_token"] or None,
            timeout=self.timeout,
        )

    @api.model
    def _default_backend(self, company):
        backend = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if not backend:
            raise UserError(
                lang_env(self.env)._("E-invoice platform: none is configured for %s.", company.name)
            )
        return backend

    def action_test_connection(self):
        check_invoicing(self.env, watch=True)
        try:
            self.sudo()._client().query(order_nos=["WSV-CONNECTION-TEST"])
        except (nuonuo.TransportError, nuonuo.PlatformError) as error:
            raise UserError(lang_env(self.env)._("E-invoice platform: %s", error)) from None
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": lang_env(self.env)._("E-invoice platform"),
                "message": lang_env(self.env)._("The platform answers and accepts our signature."),
                "type": "success",
            },
        }

    def action_retry_failed(self):
        check_invoicing(self.env, watch=True)
        moves = (
            self.env["account.move"]
            .sudo()
            .search([("einvoice_backend_id", "in", self.ids), ("einvoice_state", "=", "failed")])
        )
        moves._wsv_einvoice_enqueue()
        return True

    def action_view_moves(self):
        check_invoicing(self.env, watch=True)
        action = self.env["ir.actions.act_window"]._for_xml_id("wsv_einvoice.action_einvoice_moves")
        state = self.env.context.get("einvoice_state")
        action["domain"] = [("einvoice_backend_id", "in", self.ids)] + (
            [("einvoice_state", "in", state.split(","))] if state else []
        )
        return action
