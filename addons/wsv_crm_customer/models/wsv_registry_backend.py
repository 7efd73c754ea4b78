"""Registry enrichment (企查查工商信息): the backend record and its call log."""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import config

from ..lib import qichacha
from .i18n import lang_env

_logger = logging.getLogger(__name__)
CONFIG_SECTION = "wsv_qichacha"


class WsvRegistryBackend(models.Model):
    """The business-registry service. Key and secret come from the server configuration
    (section [wsv_qichacha]), never from the database; the URL too unless set here."""

    _name = "wsv.registry.backend"
    _description = "Business Registry Backend"

    name = fields.Char(required=True)
    url = fields.Char(
        string="URL",
        help="Empty: the url of the [wsv_qichacha] section of the server configuration.",
    )
    timeout = fields.Float(string="Timeout (s)", default=10.0, required=True)
    rate_limit = fields.Integer(
        string="Calls per Minute",
        default=60,
        help="At most this many calls a minute, as the service contract allows (0: no limit).",
    )
    refresh_days = fields.Integer(
        string="Refresh After (days)", default=90, help="The scheduled refresh renews older data."
    )
    refresh_batch = fields.Integer(
        default=50, help="Customers refreshed per scheduled run: the calls run in one transaction."
    )
    active = fields.Boolean(default=True)
    call_ids = fields.One2many("wsv.registry.call", "backend_id", string="Calls")

    def _client(self):
        self.ensure_one()
        section = config.misc.get(CONFIG_SECTION, {})
        return qichacha.Client(
            self.url or section.get("url", ""),
            section.get("key", ""),
            section.get("secret", ""),
            timeout=self.timeout,
        )

    @api.model
    def _get_backend(self):
        return self.sudo().search([], limit=1)

    def _rate_limited(self):
        if not self.rate_limit:
            return False
        since = fields.Datetime.now() - timedelta(minutes=1)
        done = (
            self.env["wsv.registry.call"]
            .sudo()
            .search_count(
                [
                    ("backend_id", "=", self.id),
                    ("create_date", ">=", since),
                    ("status", "!=", "local"),
                ]
            )
        )
        return done >= self.rate_limit

    def _lookup(self, keyword, partner=None):
        """Ask the registry about a name or credit code; every call is logged.

        Returns (company values or None, error message or None): failures are reported,
        not raised, so the log survives and a batch goes on with the next customer.
        """
        self.ensure_one()
        Call = self.env["wsv.registry.call"].sudo()
        log = {"backend_id": self.id, "keyword": keyword, "partner_id": partner and partner.id}
        if self._rate_limited():
            message = lang_env(self.env)._(
                "Registry: the limit of %s calls a minute is reached; try again in a minute.",
                self.rate_limit,
            )
            Call.create({**log, "status": "local", "message": message})
            return None, message
        try:
            result = self._client().lookup(keyword)
        except qichacha.RegistryError as error:
            message = self._error_message(error)
            Call.create(
                {
                    **log,
                    "status": error.code,
                    "message": error.message,
                    "duration_ms": error.duration_ms or 0.0,
                    "payload": error.payload and str(error.payload),
                }
            )
            _logger.info("registry lookup %r failed: %s %s", keyword, error.code, error.message)
            return None, message
        Call.create(
            {
                **log,
                "status": result.status,
                "message": result.message,
                "duration_ms": result.duration_ms,
                "payload": str(result.payload),
            }
        )
        return result.company, None

    def _error_message(self, error):
        if isinstance(error, qichacha.NotFound):
            return lang_env(self.env)._("Registry: no company found for this name or credit code.")
        if isinstance(error, qichacha.RateLimited):
            return lang_env(self.env)._(
                "Registry: the service asks to slow down; try again in a minute."
            )
        if isinstance(error, qichacha.AuthError):
            return lang_env(self.env)._(
                "Registry: the service refused our key or signature (%s); check the [wsv_qichacha] "
                "key and secret in the server configuration.",
                error.code,
            )
        if error.code == "timeout":
            return lang_env(self.env)._(
                "Registry: no answer within %s seconds; try again later.", self.timeout
            )
        return lang_env(self.env)._(
            "Registry: the call failed (%(code)s: %(message)s).",
            code=error.code,
            message=error.message,
        )


class WsvRegistryCall(models.Model):
    """One call to the registry, kept with its answer."""

    _name = "wsv.registry.call"
    _description = "Business Registry Call"
    _order = "create_date desc, id desc"

    backend_id = fields.Many2one(
        "wsv.registry.backend", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", ondelete="set null", index=True)
    keyword = fields.Char(required=True)
    status = fields.Char(
        help="The service's status (200 found, 201 not found, ...), or timeout, network, http, "
        "format for a failed call, local for a call held back by our rate limit."
    )
    message = fields.Char()
    duration_ms = fields.Float(string="Duration (ms)", digits=(10, 1))
    payload = fields.Text(help="The answer as received.")
    create_uid = fields.Many2one("res.users", string="Called By", readonly=True)
