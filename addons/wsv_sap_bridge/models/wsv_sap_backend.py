"""The SAP system orders go to: where it is, how to log on, what its documents are called."""

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import config

from odoo.addons.wsv_crm_customer.models.i18n import lang_env

from ..lib import sap_order

_logger = logging.getLogger(__name__)
CONFIG_SECTION = "wsv_sap"
INTEGRATION = "wsv_crm_customer.group_integration_admin"
STATES = ("pending", "running", "failed", "sent", "cancelled")
DEAD_JOBS = ("failed", "cancelled", "done")  # a pending sending whose job will not run again


def check_integration(env):
    """The outbox is the integration administrator's (public methods check their caller)."""
    if not (env.su or env.user.has_group(INTEGRATION) or env.user.has_group("base.group_system")):
        raise UserError(
            lang_env(env)._("Only an Integration Administrator manages the SAP outbox.")
        )


class WsvSapBackend(models.Model):
    """An SAP system. User and password come from the server configuration (section
    [wsv_sap]), never from the database; the WSDL address too unless set here."""

    _name = "wsv.sap.backend"
    _description = "SAP Backend"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    transport = fields.Selection(
        [("soap", "SOAP"), ("rfc", "RFC (pyrfc)")],
        default="soap",
        required=True,
        help="SOAP: SAP's SOAP runtime, with the WSDL below. RFC: SAP's own protocol; needs "
        "the pyrfc library and SAP's NW RFC SDK on the server.",
    )
    rfc_available = fields.Boolean(string="RFC Available", compute="_compute_rfc_available")
    # where the [wsv_sap] logon is sent: the system administrator's to set, as the logon is
    # the server configuration's (an integration administrator who could point it elsewhere
    # would receive SAP's password)
    wsdl_url = fields.Char(
        string="WSDL",
        groups="base.group_system",
        help="Empty: the url of the [wsv_sap] section of the server configuration.",
    )
    rfc_host = fields.Char(string="RFC Application Server", groups="base.group_system")
    rfc_sysnr = fields.Char(string="RFC System Number", size=2, default="00")
    sap_client = fields.Char(string="SAP Client", size=3, default="800", required=True)
    timeout = fields.Float(string="Timeout (s)", default=30.0, required=True)
    max_backoff = fields.Integer(
        string="Longest Retry Wait (s)",
        default=120,
        required=True,
        help="Failed sends are retried after 10 s, 20 s, 40 s... never waiting longer than "
        "this: once SAP is back, sending resumes within this time.",
    )
    doc_type = fields.Char(string="Order Type", size=4, default="OR", required=True)
    change_doc_type = fields.Char(
        string="Change Order Type",
        size=4,
        default="ZCR",
        required=True,
        help="The order type of a supplementary contract's order, which refers to the "
        "original contract's SAP order.",
    )
    price_condition = fields.Char(size=4, default="PR00", required=True)
    discount_condition = fields.Char(size=4, default="RA01", required=True)
    sync_batch = fields.Integer(
        string="Orders per Status Call",
        default=100,
        required=True,
        help="The scheduled sync asks SAP about this many orders per call.",
    )
    sending_ids = fields.One2many("wsv.sap.sending", "backend_id", string="Sendings")
    pending_count = fields.Integer(compute="_compute_counts")
    running_count = fields.Integer(compute="_compute_counts")
    failed_count = fields.Integer(compute="_compute_counts")
    sent_count = fields.Integer(compute="_compute_counts")
    last_sync = fields.Datetime(string="Last Status Sync", readonly=True)

    @api.constrains("timeout", "max_backoff", "sync_batch")
    def _check_limits(self):
        for backend in self:
            if not 0 < backend.timeout <= 600:
                raise ValidationError(
                    lang_env(self.env)._(
                        "SAP backend: Timeout must be more than 0 and at most 600 seconds."
                    )
                )
            if not 10 <= backend.max_backoff <= 900:
                raise ValidationError(
                    lang_env(self.env)._(
                        "SAP backend: Longest Retry Wait must be 10 to 900 seconds (sending "
                        "resumes within 15 minutes after SAP is back)."
                    )
                )
            if not 1 <= backend.sync_batch <= 1000:
                raise ValidationError(
                    lang_env(self.env)._("SAP backend: Orders per Status Call must be 1 to 1000.")
                )

    @api.constrains("transport")
    def _check_transport(self):
        if "rfc" in self.mapped("transport") and not sap_order.rfc_available():
            raise ValidationError(
                lang_env(self.env)._(
                    "SAP backend: Transport RFC is unavailable on this server (the pyrfc "
                    "library and SAP's NW RFC SDK are not installed); use SOAP."
                )
            )

    def _compute_rfc_available(self):
        available = sap_order.rfc_available()
        for backend in self:
            backend.rfc_available = available

    def _compute_counts(self):
        # (one query: a sending's job state decides whether it runs or needs a requeue)
        self.env["wsv.sap.sending"].flush_model(["backend_id", "state", "job_id"])
        self.env["queue.job"].flush_model(["state"])
        self.env.cr.execute(
            "SELECT s.backend_id, s.state, j.state, count(*) FROM wsv_sap_sending s"
            " LEFT JOIN queue_job j ON j.id = s.job_id WHERE s.backend_id = ANY(%s)"
            " GROUP BY 1, 2, 3",
            [self.ids],
        )
        counts = {}
        for backend_id, state, job_state, count in self.env.cr.fetchall():
            if state == "pending" and (job_state is None or job_state in DEAD_JOBS):
                state = "failed"  # its job ended with an error or is gone: it needs a requeue
            elif state == "pending" and job_state == "started":
                state = "running"
            counts[backend_id, state] = counts.get((backend_id, state), 0) + count
        for backend in self:
            for state in ("pending", "running", "failed", "sent"):
                backend[f"{state}_count"] = counts.get((backend.id, state), 0)

    @api.model
    def _get_backend(self):
        return self.sudo().search([], limit=1)

    # ------------------------------------------------------------ connection
    def _connect(self):
        """A new SAP session on this backend (raises sap_order.TransportError)."""
        self.ensure_one()
        section = config.misc.get(CONFIG_SECTION, {})
        user, password = section.get("user", ""), section.get("password", "")
        if self.transport == "rfc":
            return sap_order.RfcConnection(
                ashost=self.rfc_host or section.get("rfc_host", ""),
                sysnr=self.rfc_sysnr,
                client=self.sap_client,
                user=user,
                passwd=password,
            )
        url = self.wsdl_url or section.get("url", "")
        if not url:
            raise sap_order.TransportError(
                "no WSDL: set it on the backend or as url in [wsv_sap] of the server configuration"
            )
        auth = (user, password) if user else None
        return sap_order.service(url, self.timeout, auth, self.sap_client)

    def action_test_connection(self):
        """Log on and look an order up: says whether SAP answers, changes nothing."""
        check_integration(self.env)
        self.ensure_one()
        try:
            # The connection fields are the system's (groups=base.group_system): the
            # integration administrator may test the backend without reading them.
            sap_order.ping(self.sudo()._connect())
        except (sap_order.TransportError, sap_order.BusinessError) as error:
            raise UserError(
                lang_env(self.env)._(
                    "SAP backend %(name)s does not answer: %(error)s", name=self.name, error=error
                )
            ) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": lang_env(self.env)._("SAP backend %s answers.", self.name),
            },
        }

    # ------------------------------------------------------------ dashboard
    def action_view_sendings(self):
        check_integration(self.env)
        state = self.env.context.get("wsv_sap_state")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "wsv_sap_bridge.action_wsv_sap_sending"
        )
        domain = [("backend_id", "in", self.ids)] + self._state_domain(state)
        return dict(action, domain=domain)

    @api.model
    def _state_domain(self, state):
        """The sendings the dashboard counts as ``state``."""
        pending = [("state", "=", "pending")]
        if state == "running":
            return pending + [("job_state", "=", "started")]
        if state == "pending":
            return pending + [
                ("job_id", "!=", False),
                ("job_state", "not in", ("started",) + DEAD_JOBS),
            ]
        if state == "failed":
            # (a pending sending whose job ended badly or was deleted waits for nothing)
            return [
                "|",
                ("state", "=", "failed"),
                "&",
                *pending,
                "|",
                ("job_id", "=", False),
                ("job_state", "in", DEAD_JOBS),
            ]
        return [("state", "=", state)] if state in STATES else []

    def action_requeue_failed(self):
        """Send again every failed order of this backend (after the data was fixed)."""
        check_integration(self.env)
        failed = (
            self.env["wsv.sap.sending"]
            .sudo()
            .search([("backend_id", "in", self.ids)] + self._state_domain("failed"))
        )
        failed.action_requeue()
        return True

    def action_sync_now(self):
        check_integration(self.env)
        self.sudo()._sync_status()
        return True

    @api.model
    def _cron_sync_status(self):
        for backend in self.sudo().search([]):
            backend._sync_status()

    def _sync_status(self):
        """Read SAP's status of the orders still moving: deliveries, billing, production."""
        self.ensure_one()
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("sap_order_number", "!=", False),
                    ("sap_sending_ids.backend_id", "=", self.id),
                    ("contract_state", "in", ("signed", "executing")),
                    "|",
                    ("sap_delivery_status", "!=", "C"),
                    ("sap_billing_status", "!=", "C"),
                ],
                order="id",
            )
        )
        for start in range(0, len(orders), self.sync_batch):
            batch = orders[start : start + self.sync_batch]
            try:
                found = sap_order.status(self._connect(), batch.mapped("sap_order_number"))
            except sap_order.TransportError as error:
                _logger.warning("SAP status sync on %s stopped: %s", self.name, error)
                return False
            for order in batch:
                if order.sap_order_number in found:
                    order._wsv_sap_apply_status(found[order.sap_order_number])
        self.last_sync = fields.Datetime.now()
        return True
