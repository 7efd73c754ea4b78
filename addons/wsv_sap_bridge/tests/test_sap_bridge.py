import json
import urllib.request
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import config

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.wsv_crm_customer.tests.common import start_simulators
from odoo.addons.wsv_fulfillment.tests.common import FulfillmentCase

LOGON = {"user": "wsv-demo", "password": "wsv-demo-secret"}
WSDL = "/sap/bc/srt/rfc/sap/zwsv_salesorder?wsdl"


@tagged("post_install", "-at_install")
class TestSapBridge(FulfillmentCase):
    """Signed contracts to the SAP simulator over a socket: exactly once, whatever fails."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sap = start_simulators(cls)["sap"]
        cls.backend = cls.env["wsv.sap.backend"]._get_backend()
        cls.backend.write({"wsdl_url": cls.sap + WSDL, "timeout": 2})
        patcher = patch.dict(config.misc, {"wsv_sap": dict(LOGON)})
        patcher.start()
        cls.addClassCleanup(patcher.stop)
        cls.team_a.write({"sap_sales_org": "1000", "sap_distr_chan": "10", "sap_division": "00"})
        cls.customer.write({"sap_customer_number": "0000100001"})
        cls.product.default_code = "DDZY000001"
        cls.integration = new_test_user(
            cls.env,
            login="t_int_sap",
            groups="wsv_crm_customer.group_integration_admin,base.group_user",
        )

    def setUp(self):
        super().setUp()
        self.faults({})
        # the job writes its log on a cursor of its own: in a test, one on the test's
        # transaction (as in HttpCase)
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)

    # ------------------------------------------------------------ helpers
    def post(self, path, value):
        request = urllib.request.Request(
            self.sap + path,
            data=json.dumps(value).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.loads(answer.read())

    def faults(self, settings):
        self.post("/_sim/faults", settings)

    def sap_orders(self, contract):
        with urllib.request.urlopen(self.sap + "/_sim/orders", timeout=5) as answer:
            orders = json.loads(answer.read())
        return [o for o in orders if o["purch_no"] == contract.contract_number]

    def sign(self, context=None, **values):
        with trap_jobs() as trap:
            contract = self.make_contract(warranty_months=12, team_id=self.team_a.id, **values)
            contract.action_contract_submit()
            self.attach(contract)
            contract.with_context(**(context or {})).action_contract_sign()
            trap.assert_jobs_count(1)
        return contract, contract.sudo().sap_sending_ids

    def run_job(self, sending):
        """The job as the job runner runs it: its wait in seconds when it asks to be retried
        (no savepoint: the log it commits on a cursor of its own must stay), else False."""
        try:
            sending._send()
        except RetryableJobError as retry:
            return retry.seconds
        finally:
            sending.invalidate_recordset()
        return False

    # ------------------------------------------------------------ sending
    def test_signing_only_enqueues_and_the_job_orders_once(self):
        contract, sending = self.sign()
        self.assertEqual(sending.state, "pending")
        self.assertEqual(self.sap_orders(contract), [])  # signing waits for no SAP
        self.assertFalse(self.run_job(sending))
        number = contract.sap_order_number
        self.assertTrue(number)
        self.assertTrue(contract.sap_ordered)  # the status chain's step
        self.assertEqual(contract.sap_state, "sent")
        self.assertEqual(contract.order_line.sap_item_number, 10)
        [order] = self.sap_orders(contract)
        self.assertEqual((order["number"], order["creation_count"]), (number, 1))
        self.assertEqual(order["header"]["SALES_ORG"], "1000")
        self.assertEqual(order["items"][0]["MATERIAL"], "DDZY000001")
        [attempt] = sending.attempt_ids
        self.assertEqual(attempt.outcome, "sent")
        self.assertIn(f"<PURCH_NO_C>{contract.contract_number}</PURCH_NO_C>", attempt.request)
        self.assertIn(number, attempt.answer)
        # a job run again (a requeue, a retried job) finds it: still one order
        sending.state = "pending"
        self.assertFalse(self.run_job(sending))
        self.assertEqual(len(self.sap_orders(contract)), 1)
        self.assertEqual(sending.attempt_ids[0].outcome, "found")

    def test_signing_works_while_sap_is_down(self):
        self.faults({"outage_seconds": 60})
        contract, sending = self.sign()  # no SAP call in the signing transaction
        self.assertEqual((contract.contract_state, sending.state), ("signed", "pending"))
        self.assertEqual(self.run_job(sending), 10)  # the job meets the outage, and waits
        self.assertIn("503", sending.sap_message)
        message = contract.with_context(lang="en_US").sap_message
        self.assertIn("SAP gave no usable answer; sent again automatically", message)
        self.faults({})
        self.assertFalse(self.run_job(sending))
        self.assertTrue(contract.sap_ordered)

    def test_a_lost_answer_never_makes_a_second_order(self):
        contract, sending = self.sign()
        self.faults({"rate": 1, "kinds": ["drop"]})  # SAP commits, the answer never comes
        self.assertTrue(self.run_job(sending))
        self.assertEqual(sending.state, "pending")
        self.assertEqual(sending.attempt_ids.outcome, "transport")
        self.assertIn("(no answer)", sending.attempt_ids.answer)
        self.faults({})
        self.assertFalse(self.run_job(sending))
        self.assertEqual(sending.attempt_ids[0].outcome, "found")
        [order] = self.sap_orders(contract)
        self.assertEqual(order["number"], contract.sap_order_number)

    def test_transport_errors_retry_with_a_capped_backoff(self):
        contract, sending = self.sign()
        self.faults({"rate": 1, "kinds": ["http500", "soapfault"], "seed": 3})
        waits = [self.run_job(sending) for _attempt in range(6)]
        self.assertEqual(waits, [10, 20, 40, 80, 120, 120])
        self.assertEqual(sending.attempt_count, 6)
        self.assertEqual(self.sap_orders(contract), [])
        self.faults({})
        self.assertFalse(self.run_job(sending))
        self.assertEqual(len(self.sap_orders(contract)), 1)

    def test_sap_refusal_stops_until_requeued(self):
        contract, sending = self.sign()
        self.faults({"rate": 1, "kinds": ["return_e"]})
        self.assertFalse(self.run_job(sending))  # no retry: the data must be fixed first
        self.assertEqual((sending.state, contract.sap_state), ("failed", "failed"))
        self.assertIn("Simulated business error", contract.sap_message)
        self.assertIn("SAP refused the order", contract.with_context(lang="en_US").sap_message)
        self.assertEqual(self.sap_orders(contract), [])
        with self.assertRaises(UserError):
            sending.with_user(contract.user_id).action_requeue()
        self.faults({})
        with trap_jobs() as trap:
            sending.with_user(self.integration).action_requeue()
            trap.assert_jobs_count(1)
        self.assertEqual(sending.state, "pending")
        self.assertFalse(self.run_job(sending))
        self.assertEqual(contract.sap_state, "sent")

    def test_what_the_mapping_lacks_is_said_in_the_users_language(self):
        self.customer.sap_customer_number = False
        self.product.default_code = False
        contract, sending = self.sign()
        self.assertFalse(self.run_job(sending))
        self.assertEqual(sending.state, "failed")
        self.assertEqual(self.sap_orders(contract), [])  # nothing half-sent
        english = contract.with_context(lang="en_US").sap_message
        self.assertIn(f"Customer {self.customer.name} has no SAP customer number.", english)
        self.assertIn("has no SAP material number", english)
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["wsv_sap_bridge"], ["zh_CN"])
        chinese = contract.with_context(lang="zh_CN").sap_message
        self.assertIn("没有 SAP 客户编号", chinese)
        self.assertIn("物料号", chinese)
        # fixed, requeued: sent
        self.customer.sap_customer_number = "0000100001"
        self.product.default_code = "DDZY000001"
        with trap_jobs():
            sending.with_user(self.integration).action_requeue()
        self.assertFalse(self.run_job(sending))
        self.assertEqual(len(self.sap_orders(contract)), 1)
        self.assertFalse(contract.sap_message)

    def test_a_cancelled_contract_is_not_sent(self):
        contract, sending = self.sign()
        contract.with_user(self.finance).action_contract_cancel()
        self.assertEqual(sending.state, "cancelled")
        self.assertFalse(self.run_job(sending))
        self.assertEqual(self.sap_orders(contract), [])
        with self.assertRaisesRegex(UserError, "cancelled"):
            sending.state = "failed"
            sending.with_user(self.integration).action_requeue()

    def test_a_supplementary_contract_is_a_change_order_of_the_original(self):
        original, first = self.sign()
        supplement, change = self.sign(contract_type="supplementary", supplement_of_id=original.id)
        self.assertEqual(change.kind, "change")
        # the original is not in SAP yet: the change order waits for it
        self.assertTrue(self.run_job(change))
        self.assertEqual(change.state, "pending")
        self.assertIn("original contract is not in SAP yet", supplement.sap_message)
        self.assertFalse(self.run_job(first))
        self.assertFalse(self.run_job(change))
        [order] = self.sap_orders(supplement)
        self.assertEqual(order["header"]["REF_DOC"], original.sap_order_number)
        self.assertEqual(order["header"]["DOC_TYPE"], "ZCR")

    def test_a_supplement_supplements_a_signed_contract_of_the_same_customer(self):
        other = self.make_contract(partner_id=self.customer_b.id, user=self.sales_b1)
        with self.assertRaises(ValidationError):
            self.make_contract(contract_type="supplementary", supplement_of_id=other.id)

    # ------------------------------------------------------------ status back from SAP
    def test_sap_status_comes_back_once(self):
        contract, sending = self.sign()
        self.run_job(sending)
        number = contract.sap_order_number
        self.post(
            "/_sim/update",
            {
                "number": number,
                "deliveries": [
                    {"delivery": "80000001", "date": "2026-12-10", "items": {"000010": 40}}
                ],
                "production": {"000010": "1000123"},
            },
        )
        self.backend._cron_sync_status()
        self.backend._cron_sync_status()  # a second read records nothing twice
        deliveries = contract.sudo().delivery_request_ids.filtered(lambda r: r.source == "sap")
        self.assertEqual(deliveries.mapped("reference"), ["80000001"])
        self.assertEqual(contract.order_line.qty_delivered, 40)
        self.assertEqual(contract.order_line.sap_production_order, "1000123")
        self.assertEqual((contract.sap_delivery_status, contract.sap_billing_status), ("B", "A"))

    # ------------------------------------------------------------ who may do what
    def test_sap_reports_a_delivery_by_contract_number_and_item_number(self):
        contract, sending = self.sign()
        self.assertFalse(self.run_job(sending))  # in SAP: its items are numbered
        Request = self.env["wsv.delivery.request"].with_user(self.integration)
        [line] = Request.contract_lines(contract.contract_number)
        self.assertEqual(line["sap_item"], "000010")
        Request.record_delivery(
            contract.contract_number, "2026-12-01", [{"sap_item": "10", "qty": 25}], "80009001"
        )
        self.assertAlmostEqual(contract.delivered_percent, 25.0)
        with self.assertRaisesRegex(UserError, "sap_item 000020 is not a product line"):
            Request.record_delivery(
                contract.contract_number, "2026-12-02", [{"sap_item": "000020", "qty": 1}]
            )

    def test_sap_facts_are_the_systems(self):
        contract, sending = self.sign()
        for user in (contract.user_id, self.director, self.finance):
            with self.assertRaises(UserError):
                contract.with_user(user).write({"sap_order_number": "4711"})
            with self.assertRaises(UserError):
                contract.order_line.with_user(user).write({"sap_production_order": "X"})
        for user in (contract.user_id, self.director, self.finance):
            with self.assertRaises(AccessError):
                sending.with_user(user).read(["state"])
            with self.assertRaises(UserError):
                self.backend.with_user(user).action_requeue_failed()
        with self.assertRaises(AccessError):
            sending.with_user(self.integration).write({"state": "sent"})
        # the SAP numbers of a customer: the director's and the integration's, not sales'
        with self.assertRaises(UserError):
            self.customer.with_user(contract.user_id).write({"sap_customer_number": "1"})
        self.customer.with_user(self.director).write({"sap_customer_number": "0000100009"})

    def test_backend_settings_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "Longest Retry Wait"):
            self.backend.max_backoff = 3600
        with patch("odoo.addons.wsv_sap_bridge.lib.sap_order.rfc_available", return_value=False):
            with self.assertRaisesRegex(ValidationError, "pyrfc"):
                self.backend.transport = "rfc"

    def test_the_dashboard_counts_per_state(self):
        _contract, sending = self.sign()
        self.backend.invalidate_recordset()
        before = self.backend.sent_count
        self.run_job(sending)
        self.backend.invalidate_recordset()
        self.assertEqual(self.backend.sent_count, before + 1)
        action = (
            self.backend.with_user(self.integration)
            .with_context(wsv_sap_state="sent")
            .action_view_sendings()
        )
        self.assertIn(sending, self.env["wsv.sap.sending"].search(action["domain"]))

    # ------------------------------------------------------------ the review's walk-arounds
    def test_a_clients_context_never_fills_the_outbox(self):
        contract, sending = self.sign(
            context={
                "default_state": "sent",
                "default_sap_order_number": "4711",
                "default_attempt_count": 99,
                "queue_job__no_delay": True,  # would run SAP inside the signing request
            }
        )
        self.assertEqual(
            (sending.state, sending.sap_order_number, sending.attempt_count), ("pending", False, 0)
        )
        self.assertEqual(self.sap_orders(contract), [])
        self.assertFalse(self.run_job(sending))
        self.assertEqual(len(self.sap_orders(contract)), 1)

    def test_the_sap_logon_goes_only_where_the_system_administrator_says(self):
        with self.assertRaises(AccessError):
            self.backend.with_user(self.integration).write({"wsdl_url": "http://evil.example/x"})
        with self.assertRaises(AccessError):
            self.backend.with_user(self.integration).read(["wsdl_url"])

    def test_a_contract_ordered_in_sap_is_not_reopened_after_cancelling(self):
        contract, sending = self.sign()
        self.run_job(sending)
        contract.with_user(self.finance).action_contract_cancel()
        self.assertEqual(sending.state, "sent")  # SAP's order stays: rejected in SAP
        with self.assertRaisesRegex(UserError, "ordered in SAP"):
            contract.with_user(self.director).action_contract_draft()

    def test_a_job_that_died_counts_as_failed_and_is_requeued(self):
        _contract, sending = self.sign()
        sending._enqueue()  # a stored job (trap_jobs keeps them in memory)
        self.assertEqual(sending.job_id.state, "pending")
        sending.job_id.state = "failed"  # an unexpected error ended it
        self.backend.invalidate_recordset()
        self.assertGreaterEqual(self.backend.failed_count, 1)
        dead = sending.job_id
        self.backend.with_user(self.integration).action_requeue_failed()
        self.assertNotEqual(sending.job_id, dead)
        self.assertEqual(sending.job_id.state, "pending")
        # a job deleted by hand (queue_job's own menu) leaves it waiting for nothing: failed
        sending.job_id.unlink()
        self.backend.invalidate_recordset()
        failed = self.env["wsv.sap.sending"].search(
            [("backend_id", "=", self.backend.id)] + self.backend._state_domain("failed")
        )
        self.assertIn(sending, failed)

    def test_a_change_order_of_a_cancelled_original_is_not_sent(self):
        original, _first = self.sign()
        supplement, change = self.sign(contract_type="supplementary", supplement_of_id=original.id)
        original.with_user(self.finance).action_contract_cancel()
        self.assertFalse(self.run_job(change))
        self.assertEqual(change.state, "failed")
        self.assertIn("is cancelled", supplement.sap_message)
        self.assertEqual(self.sap_orders(supplement), [])

    def test_a_supplementary_contract_names_what_it_supplements(self):
        contract = self.make_contract(contract_type="supplementary")
        with self.assertRaisesRegex(UserError, "Supplements"):
            contract.action_contract_submit()
