import io
import zipfile
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import FulfillmentCase


@tagged("post_install", "-at_install")
class TestSchedule(FulfillmentCase):
    def test_signing_generates_one_installment_per_milestone(self):
        contract = self.signed()
        items = contract.installment_ids
        self.assertEqual(items.mapped("trigger"), ["signing", "delivery", "warranty_end"])
        self.assertAlmostEqual(sum(items.mapped("amount")), contract.amount_total)
        advance = self.installment(contract, "signing")
        self.assertEqual(advance.due_date, contract.signing_date)
        self.assertEqual(advance.user_id, self.sales_a1)
        self.assertTrue(self.installment(contract, "warranty_end").is_retention)
        self.assertFalse(self.installment(contract, "warranty_end").due_date)

    def test_acceptance_dates_the_retention_by_the_warranty_period(self):
        contract = self.signed()
        contract.with_user(self.sales_a1).acceptance_date = "2026-01-15"
        retention = self.installment(contract, "warranty_end")
        self.assertEqual(str(retention.due_date), "2027-01-15")  # 12 months of warranty

    def deliver(self, contract, qty, day):
        request = self.request(contract, qty)
        request._set({"state": "released", "delivery_date": day})
        request.with_user(self.sales_a1).action_deliver()
        return request

    def test_regeneration_keeps_collections(self):
        contract = self.signed()
        self.deliver(contract, 50, self.today)
        first = self.installment(contract, "delivery", 1)
        self.env["wsv.collection"].with_user(self.sales_a1).create(
            {"installment_id": first.id, "amount": 100.0}
        )
        # a second delivery, reported with an earlier date: the first keeps its piece
        self.deliver(contract, 30, self.today - timedelta(days=3))
        self.assertEqual(self.installment(contract, "delivery", 1), first)
        self.assertEqual(first.amount_confirmed, 100.0)
        self.assertEqual(len(self.installment(contract, "delivery")), 3)  # two and the rest
        self.assertAlmostEqual(
            sum(self.installment(contract, "delivery").mapped("amount")),
            round(contract.amount_total * 0.6, 2),
        )
        contract.action_wsv_generate_schedule()
        self.assertEqual(self.installment(contract, "delivery", 1).amount_confirmed, 100.0)

    def test_money_goes_on_installments_that_are_due(self):
        contract = self.signed()
        rest = self.installment(contract, "delivery")
        with self.refused("not yet due"):
            self.env["wsv.collection"].with_user(self.sales_a1).create(
                {"installment_id": rest.id, "amount": 100.0}
            )

    def test_dates_once_set_are_corrected_by_director_or_finance(self):
        contract = self.signed()
        contract.with_user(self.sales_a1).acceptance_date = "2026-01-15"
        with self.refused("corrected by a sales director or finance"):
            contract.with_user(self.sales_a1).acceptance_date = "2026-02-15"
        contract.with_user(self.director).acceptance_date = "2026-02-15"
        self.assertEqual(str(self.installment(contract, "warranty_end").due_date), "2027-02-15")

    def test_schedule_follows_posted_invoices(self):
        contract = self.signed(
            milestone_ids=[
                Command.create({"trigger": "signing", "percent": 30}),
                Command.create({"trigger": "invoice", "percent": 70, "days": 30}),
            ]
        )
        with self.refused("is Signed"):
            contract.milestone_ids[1].with_user(self.sales_a1).days = 60
        after_invoice = self.installment(contract, "invoice")
        self.assertFalse(after_invoice.due_date)
        contract.order_line.sudo().qty_delivered = 100  # as a delivery would record it
        invoice = contract._create_invoices()
        invoice.invoice_date = "2026-02-01"
        invoice.action_post()
        self.assertEqual(str(after_invoice.due_date), "2026-03-03")  # 30 days after
        self.assertAlmostEqual(contract.invoiced_percent, 100.0)


@tagged("post_install", "-at_install")
class TestCollections(FulfillmentCase):
    def test_salesperson_confirms_finance_books(self):
        contract = self.signed()
        advance = self.installment(contract, "signing")
        collection = (
            self.env["wsv.collection"]
            .with_user(self.sales_a1)
            .create({"installment_id": advance.id, "amount": advance.amount})
        )
        self.assertEqual((advance.amount_confirmed, advance.amount_open), (advance.amount, 0.0))
        self.assertNotEqual(advance.status, "collected")  # not booked yet
        with self.refused("only finance"):
            collection.with_user(self.sales_a1).action_book()
        with self.refused("Payment: "):
            collection.with_user(self.finance).action_book()
        draft = self.pay(self.customer, advance.amount)
        draft.action_draft()
        collection.with_user(self.finance).write({"payment_id": draft.id})
        with self.refused("Payment: .* not confirmed"):
            collection.with_user(self.finance).action_book()
        payment = self.pay(self.customer, advance.amount)
        collection.with_user(self.finance).write({"payment_id": payment.id})
        collection.with_user(self.finance).action_book()
        self.assertEqual(advance.status, "collected")
        self.assertAlmostEqual(contract.collected_percent, 30.0)
        self.assertAlmostEqual(payment.wsv_allocated, advance.amount)

    def test_over_the_open_amount_is_refused_and_changes_nothing(self):
        contract = self.signed()
        advance = self.installment(contract, "signing")
        Collection = self.env["wsv.collection"].with_user(self.sales_a1)
        Collection.create({"installment_id": advance.id, "amount": 100.0})
        with self.refused("Amount: .* still open"):
            Collection.create({"installment_id": advance.id, "amount": advance.amount})
        with self.refused("Amount: .* more than zero"):
            Collection.create({"installment_id": advance.id, "amount": 0})
        # two in one call count together
        with self.refused("Amount: "):
            Collection.create(
                [
                    {"installment_id": advance.id, "amount": advance.amount_open},
                    {"installment_id": advance.id, "amount": 1.0},
                ]
            )
        self.assertEqual(advance.collection_ids.mapped("amount"), [100.0])

    def test_payment_on_a_cancelled_contract_is_refused(self):
        contract = self.signed()
        advance = self.installment(contract, "signing")
        contract.action_contract_cancel()
        self.assertTrue(advance.void)
        with self.refused("cancelled"):
            self.env["wsv.collection"].with_user(self.finance).create(
                {"installment_id": advance.id, "amount": 10.0}
            )
        payment = self.pay(self.customer, 500.0)
        with self.refused("nothing|no open"):
            payment.with_user(self.finance).action_wsv_allocate()
        self.assertFalse(payment.wsv_collection_ids)

    def test_a_payment_in_another_currency_is_not_booked_as_is(self):
        contract = self.signed()
        advance = self.installment(contract, "signing")
        usd = self.env.ref("base.USD")
        usd.active = True
        payment = self.pay(self.customer, 100.0, currency=usd)
        with self.refused("no open installment"):
            payment.with_user(self.finance).action_wsv_allocate()
        with self.refused("Payment: .* USD"):
            self.env["wsv.collection"].with_user(self.finance).create(
                {"installment_id": advance.id, "amount": 100.0, "payment_id": payment.id}
            )
        self.assertFalse(advance.collection_ids)

    def test_contract_with_collections_cannot_be_cancelled(self):
        contract = self.signed()
        advance = self.installment(contract, "signing")
        self.env["wsv.collection"].with_user(self.sales_a1).create(
            {"installment_id": advance.id, "amount": 10.0}
        )
        with self.refused("collections recorded"):
            contract.action_contract_cancel()
        self.assertEqual(contract.contract_state, "signed")

    def test_payment_allocated_earliest_due_first_and_not_beyond_itself(self):
        contract = self.signed()
        contract.with_user(self.sales_a1).acceptance_date = self.today
        advance, retention = (
            self.installment(contract, "signing"),
            self.installment(contract, "warranty_end"),
        )
        payment = self.pay(self.customer, advance.amount + 50.0)
        payment.with_user(self.finance).action_wsv_allocate()
        self.assertEqual(advance.status, "collected")
        self.assertEqual(retention.amount_collected, 50.0)
        # the whole payment is allocated: nothing more from it
        with self.refused("nothing"):
            payment.with_user(self.finance).action_wsv_allocate()
        with self.refused("more than the payment"):
            self.env["wsv.collection"].with_user(self.finance).create(
                {
                    "installment_id": retention.id,
                    "amount": 1.0,
                    "payment_id": payment.id,
                }
            )

    def test_a_payment_for_one_contract_stays_on_it(self):
        first, second = self.signed(), self.signed()
        first_advance = self.installment(first, "signing")
        second_advance = self.installment(second, "signing")
        payment = self.pay(self.customer, second_advance.amount)
        with self.refused("Contract: there is no contract HT-NONE"):
            payment.with_user(self.finance).action_wsv_allocate(contract="HT-NONE")
        other = self.signed(user=self.sales_b1, partner_id=self.customer_b.id)
        with self.refused("is not a contract of"):
            payment.with_user(self.finance).action_wsv_allocate(contract=other.contract_number)
        with self.refused("Installments: some are not installments of"):
            payment.with_user(self.finance).action_wsv_allocate(
                installment_ids=[self.installment(other, "signing").id]
            )
        self.assertFalse(payment.wsv_collection_ids)  # nothing booked by the refusals
        payment.with_user(self.finance).action_wsv_allocate(contract=second.contract_number)
        # earliest due first would have taken the first contract's advance
        self.assertEqual(first_advance.amount_collected, 0.0)
        self.assertEqual(second_advance.status, "collected")

    def test_a_contract_in_dinars_is_scheduled_and_collected_to_the_fils(self):
        kwd = self.env.ref("base.KWD")
        kwd.active = True
        pricelist = self.env["product.pricelist"].create({"name": "KWD", "currency_id": kwd.id})
        line = {
            "product_id": self.product.id,
            "product_uom_qty": 1,
            "price_unit": 10.01,
            "tax_id": [Command.clear()],
        }
        contract = self.signed(pricelist_id=pricelist.id, order_line=[Command.create(line)])
        self.assertEqual(contract.currency_id, kwd)
        self.assertAlmostEqual(contract.amount_total, 10.01, places=4)
        # 30 %, 60 % and the 10 % rest of 10.010 dinars, to the fils (not 3.00, 6.01, 1.00)
        advance = self.installment(contract, "signing")
        self.assertAlmostEqual(advance.amount, 3.003, places=4)
        self.assertAlmostEqual(self.installment(contract, "delivery").amount, 6.006, places=4)
        self.assertAlmostEqual(self.installment(contract, "warranty_end").amount, 1.001, places=4)
        # a payment of the advance collects it to the fils, none of it left over
        payment = self.pay(self.customer, 3.003, currency=kwd)
        payment.with_user(self.finance).action_wsv_allocate()
        self.assertAlmostEqual(payment.wsv_allocated, 3.003, places=4)
        self.assertAlmostEqual(advance.amount_collected, 3.003, places=4)
        self.assertEqual((advance.amount_open, advance.status), (0.0, "collected"))

    def test_schedule_and_states_change_only_through_their_steps(self):
        contract = self.signed()
        advance = self.installment(contract, "signing")
        with self.refused("may not be changed"):
            advance.with_user(self.sales_a1).write({"amount": 1.0})
        with self.refused("may not be changed"):
            advance.with_user(self.finance).write({"due_date": False})
        collection = (
            self.env["wsv.collection"]
            .with_user(self.sales_a1)
            .create({"installment_id": advance.id, "amount": 10.0})
        )
        with self.refused("changed only through the buttons"):
            collection.with_user(self.sales_a1).write({"state": "booked"})
        with self.refused("changed only through the buttons"):
            self.env["wsv.collection"].with_user(self.sales_a1).create(
                {"installment_id": advance.id, "amount": 10.0, "state": "booked"}
            )
        with self.refused("Payment.*may not be changed"):
            self.env["wsv.collection"].with_user(self.sales_a1).create(
                {
                    "installment_id": advance.id,
                    "amount": 10.0,
                    "payment_id": self.pay(self.customer, 10.0).id,
                }
            )
        request = self.request(contract, 10)
        with self.refused("changed only through the buttons"):
            request.with_user(self.sales_a1).write({"state": "released"})
        self.assertEqual((collection.state, request.state), ("confirmed", "draft"))

    def test_client_defaults_do_not_reach_the_schedule(self):
        # a client's context reaches every action: its default_* must not fill what the
        # schedule leaves out of the installments it creates
        contract = self.signed()
        contract.with_user(self.sales_a1).with_context(
            default_disposition="write_off", default_void=True, default_escalated_on="2099-01-01"
        ).action_wsv_generate_schedule()
        contract.with_user(self.sales_a1).with_context(
            default_disposition="write_off", default_void=True
        ).acceptance_date = self.today
        items = contract.installment_ids
        self.assertTrue(items)
        self.assertFalse(any(items.mapped("void")))
        self.assertFalse(any(items.mapped("disposition")))
        self.assertFalse(any(items.mapped("escalated_on")))

    def test_write_off_is_for_finance(self):
        advance = self.installment(self.signed(), "signing")
        with self.refused("only finance"):
            advance.with_user(self.sales_a1).disposition = "write_off"
        advance.with_user(self.sales_a1).write(
            {"disposition": "collection", "disposition_note": "已发催款函"}
        )
        # finance too: by the button, which asks for the password again
        with self.refused("Write Off button"):
            advance.with_user(self.finance).disposition = "write_off"
        with self.refused("only finance"):
            advance.with_user(self.sales_a1).action_write_off()
        advance.with_user(self.finance).disposition_note = "破产清算，无法收回"
        # (no web request here: the password check is the web client's, tested over HTTP)
        self.assertIs(advance.with_user(self.finance).action_write_off(), True)
        self.assertEqual(advance.disposition, "write_off")

    def test_salesperson_sees_only_their_own_installments(self):
        mine = self.signed()
        other = self.signed(user=self.sales_b1, partner_id=self.customer_b.id)
        Installment = self.env["wsv.receivable.installment"]
        self.assertEqual(
            Installment.with_user(self.sales_a1).search([("order_id", "in", (mine | other).ids)]),
            mine.installment_ids,
        )
        self.assertEqual(
            Installment.with_user(self.manager_b).search([("order_id", "in", (mine | other).ids)]),
            other.installment_ids,
        )
        with self.assertRaises(AccessError):
            other.installment_ids[0].with_user(self.sales_a1).read(["amount"])


@tagged("post_install", "-at_install")
class TestAlerts(FulfillmentCase):
    def activities(self, items):
        return self.env["mail.activity"].search(
            [("res_model", "=", "wsv.receivable.installment"), ("res_id", "in", items.ids)]
        )

    def test_reminder_confirmation_escalation_and_aging(self):
        self.env["ir.config_parameter"].set_param("wsv_fulfillment.reminder_days", 7)
        self.env["ir.config_parameter"].set_param("wsv_fulfillment.escalation_days", 30)
        contract = self.signed()
        advance = self.installment(contract, "signing")
        due = advance.due_date
        Installment = self.env["wsv.receivable.installment"]
        Installment._cron_alerts(today=due - timedelta(days=7))
        reminder = self.activities(advance)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.sales_a1)
        Installment._cron_alerts(today=due)
        confirm = self.activities(advance) - reminder
        self.assertEqual(len(confirm), 1)
        self.assertIn("confirm", confirm.summary)
        Installment._cron_alerts(today=due + timedelta(days=45))
        self.assertEqual(advance.status, "overdue")
        self.assertEqual(advance.aging_bucket, "31-90")
        self.assertAlmostEqual(contract.overdue_amount, advance.amount)
        escalation = self.activities(advance) - reminder - confirm
        self.assertEqual(escalation.user_id, self.manager_a)
        # once is enough: the job the next day adds nothing
        Installment._cron_alerts(today=due + timedelta(days=46))
        self.assertEqual(len(self.activities(advance)), 3)
        Installment._cron_alerts(today=due + timedelta(days=200))
        self.assertEqual(advance.aging_bucket, "180+")

    def test_zero_and_off_settings_are_stored_and_honoured(self):
        Settings = self.env["res.config.settings"]
        Settings.create(
            {
                "wsv_reminder_days": 0,
                "wsv_release_check_credit": False,
                "wsv_pool_daily_claim_limit": 0,
            }
        ).execute()
        params = self.env["ir.config_parameter"]
        self.assertEqual(params.get_param("wsv_fulfillment.reminder_days"), "0")
        self.assertEqual(params.get_param("wsv_fulfillment.release_check_credit"), "False")
        self.assertEqual(params.get_param("wsv_crm_customer.pool_daily_claim_limit"), "0")
        # the settings show them as set, not as their defaults
        shown = Settings.default_get(["wsv_reminder_days", "wsv_release_check_credit"])
        self.assertEqual(shown["wsv_reminder_days"], 0)
        self.assertIs(shown["wsv_release_check_credit"], False)
        # 0 days: the reminder comes on the due day, beside the confirmation (not 7 days before)
        contract = self.signed()
        advance = self.installment(contract, "signing")
        self.env["wsv.receivable.installment"]._cron_alerts(today=advance.due_date)
        self.assertEqual(len(self.activities(advance)), 2)
        # off: a credit limit far below the contract does not block the release
        self.customer.sudo().credit_limit = 1.0
        request = self.request(contract, 10)
        request.action_submit()
        self.assertEqual(request.state, "blocked")  # the advance is not paid
        self.assertNotIn("credit limit", request.failed_conditions)
        # and on again
        Settings.create({"wsv_release_check_credit": True}).execute()
        self.assertIs(
            Settings.default_get(["wsv_release_check_credit"])["wsv_release_check_credit"], True
        )
        request.action_submit()
        self.assertIn("credit limit", request.failed_conditions)

    def test_collected_installments_raise_no_alert(self):
        contract = self.signed()
        advance = self.installment(contract, "signing")
        payment = self.pay(self.customer, advance.amount)
        payment.with_user(self.finance).action_wsv_allocate()
        self.env["wsv.receivable.installment"]._cron_alerts(
            today=advance.due_date + timedelta(days=60)
        )
        self.assertFalse(self.activities(advance))
        self.assertEqual(advance.status, "collected")
        self.assertFalse(advance.aging_bucket)


@tagged("post_install", "-at_install")
class TestReports(FulfillmentCase):
    def test_aging_and_plan_as_xlsx(self):
        contract = self.signed()
        self.env["wsv.receivable.installment"]._cron_alerts(
            today=contract.signing_date + timedelta(days=40)
        )
        advance = self.installment(contract, "signing")
        self.assertEqual(advance.aging_bucket, "31-90")
        Report = self.env["ir.actions.report"].with_user(self.finance)
        # the aging has a row per customer, the plan one per open installment
        for ref, expected in (
            ("wsv_fulfillment.report_receivable_aging_xlsx", self.customer.name),
            ("wsv_fulfillment.report_collection_plan_xlsx", advance.name),
        ):
            content, kind = Report._render_xlsx(ref, contract.installment_ids.ids, {})
            self.assertEqual(kind, "xlsx")
            with zipfile.ZipFile(io.BytesIO(content)) as book:
                strings = book.read("xl/sharedStrings.xml").decode()
            self.assertIn(expected, strings)
