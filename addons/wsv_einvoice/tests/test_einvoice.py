import base64
import json
import time
import urllib.request
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import config

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.wsv_crm_customer.tests.common import start_simulators
from odoo.addons.wsv_fulfillment.tests.common import FulfillmentCase

PLATFORM = {"app_key": "wsv-demo-appkey", "app_secret": "wsv-demo-appsecret", "access_token": ""}
TAX_CODE = "1090512010000000000"
# a unified social credit code of the right form
BUYER_TAX = "91110000100000000X"


@tagged("post_install", "-at_install")
class TestEinvoice(FulfillmentCase):
    """Applications, approvals and e-invoices against the platform simulator over a socket."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.platform = start_simulators(cls)["nuonuo"]
        patcher = patch.dict(config.misc, {"wsv_einvoice": dict(PLATFORM, url=cls.platform)})
        patcher.start()
        cls.addClassCleanup(patcher.stop)
        cls.backend = cls.env["wsv.einvoice.backend"]._default_backend(cls.env.company)
        cls.backend.write({"timeout": 2, "query_interval": 1, "seller_tax_number": BUYER_TAX})
        cls.vat13 = cls.env["account.tax"].create(
            {"name": "增值税 13%", "amount": 13.0, "amount_type": "percent", "type_tax_use": "sale"}
        )
        cls.product.write({"taxes_id": [Command.set(cls.vat13.ids)]})
        cls.product.product_tmpl_id.tax_classification_code = TAX_CODE
        cls.customer.write({"vat": BUYER_TAX, "street": "北京市西城区西长安街 86 号"})
        cls.env["ir.config_parameter"].set_param("wsv_einvoice.pre_invoice_director_amount", 100000)
        cls.finance_b = new_test_user(
            cls.env, login="t_fin_ei2", groups="wsv_crm_customer.group_finance,base.group_user"
        )

    def setUp(self):
        super().setUp()
        self.sim("/_sim/faults", {})
        # the job writes its log on a cursor of its own: in a test, on the test's transaction
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)

    # ------------------------------------------------------------ helpers
    def sim(self, path, value=None):
        data = json.dumps(value).encode() if value is not None else None
        request = urllib.request.Request(
            self.platform + path, data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.loads(answer.read() or b"null")

    def platform_invoices(self, move):
        return [i for i in self.sim("/_sim/invoices") if i["orderNo"] == move.einvoice_order_no]

    def delivered(self, qty=40):
        contract = self.signed()
        self.env["wsv.delivery.request"].record_delivery(
            contract.id, self.today, {contract.order_line[0].id: qty}
        )
        return contract

    def apply(self, contract, qty=None, user=None, **values):
        user = user or self.sales_a1
        action = contract.with_user(user).action_wsv_apply_invoice()
        application = self.env["wsv.invoice.application"].with_user(user).browse(action["res_id"])
        if qty is not None:
            application.line_ids = [
                Command.clear(),
                Command.create({"order_line_id": contract.order_line[0].id, "qty": qty}),
            ]
        if values:
            application.write(values)
        return application

    def run_job(self, move, wait=True):
        """The job as the runner runs it, until the platform gives a final answer: the
        waits it asked for."""
        waits = []
        for _attempt in range(30):
            try:
                result = move.sudo()._wsv_einvoice_run()
            except RetryableJobError as retry:
                waits.append(retry.seconds)
                if not wait:
                    return waits
                time.sleep(0.15)
                continue
            finally:
                move.invalidate_recordset()
            return result, waits
        self.fail("the platform never gave a final answer")

    def issue(self, move, user=None):
        with trap_jobs() as trap:
            move.with_user(user or self.finance).action_wsv_einvoice_issue()
            trap.assert_jobs_count(1)
        return self.run_job(move)

    # ------------------------------------------------------------ applications
    def test_delivered_goods_are_invoiced_at_once_with_the_contract_taxes(self):
        contract = self.delivered(40)
        application = self.apply(contract)
        self.assertEqual(application.line_ids.qty, 40)
        self.assertEqual(application.buyer_name, "测试电网有限公司")
        self.assertEqual(application.buyer_tax_number, BUYER_TAX)
        self.assertEqual(application.invoice_type, "bs")
        line = contract.order_line[0]
        self.assertAlmostEqual(application.amount_untaxed, line.price_subtotal * 0.4, 2)
        self.assertAlmostEqual(application.amount_tax, round(line.price_subtotal * 0.4 * 0.13, 2))
        application.action_submit()
        self.assertEqual(application.state, "invoiced")
        self.assertFalse(application.pre_invoice)
        move = application.move_id.sudo()
        self.assertEqual((move.move_type, move.state), ("out_invoice", "draft"))
        self.assertEqual(move.invoice_line_ids.tax_ids, self.vat13)
        self.assertEqual(move.invoice_line_ids.sale_line_ids, line)
        self.assertAlmostEqual(move.amount_total, application.amount_total, 2)
        self.assertEqual(move.einvoice_buyer_tax_number, BUYER_TAX)
        # nothing is invoiced in the chain until the platform issued it
        self.assertEqual(contract.invoiced_percent, 0.0)

    def test_a_pre_invoice_is_approved_by_finance_then_a_director_above_the_amount(self):
        contract = self.delivered(40)
        self.env["ir.config_parameter"].set_param("wsv_einvoice.pre_invoice_director_amount", 1)
        application = self.apply(contract, qty=60)
        application.action_submit()
        self.assertEqual((application.state, application.pre_invoice), ("review", True))
        self.assertTrue(application.needs_director)
        self.assertFalse(application.move_id)
        with self.refused("no pending approval of yours"):
            application.with_user(self.director).validate_tier()  # finance comes first
        with self.refused("your own application"):
            application.with_user(self.sales_a1).validate_tier()
        with self.refused("your own application"):
            application.with_user(self.sales_a1).reject_tier()
        application.with_user(self.finance).validate_tier()
        self.assertEqual(application.state, "review")
        application.with_user(self.director).validate_tier()
        self.assertEqual(application.state, "invoiced")
        self.assertEqual(application.move_id.sudo().invoice_line_ids.quantity, 60)

    def test_a_small_pre_invoice_needs_finance_alone_and_a_rejection_sends_it_back(self):
        contract = self.delivered(40)
        application = self.apply(contract, qty=45)
        application.action_submit()
        self.assertFalse(application.needs_director)
        self.assertEqual(len(application.review_ids), 1)
        application.with_user(self.finance).reject_tier()
        self.assertEqual(application.state, "rejected")
        application.with_user(self.sales_a1).write({"line_ids": [Command.clear()]})
        application.with_user(self.sales_a1).action_draft()
        application.with_user(self.sales_a1).action_propose_lines()
        application.with_user(self.sales_a1).action_submit()
        self.assertEqual(application.state, "invoiced")

    def test_an_advance_invoice_covers_an_installment_before_delivery(self):
        contract = self.signed()
        advance = self.installment(contract, "signing")
        self.assertTrue(advance)
        application = self.apply(contract)
        self.assertFalse(application.line_ids)  # nothing delivered yet
        application.write({"kind": "advance", "installment_id": advance[0].id})
        application.action_propose_lines()
        self.assertAlmostEqual(application.amount_total, advance[0].amount, delta=1.0)
        application.action_submit()
        self.assertEqual((application.state, application.pre_invoice), ("review", True))

    def test_bad_input_is_refused_and_changes_nothing(self):
        contract = self.delivered(40)
        application = self.apply(contract)
        application.write({"buyer_tax_number": False})
        with self.refused("Buyer Tax Number: a special invoice"):
            application.action_submit()
        application.write({"buyer_tax_number": "12345"})
        with self.refused("Buyer Tax Number: 12345 is not a taxpayer number"):
            application.action_submit()
        application.write({"buyer_tax_number": BUYER_TAX})
        application.line_ids.qty = 101
        with self.refused("more than the 100"):
            application.action_submit()
        self.assertEqual(application.state, "draft")
        # the workflow's facts and the contract's prices are not a user's to write
        with self.refused("changed only through the buttons"):
            application.write({"state": "approved"})
        with self.refused("set by the system"):
            application.write({"pre_invoice": True})
        with self.refused("set by the system"):
            application.line_ids.write({"price_unit": 1.0})
        with self.refused("Approvals: an invoice application"):
            self.env["tier.review"].with_user(self.sales_a1).create(
                {"model": "wsv.invoice.application", "res_id": application.id}
            )
        with self.assertRaises(ValidationError):
            self.product.product_tmpl_id.tax_classification_code = "10905"

    def test_salespeople_apply_and_see_their_own_only(self):
        contract = self.delivered(40)
        application = self.apply(contract)
        with self.assertRaises(AccessError):
            application.with_user(self.sales_b1).read(["name"])
        with self.assertRaises(AccessError):
            self.env["wsv.invoice.application"].with_user(self.sales_b1).create(
                {"order_id": contract.id}
            )
        application.action_submit()
        move = application.move_id
        with self.refused("E-invoices are issued by finance"):
            move.with_user(self.sales_a1).action_wsv_einvoice_issue()
        with self.refused("set by the e-invoice platform"):
            move.with_user(self.finance).write({"einvoice_number": "1" * 20})

    # ------------------------------------------------------------ issuing
    def test_issued_once_with_number_date_files_and_the_chain_follows(self):
        contract = self.delivered(40)
        contract.milestone_ids.filtered(
            lambda m: m.trigger == "delivery"
        ).sudo().trigger = "invoice"
        contract._wsv_generate_schedule()
        application = self.apply(contract)
        application.action_submit()
        move = application.move_id.sudo()
        # finance corrects the buyer before issuing; sales no longer
        move.with_user(self.finance).einvoice_buyer_phone = "010-66597114"
        with self.refused("corrected by finance"):
            move.with_user(self.sales_a1).einvoice_buyer_phone = "010-0"
        with trap_jobs() as trap:
            move.with_user(self.finance).action_wsv_einvoice_issue()
            trap.assert_jobs_count(1)
        # posted and with the platform, but not issued yet: not invoiced in the chain
        self.assertEqual((move.state, move.einvoice_state), ("posted", "queued"))
        self.assertEqual(contract.invoiced_percent, 0.0)
        with self.refused("can no longer change"):
            move.with_user(self.finance).einvoice_buyer_phone = "010-1"
        outcome, waits = self.run_job(move)
        self.assertEqual(move.einvoice_state, "issued", move.einvoice_message)
        self.assertTrue(waits)  # the platform answered "开票中" first
        self.assertRegex(move.einvoice_number, r"^\d{20}$")
        self.assertEqual(outcome, move.einvoice_number)
        self.assertTrue(move.einvoice_date)
        self.assertTrue(base64.b64decode(move.einvoice_pdf).startswith(b"%PDF-"))
        self.assertTrue(move.einvoice_ofd and move.einvoice_xml)
        self.assertEqual(move.state, "posted")
        self.assertLessEqual(len(move.einvoice_order_no), 20)
        [issued] = self.platform_invoices(move)
        self.assertEqual(issued["issued_count"], 1)
        self.assertAlmostEqual(contract.invoiced_percent, 40.0, 2)
        due = self.installment(contract, "invoice")
        self.assertTrue(due and all(due.mapped("due_date")))
        # issued: reversed by a red letter, never reset or cancelled
        with self.refused("reversed with a red-letter invoice"):
            move.with_user(self.finance).button_draft()
        with self.refused("reversed with a red-letter invoice"):
            move.with_user(self.finance)._reverse_moves()
        self.assertFalse(move.show_reset_to_draft_button)
        # a job run again asks nothing of the platform
        self.assertEqual(move._wsv_einvoice_run(), "issued")

    def test_every_fault_ends_in_exactly_one_invoice(self):
        for kind in ("timeout", "http500", "duplicate", "token", "ratelimit"):
            with self.subTest(kind=kind):
                contract = self.delivered(10)
                application = self.apply(contract)
                application.action_submit()
                move = application.move_id.sudo()
                self.sim("/_sim/faults", {"rate": 1, "kinds": [kind], "delay": 3})
                with trap_jobs():
                    move.with_user(self.finance).action_wsv_einvoice_issue()
                self.run_job(move, wait=False)
                self.sim("/_sim/faults", {})
                self.run_job(move)
                self.assertEqual(move.einvoice_state, "issued", move.einvoice_message)
                self.assertEqual(
                    [i["issued_count"] for i in self.platform_invoices(move)], [1], kind
                )

    def test_an_invoice_the_platform_would_refuse_is_neither_posted_nor_sent(self):
        contract = self.delivered(40)
        application = self.apply(contract)
        application.action_submit()
        move = application.move_id.sudo()
        self.product.product_tmpl_id.tax_classification_code = False
        self.product.categ_id.tax_classification_code = False
        with self.refused("Tax Classification Code"):
            move.with_user(self.finance).action_wsv_einvoice_issue()
        self.assertFalse(move.einvoice_state)  # nothing was posted or sent
        self.assertEqual(move.state, "draft")

    # ------------------------------------------------------------ red letters
    def test_red_letter_after_the_buyers_confirmation(self):
        contract = self.delivered(40)
        application = self.apply(contract)
        application.action_submit()
        blue = application.move_id.sudo()
        self.issue(blue)
        with self.refused("more than the"):
            blue.with_user(self.finance).action_wsv_einvoice_red("2", blue.amount_total + 1)
        with trap_jobs():
            red_id = blue.with_user(self.finance).action_wsv_einvoice_red("2")
        red = self.env["account.move"].browse(red_id)
        self.assertEqual((red.move_type, red.einvoice_red_of_id), ("out_refund", blue))
        self.run_job(red)
        self.assertEqual(red.einvoice_state, "issued", red.einvoice_message)
        self.assertEqual(red.einvoice_red_bill_state, "confirmed")
        self.assertRegex(red.einvoice_number, r"^\d{20}$")
        self.assertAlmostEqual(contract.invoiced_percent, 0.0, 2)
        with self.refused("reversed already"):
            blue.with_user(self.finance).action_wsv_einvoice_red("1")
        reds = [i for i in self.sim("/_sim/invoices") if i.get("blueInvoiceNumber")]
        self.assertEqual(
            [r["issued_count"] for r in reds if r["blueInvoiceNumber"] == blue.einvoice_number],
            [1],
        )

    def test_a_partial_red_letter_of_an_ordinary_invoice(self):
        contract = self.delivered(40)
        application = self.apply(contract, invoice_type="pc")
        application.action_submit()
        blue = application.move_id.sudo()
        self.issue(blue)
        half = round(blue.amount_total / 2, 2)
        with trap_jobs():
            red = self.env["account.move"].browse(
                blue.with_user(self.finance).action_wsv_einvoice_red("4", half)
            )
        self.run_job(red)
        self.assertEqual(red.einvoice_state, "issued", red.einvoice_message)
        self.assertAlmostEqual(red.amount_total, half, delta=0.05)
        self.assertAlmostEqual(contract.invoiced_percent, 20.0, 1)
        with self.refused("more than the"):
            blue.with_user(self.finance).action_wsv_einvoice_red("4", half + 1)

    def test_the_platform_callback_issues_the_invoice(self):
        contract = self.delivered(40)
        application = self.apply(contract)
        application.action_submit()
        move = application.move_id.sudo()
        with trap_jobs():
            move.with_user(self.finance).action_wsv_einvoice_issue()
        self.run_job(move, wait=False)  # the platform took it and is issuing
        time.sleep(0.3)
        client = self.backend._client()
        [result] = client.query(order_nos=[move.einvoice_order_no])
        self.assertTrue(self.env["account.move"]._wsv_einvoice_callback(result.raw))
        self.assertEqual(move.einvoice_state, "issued")
        self.assertEqual(move.einvoice_number, result.invoice_no)
        self.assertEqual(move.einvoice_attempt_ids[0].outcome, "callback")

    # ------------------------------------------------------------ credit from the ledger
    def test_the_release_and_the_review_read_the_ledger(self):
        contract = self.delivered(40)
        application = self.apply(contract)
        application.action_submit()
        move = application.move_id.sudo()
        self.issue(move)
        customer = self.customer.sudo()
        exposure = customer._wsv_ledger_exposure(self.env.company)
        self.assertAlmostEqual(exposure, move.amount_total, 2)  # the open invoice
        # a limit the next delivery alone would fit under, but not with the open invoice
        request = self.request(contract, 1)
        customer.credit_limit = exposure + request.amount / 2
        request.action_submit()
        self.assertIn("credit limit", request.failed_conditions)
        customer.credit_limit = exposure + request.amount * 2
        request.action_draft()
        request.action_submit()
        self.assertNotIn("credit limit", request.failed_conditions or "")
        credit = contract._wsv_credit_figures(customer)
        self.assertAlmostEqual(credit[customer.id][1], move.amount_total, 2)

    def test_a_customer_in_credit_owes_nothing_to_the_release(self):
        # paid ahead: the ledger's exposure is negative, and the release takes it as nothing
        contract = self.delivered(40)
        request = self.request(contract, 1)
        self.customer.sudo().credit_limit = 1.0
        in_credit = lambda *args: -3 * request.amount  # noqa: E731
        with patch.object(type(self.env["res.partner"]), "_wsv_ledger_exposure", in_credit):
            request.action_submit()
        self.assertNotIn("credit limit", request.failed_conditions or "")

    # ------------------------------------------------------------ walk-arounds
    def test_no_client_value_becomes_a_platform_fact(self):
        contract = self.delivered(40)
        application = self.apply(contract)
        forged = {
            "default_einvoice_state": "issued",
            "default_einvoice_number": "24442000000000000001",
            "default_einvoice_order_no": "WSVI0000000000000123",
        }
        application.with_context(**forged).action_submit()
        move = application.move_id.sudo()
        self.assertFalse(move.einvoice_state or move.einvoice_number or move.einvoice_order_no)
        made = (
            self.env["account.move"]
            .with_user(self.finance)
            .with_context(**forged)
            .create({"move_type": "out_invoice", "partner_id": self.customer.id})
        )
        self.assertFalse(made.einvoice_state or made.einvoice_number)
        self.issue(move)
        # Odoo's own write of the state or the lines, and deleting: not on an issued invoice
        for vals in ({"state": "draft"}, {"state": "cancel"}):
            with self.refused("reversed with a red-letter invoice"):
                move.with_user(self.finance).write(vals)
        with self.refused("it is kept"):
            move.with_user(self.finance).unlink()
        self.assertEqual((move.state, move.einvoice_state), ("posted", "issued"))

    def test_an_application_invoices_its_own_contract_only(self):
        mine, other = self.delivered(40), self.delivered(40)
        application = self.apply(mine)
        with self.refused("Contract Line: line"):
            self.env["wsv.invoice.application.line"].with_user(self.sales_a1).create(
                {
                    "application_id": application.id,
                    "order_line_id": other.order_line.id,
                    "qty": 1,
                }
            )
        with self.refused("is not an installment of"):
            application.installment_id = self.installment(other, "signing")[:1]

    def test_another_companys_finance_sees_neither_platform_nor_log(self):
        contract = self.delivered(40)
        application = self.apply(contract)
        application.action_submit()
        move = application.move_id.sudo()
        self.issue(move)
        other = self.env["res.company"].create({"name": "威斯威海外有限公司"})
        finance = new_test_user(
            self.env,
            login="t_fin_other_co",
            groups="wsv_crm_customer.group_finance,base.group_user",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.assertFalse(self.env["wsv.einvoice.backend"].with_user(finance).search([]))
        with self.assertRaises(AccessError):
            self.backend.with_user(finance).read(["name"])
        with self.assertRaises(AccessError):
            move.einvoice_attempt_ids[:1].with_user(finance).read(["message"])
        # finance of the invoice's company reads both
        self.assertTrue(self.backend.with_user(self.finance).read(["name"]))
        self.assertTrue(move.einvoice_attempt_ids.with_user(self.finance).read(["message"]))
