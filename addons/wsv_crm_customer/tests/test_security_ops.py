"""The audit trail and the backup job as shipped (issue 14). Logins, the identity check and
the restore run against the live server (tests/integration/test_security_rpc.py,
test_backup_restore.py)."""

import re

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import make_role_users

# the core models our addons extend whose records are the business's
CORE = {
    "res.partner",
    "sale.order",
    "sale.order.line",
    "account.move",
    "account.payment",
}
# who read which records: customers and contracts
READ = {"res.partner", "sale.order"}
# written by the system only, records of what happened themselves: one row per call
PER_CALL = {
    "wsv.review.result",
    "wsv.pool.move",
    "wsv.registry.call",
    "wsv.sap.attempt",
    "wsv.einvoice.attempt",
}


@tagged("post_install", "-at_install")
class TestAuditTrail(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = make_role_users(cls.env, prefix="audit")

    def test_every_model_of_ours_is_audited(self):
        # every stored model of the installed wsv addons and the core models we extend
        models = CORE | {
            name
            for name, model in self.env.registry.items()
            if name.startswith("wsv.") and not model._abstract and not model._transient
        }
        rules = {
            rule.model_id.model: rule
            for rule in self.env["auditlog.rule"].search([("state", "=", "subscribed")])
        }
        self.assertFalse(models - set(rules), "models without a subscribed audit rule")
        for name in models:
            rule = rules[name]
            self.assertTrue(rule.log_create and rule.log_write and rule.log_unlink, name)
            self.assertEqual(rule.log_type, "fast" if name in PER_CALL else "full", name)
            self.assertEqual(bool(rule.log_read and rule.log_export_data), name in READ, name)
            # the shortcut to the logs is the administrators'
            self.assertEqual(rule.action_id.groups_id, self.env.ref("base.group_system"), name)

    def _logs(self, records, method):
        self.env.cr.flush()  # the log's rows are written at the end of the transaction
        return (
            self.env["auditlog.log"]
            .search([("model_model", "=", records._name), ("method", "=", method)])
            .filtered(lambda log: set(records.ids) <= self._ids_of(log))
        )

    @staticmethod
    def _ids_of(log):
        # one record's log names it in res_id; a read or export lists the ids in res_ids
        return set(map(int, re.findall(r"\d+", log.res_ids or ""))) | {log.res_id}

    def test_a_read_is_one_row_naming_the_records_and_the_reader(self):
        seller = self.users["salesperson"]
        partners = self.env["res.partner"].create(
            [{"name": f"审计读取客户{n}", "is_company": True} for n in range(3)]
        )
        partners.with_user(seller).read(["name", "phone"])
        logs = self._logs(partners, "read")
        self.assertEqual(len(logs), 1)
        self.assertEqual(logs.user_id, seller)
        self.assertFalse(logs.line_ids, "a read logs who and which, not the values")
        # the system's own reads are not a person reading
        partners.sudo().read(["name"])
        self.assertEqual(len(self._logs(partners, "read")), 1)

    def test_a_write_keeps_old_and_new_values_and_an_export_who_exported(self):
        partner = self.env["res.partner"].create({"name": "审计写入客户", "street": "旧街1号"})
        partner.with_user(self.users["sales_director"]).write({"street": "新街2号"})
        line = self._logs(partner, "write").line_ids.filtered(lambda x: x.field_name == "street")
        self.assertEqual((line.old_value_text, line.new_value_text), ("旧街1号", "新街2号"))
        # (exporting is the administrators' in Odoo: base.group_allow_export)
        partner.with_user(self.env.ref("base.user_admin")).export_data(["name"])
        self.assertTrue(self._logs(partner, "export_data"))

    def test_a_system_record_is_one_row_per_call(self):
        partners = self.env["res.partner"].create(
            [{"name": f"审计公海客户{n}", "is_company": True} for n in range(3)]
        )
        moves = self.env["wsv.pool.move"].create(
            [{"partner_id": p.id, "kind": "release"} for p in partners]
        )
        moves.write({"reason": "审计"})
        for method in ("create", "write"):
            logs = self._logs(moves, method)
            self.assertEqual(len(logs), 1, method)
            self.assertFalse(logs.line_ids, method)

    def test_the_log_is_kept_as_written(self):
        partner = self.env["res.partner"].create({"name": "审计不可改客户"})
        log = self._logs(partner, "create")
        self.assertTrue(log.line_ids)
        admin = self.env.ref("base.user_admin")
        log = log.with_context(lang="en_US")
        for attempt in (
            lambda: log.with_user(admin).write({"name": "x"}),
            lambda: log.line_ids.with_user(admin).write({"new_value_text": "x"}),
            lambda: log.with_user(admin).unlink(),
            lambda: log.browse().with_user(admin).create({"name": "forged"}),
        ):
            with self.assertRaisesRegex(AccessError, "kept as written"):
                attempt()
        # the retention job (as the system) may still remove old entries
        log.sudo().unlink()
        self.assertFalse(log.exists())

    def test_only_administrators_read_the_log(self):
        for role, user in self.users.items():
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.env["auditlog.log"].with_user(user).search([], limit=1)


@tagged("post_install", "-at_install")
class TestBackupJob(TransactionCase):
    def test_a_daily_backup_kept_a_month(self):
        backup = self.env.ref("wsv_crm_customer.db_backup_daily")
        self.assertEqual((backup.method, backup.days_to_keep), ("local", 30))
        cron = self.env.ref("auto_backup.ir_cron_backup_scheduler_0")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))

    def test_never_less_often_than_weekly(self):
        cron = self.env.ref("auto_backup.ir_cron_backup_scheduler_0").with_context(lang="en_US")
        cron.write({"interval_number": 12, "interval_type": "hours"})
        cron.write({"interval_number": 1, "interval_type": "weeks"})
        for vals in (
            {"interval_number": 8, "interval_type": "days"},
            {"interval_number": 1, "interval_type": "months"},
            {"interval_number": 2, "interval_type": "weeks"},
            {"active": False},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, "once a week"):
                cron.write(vals)
        # other jobs keep their own intervals
        other = self.env.ref("auditlog.ir_cron_auditlog_autovacuum")
        other.write({"interval_number": 1, "interval_type": "months"})
