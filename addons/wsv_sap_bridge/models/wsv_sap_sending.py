"""The outbox: one sending per contract and backend, carried by queue_job jobs, and the log
of every attempt."""

import json
import logging
import time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.modules.registry import Registry

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.wsv_crm_customer.lib import retry
from odoo.addons.wsv_crm_customer.models.i18n import lang_env

from ..lib import mapping, sap_order
from .wsv_sap_backend import check_integration

_logger = logging.getLogger(__name__)
# (running is not a state of its own: it is a pending sending whose job has started; a
# state written when a job starts would collide with the job's own final write)
STATE = [
    ("pending", "Pending"),
    ("failed", "Failed"),
    ("sent", "Sent"),
    ("cancelled", "Cancelled"),
]
OUTCOME = [
    ("sent", "Created in SAP"),
    ("found", "Found in SAP"),
    ("transport", "No usable answer (retried)"),
    ("business", "Refused by SAP"),
    ("mapping", "Mapping incomplete"),
    ("waiting", "Waiting for the original order"),
    ("cancelled", "Contract cancelled"),
]
# a lock per sending, so that two jobs of one contract (a requeue while a retry is due)
# never look it up and create it side by side
LOCK_KEY = 0x5A9


outbox_env = retry.job_env


class WsvSapSending(models.Model):
    _name = "wsv.sap.sending"
    _description = "SAP Sending"
    _order = "id desc"
    _rec_name = "contract_number"

    order_id = fields.Many2one(
        "sale.order", string="Contract", required=True, ondelete="cascade", index=True
    )
    # the integration administrator reads the outbox, not the contracts: their number and
    # customer are kept here
    contract_number = fields.Char(
        related="order_id.contract_number", store=True, string="Contract No."
    )
    partner_id = fields.Many2one(related="order_id.partner_id", store=True, string="Customer")
    backend_id = fields.Many2one("wsv.sap.backend", required=True, ondelete="cascade", index=True)
    kind = fields.Selection(
        [("order", "Order"), ("change", "Change Order")], required=True, default="order"
    )
    state = fields.Selection(STATE, required=True, default="pending", index=True)
    sap_order_number = fields.Char(string="SAP Order No.")
    gaps = fields.Json(help="What the mapping lacks, as found by the last attempt.")
    sap_message = fields.Text(
        string="SAP's Answer", help="The last error, as SAP or the network gave it."
    )
    last_outcome = fields.Selection(OUTCOME)
    message = fields.Text(compute="_compute_message", help="The last problem, in your language.")
    attempt_count = fields.Integer(string="Attempts")
    last_attempt = fields.Datetime()
    job_id = fields.Many2one("queue.job", ondelete="set null", copy=False)
    job_state = fields.Selection(related="job_id.state", string="Job State")
    attempt_ids = fields.One2many("wsv.sap.attempt", "sending_id", string="Attempts Log")

    _sql_constraints = [
        (
            "order_backend_unique",
            "UNIQUE (order_id, backend_id, kind)",
            "A contract is sent to an SAP backend once.",
        )
    ]

    @api.depends("gaps", "sap_message", "state", "last_outcome")
    def _compute_message(self):
        for sending in self:
            if sending.gaps:
                sending.message = "\n".join(
                    sending._gap_text(what, detail) for what, detail in sending.gaps
                )
            elif sending.sap_message and sending.state != "sent":
                # our words in the reader's language, SAP's or the network's as they came
                if sending.last_outcome == "business":
                    text = lang_env(self.env)._("SAP refused the order: %s")
                else:
                    text = lang_env(self.env)._(
                        "SAP gave no usable answer; sent again automatically: %s"
                    )
                sending.message = text % sending.sap_message
            else:
                sending.message = False

    def _gap_text(self, what, detail):
        _ = lang_env(self.env)._
        if what == "team_keys":
            team, keys = detail
            return _("Sales team %(team)s has no SAP %(keys)s.", team=team, keys=", ".join(keys))
        texts = {
            "team": _("Contract %s has no sales team: SAP's sales area comes from the team."),
            "sold_to": _("Customer %s has no SAP customer number."),
            "payment_term": _("Payment terms %s have no SAP payment terms key."),
            "material": _("Product %s has no SAP material number (nor an internal reference)."),
            "no_lines": _("Contract %s has no product lines to order."),
            "original_cancelled": _(
                "Supplementary contract %s: the contract it supplements is cancelled; its "
                "change order is not sent."
            ),
            "original": _(
                "Supplementary contract %s: the original contract is not in SAP yet; it is "
                "sent once the original is."
            ),
            "cancelled": _("Contract %s is cancelled: it is not sent to SAP."),
        }
        return texts[what] % (detail,)

    # ------------------------------------------------------------ enqueue
    def _enqueue(self):
        """A job for each sending; the signing transaction only writes these rows."""
        for sending in self.with_env(outbox_env(self.env)):
            delayed = sending.with_delay(
                max_retries=0,  # transport errors retry until SAP answers (capped backoff)
                channel="root.sap",
                description=lang_env(self.env)._(
                    "Send %s to SAP", sending.order_id.contract_number
                ),
                identity_key=f"wsv_sap_send:{sending.id}:{sending.attempt_count}",
            )._send()
            # (a job with this identity already waiting: queue_job hands back its record)
            job = delayed.db_record() if hasattr(delayed, "db_record") else delayed
            sending.write({"state": "pending", "job_id": job.id})

    def action_requeue(self):
        """Send again once the data is fixed (failed) or now rather than at the next retry
        (pending)."""
        check_integration(self.env)
        sendings = self.with_env(outbox_env(self.env)).filtered(
            lambda s: s.state in ("failed", "pending")
        )
        cancelled = sendings.filtered(lambda s: s.order_id.contract_state == "cancel")
        if cancelled:
            raise UserError(
                lang_env(self.env)._(
                    "Contract %s is cancelled: it is not sent to SAP.",
                    cancelled[0].order_id.contract_number,
                )
            )
        # a retry that waits runs now; a sending without a live job gets a new one
        live = sendings.filtered(lambda s: s.job_id.state in ("pending", "enqueued", "started"))
        live.job_id.filtered(lambda j: j.state == "pending").write({"eta": False})
        (sendings - live)._enqueue()
        return True

    # ------------------------------------------------------------ the job
    def _send(self):
        """Send the contract to SAP once: look it up by contract number, create it if SAP
        has none. Transport errors retry with a capped backoff; a refusal or a gap in the
        mapping stops until requeued."""
        self.ensure_one()
        # This transaction's commit need not wait for the disk: were it lost in a crash, the
        # job runs again, finds the order in SAP by its number and creates nothing twice.
        self.env.cr.execute("SET LOCAL synchronous_commit TO OFF")
        # the lock first, then the reads: a cancel or another job of this contract either
        # finished before (and is seen) or waits for this one
        if not self._lock(wait=False):
            raise RetryableJobError(
                "another job sends this contract now", seconds=10, ignore_retry=True
            )
        sending = self.sudo()
        if sending.state in ("sent", "cancelled"):
            return sending.state
        order, backend = sending.order_id, sending.backend_id
        facts, sap = order._wsv_sap_order(backend, sending.kind)
        gaps = mapping.missing(facts)
        if gaps:
            outcome = {"cancelled": "cancelled", "original": "waiting"}.get(gaps[0][0], "mapping")
            state = {"cancelled": "cancelled", "waiting": "pending"}.get(outcome, "failed")
            sending._log(outcome, state, gaps=gaps)
            if outcome == "waiting":  # the original's own job gives it its number
                raise RetryableJobError("original not in SAP yet", seconds=backend.max_backoff)
            return outcome
        started = time.monotonic()
        connection = None
        try:
            connection = backend._connect()
            number, created = sap_order.send(connection, sap)
        except sap_order.TransportError as error:
            sending._log("transport", "pending", connection, started, str(error))
            seconds = retry.backoff(sending.attempt_count, backend.max_backoff)
            raise RetryableJobError(str(error), seconds=seconds) from error
        except sap_order.BusinessError as error:
            sending._log("business", "failed", connection, started, str(error))
            return "business"
        sending._log("sent" if created else "found", None, connection, started)
        sending.write(
            {
                "state": "sent",
                "sap_order_number": number,
                "gaps": False,
                "sap_message": False,
                "last_outcome": "sent" if created else "found",
            }
        )
        order._wsv_sap_ordered(number)
        return number

    def _lock(self, wait):
        """This sending's lock, to the end of the transaction (False: another holds it)."""
        if wait:
            self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_KEY, self.id))
            return True
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (LOCK_KEY, self.id))
        return self.env.cr.fetchone()[0]

    def _log(self, outcome, state, connection=None, started=None, message=None, gaps=None):
        """The attempt and the sending's new state, committed on a cursor of their own: a
        retried job's transaction is rolled back, its log must stay."""
        values = {
            "last_attempt": fields.Datetime.now(),
            "attempt_count": self.attempt_count + 1,
            "gaps": gaps or False,
            "sap_message": message or False,
            "last_outcome": outcome,
        }
        if state:
            values["state"] = state
        exchanges = connection.exchanges if connection is not None else []
        attempt = {
            "sending_id": self.id,
            "outcome": outcome,
            "message": message or (gaps and json.dumps(gaps, ensure_ascii=False)) or False,
            "duration_ms": (time.monotonic() - started) * 1000 if started else 0.0,
            "request": "\n".join(f"<!-- {name} -->\n{request}" for name, request, _a in exchanges),
            "answer": "\n".join(
                f"<!-- {name} -->\n{answer or '(no answer)'}" for name, _r, answer in exchanges
            ),
        }
        if outcome in ("sent", "found"):
            # success is written in the job's own transaction, with the order number
            self.env["wsv.sap.attempt"].sudo().create(attempt)
            self.write(values)
            return
        with Registry(self.env.cr.dbname).cursor() as cr:
            env = self.env(cr=cr, su=True)
            env[self._name].browse(self.id).write(values)
            env["wsv.sap.attempt"].create(attempt)
        self.invalidate_recordset()


class WsvSapAttempt(models.Model):
    _name = "wsv.sap.attempt"
    _description = "SAP Sending Attempt"
    _order = "id desc"

    sending_id = fields.Many2one("wsv.sap.sending", required=True, ondelete="cascade", index=True)
    contract_number = fields.Char(
        related="sending_id.contract_number", store=True, string="Contract No."
    )
    outcome = fields.Selection(OUTCOME, required=True)
    message = fields.Text()
    duration_ms = fields.Float(string="Duration (ms)", digits=(10, 1))
    request = fields.Text(help="The SOAP requests of this attempt, as sent.")
    answer = fields.Text(help="SAP's answers, as received ((no answer): none came).")
