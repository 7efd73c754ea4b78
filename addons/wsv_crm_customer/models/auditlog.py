# Copyright 2026 WSV
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The audit trail (OCA auditlog), as the product keeps it.

- A create is logged with the values it was given, a write with the old and new values of
  the fields written, read as the system just before and just after; a deletion with the
  record as it was (auditlog's own). Not auditlog's "full" diff of every field before and
  after: it reads them in a cache of its own, and the values the ORM has not yet written
  (amounts that follow from the write) are then read stale and overwritten; it also costs
  two reads of every field per write. One2many fields are left out of the record as it was:
  lines, followers and messages have logs (or a chatter) of their own.
- A read is logged as who read which records and when: one row per read, with the ids, not one
  row and a value line per record and field (a list page would write 80 rows and 800 lines).
  The system's own reads (sudo) are not a person reading.
- The records that only the system writes and that are themselves a record of what happened
  (review results, pool moves, the calls to the registry, SAP and the e-invoice platform) have
  "fast" rules: one row per create, write or deletion naming the ids, not their values. Their
  values follow from audited records (a contract's terms, a customer's owner), and logging
  every value of every review result made a contract review 14 times slower.
- The log is evidence: nobody creates, edits or deletes it through the product; only the rules'
  own code (as the system) and the retention job write to it, and only administrators read it.
"""

from odoo import api, models
from odoo.exceptions import AccessError

from .i18n import lang_env


class AuditlogRule(models.Model):
    _inherit = "auditlog.rule"

    @api.model
    def get_auditlog_fields(self, model):
        return [
            name
            for name in super().get_auditlog_fields(model)
            if model._fields[name].type != "one2many"
        ]

    def _patch_methods(self):
        # Patched while the addons are still loading, a method's "origin" would be the one of
        # the addons loaded so far, and the later addons' overrides would be skipped in the
        # process that installs them (our rules are data of each addon). Odoo calls
        # _register_hook on every model once all are loaded: the rules are patched then.
        if not self.pool.loaded:
            return False
        return super()._patch_methods()

    def create_logs(self, *args, **kwargs):
        # the rows are written at the end of the transaction, all at once (AuditlogLog)
        return super(AuditlogRule, self.with_context(wsv_audit_defer=True)).create_logs(
            *args, **kwargs
        )

    def _make_create(self):
        self.ensure_one()
        excluded, per_call = self.users_to_exclude_ids, self.log_type == "fast"

        @api.model_create_multi
        def create(self, vals_list, **kwargs):
            records = create.origin(self, vals_list, **kwargs)
            if self.env.context.get("auditlog_disabled") or self.env.user in excluded:
                return records
            Rule = self.env["auditlog.rule"].sudo()
            if per_call:
                Rule._wsv_log_access(records, "create")
                return records
            new = _snapshot(records, {name for vals in vals_list for name in vals})
            Rule.create_logs(
                self.env.uid, self._name, records.ids, "create", None, new, {"log_type": "full"}
            )
            return records

        return create

    def _make_write(self):
        self.ensure_one()
        excluded, per_call = self.users_to_exclude_ids, self.log_type == "fast"

        def write(self, vals, **kwargs):
            if self.env.context.get("auditlog_disabled") or self.env.user in excluded:
                return write.origin(self, vals, **kwargs)
            records = self.filtered(lambda r: isinstance(r.id, int))
            if per_call:
                result = write.origin(self, vals, **kwargs)
                if records:
                    self.env["auditlog.rule"].sudo()._wsv_log_access(records, "write")
                return result
            old = _snapshot(records, vals)
            result = write.origin(self, vals, **kwargs)
            new = _snapshot(records, vals)
            self.env["auditlog.rule"].sudo().create_logs(
                self.env.uid, self._name, records.ids, "write", old, new, {"log_type": "full"}
            )
            return result

        return write

    def _make_unlink(self):
        if self.log_type != "fast":
            return super()._make_unlink()
        excluded = self.users_to_exclude_ids

        def unlink(self, **kwargs):
            if self and self.env.user not in excluded:
                self.env["auditlog.rule"].sudo()._wsv_log_access(self, "unlink")
            return unlink.origin(self, **kwargs)

        return unlink

    def _make_read(self):
        self.ensure_one()
        excluded = self.users_to_exclude_ids

        def read(self, fields=None, load="_classic_read", **kwargs):
            result = read.origin(self, fields, load, **kwargs)
            if self.env.su or self.env.context.get("auditlog_disabled") or not self:
                return result
            if self.env.user in excluded:
                return result
            self.env["auditlog.rule"].sudo()._wsv_log_access(self, "read")
            return result

        # it writes the log: never in a read-only transaction (ReadAudited)
        read._readonly = False
        return read

    def _wsv_log_access(self, records, method):
        """One row: who read which records of a model (or made, changed or deleted them, for
        the records only the system writes), in which request."""
        ids = records.ids  # (a form's new record, not yet saved, has none: nothing to log)
        if not ids:
            return
        env = self.with_context(auditlog_disabled=True, wsv_audit_defer=True).env
        model_id = self.pool._auditlog_model_cache[records._name]
        env["auditlog.log"].create(
            {
                "name": records._name,
                "model_id": model_id,
                "res_ids": ",".join(str(i) for i in ids),
                "res_id": ids[0] if len(ids) == 1 else False,
                "method": method,
                "user_id": records.env.uid,
                "log_type": "fast",
                "http_request_id": env["auditlog.http.request"].current_http_request(),
                "http_session_id": env["auditlog.http.session"].current_http_session(),
            }
        )

    def subscribe(self):
        """The "View logs" shortcut that auditlog adds to the records' Action menu is the
        administrators' (only they read the log)."""
        result = super().subscribe()
        self.action_id.sudo().groups_id = self.env.ref("base.group_system")
        return result

    def _wsv_subscribe(self):
        """Subscribe our rules that are not yet (module install and update)."""
        self.filtered(lambda rule: rule.state == "draft").subscribe()


def read_write(method):
    """Marks a method that Odoo would run in a read-only transaction (the web client's list and
    form loads, Odoo 18) as one that writes: its reads are logged."""
    method._readonly = False
    return method


class ReadAudited(models.AbstractModel):
    """The web client's reads of a model whose reads are logged (customers, contracts): in a
    read/write transaction. In a read-only one (Odoo runs list and form loads so, on a replica
    when there is one) the log's row could not be written, and Odoo would run every load a
    second time after the failed insert."""

    _name = "wsv.read.audited"
    _description = "Reads Logged"

    @api.model
    @read_write
    def web_search_read(self, *args, **kwargs):
        return super().web_search_read(*args, **kwargs)

    @read_write
    def web_read(self, *args, **kwargs):
        return super().web_read(*args, **kwargs)

    @api.model
    @read_write
    def search_read(self, *args, **kwargs):
        return super().search_read(*args, **kwargs)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["wsv.read.audited", "res.partner"]


def _snapshot(records, names):
    """{id: {field: value}} of the stored fields among ``names``, read as the system."""
    stored = [n for n in names if n in records._fields and records._fields[n].store]
    if not records or not stored:
        return {}
    rows = records.sudo().with_context(auditlog_disabled=True).read(stored)
    return {row["id"]: row for row in rows}


class AuditlogImmutable(models.AbstractModel):
    _name = "wsv.auditlog.immutable"
    _description = "Audit Log Kept As Written"

    @api.model_create_multi
    def create(self, vals_list):
        self._wsv_check_system()
        return super().create(vals_list)

    def write(self, vals):
        self._wsv_check_system()
        return super().write(vals)

    def unlink(self):
        self._wsv_check_system()
        return super().unlink()

    def _wsv_check_system(self):
        # the rules write their logs as the system (sudo); the retention job runs as the
        # system too. A person, administrators included, never does.
        if not self.env.su:
            raise AccessError(
                lang_env(self.env)._(
                    "Audit log: the log is kept as written; nobody creates, edits or deletes "
                    "its entries."
                )
            )


# (the check first: the immutable mixin before the auditlog model in the inheritance)
class AuditlogLog(models.Model):
    _name = "auditlog.log"
    _inherit = ["wsv.auditlog.immutable", "auditlog.log"]

    @api.model_create_multi
    def create(self, vals_list):
        """The rules' rows, kept for the end of the transaction and written then in one go
        (two inserts, for the rows and their value lines) rather than row by row as the
        records change: a batch that touches a thousand records pays for its log once. A
        transaction rolled back takes its rows with it, as it would have."""
        if not self.env.context.get("wsv_audit_defer"):
            return super().create(vals_list)
        self._wsv_check_system()
        data = self.env.cr.precommit.data
        if "wsv.audit" not in data:
            data["wsv.audit"] = []
            self.env.cr.precommit.add(self.with_context(wsv_audit_defer=False)._wsv_write_pending)
        data["wsv.audit"].extend(vals_list)
        return self.browse()

    def _wsv_write_pending(self):
        self.create(self.env.cr.precommit.data.pop("wsv.audit", []))


class AuditlogLogLine(models.Model):
    _name = "auditlog.log.line"
    _inherit = ["wsv.auditlog.immutable", "auditlog.log.line"]


class AuditlogHttpRequest(models.Model):
    _name = "auditlog.http.request"
    _inherit = ["wsv.auditlog.immutable", "auditlog.http.request"]


class AuditlogHttpSession(models.Model):
    _name = "auditlog.http.session"
    _inherit = ["wsv.auditlog.immutable", "auditlog.http.session"]
