from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import FulfillmentCase


@tagged("post_install", "-at_install")
class TestDeliveryRelease(FulfillmentCase):
    def test_blocked_without_advance_then_released_once_paid(self):
        contract = self.signed()
        request = self.request(contract, 40)
        request.action_submit()
        self.assertEqual(request.state, "blocked")
        self.assertIn("30", request.failed_conditions)  # the required advance, in percent
        # finance books the advance: the conditions hold
        advance = self.installment(contract, "signing")
        payment = self.pay(self.customer, advance.amount)
        payment.with_user(self.finance).action_wsv_allocate()
        self.assertEqual(advance.status, "collected")
        request.with_user(self.sales_a1).action_submit()
        self.assertEqual(request.state, "released")
        self.assertFalse(request.failed_conditions)

    def test_overdue_and_credit_conditions_are_named(self):
        contract = self.signed()
        # the advance was due on signing: overdue for 10 days, and a credit limit exceeded
        self.installment(contract, "signing").sudo().write(
            {"due_date": self.today.replace(year=self.today.year - 1)}
        )
        self.customer.sudo().credit_limit = 100.0
        request = self.request(contract, 10)
        request.action_submit()
        self.assertEqual(request.state, "blocked")
        lines = request.failed_conditions.splitlines()
        self.assertEqual(len(lines), 3, lines)  # advance, credit and overdue
        self.assertIn("credit limit", lines[1])
        # the figures are for the roles that read credit: not in the text every reader sees,
        # nor in the chatter, nor readable by the salesperson
        self.assertNotIn("100.0", request.failed_conditions)
        self.assertIn("100.00", request.sudo().failed_detail)
        self.assertIn("100.00", request.with_user(self.finance).failed_detail)
        self.assertNotIn("100.00", str(request.message_ids.mapped("body")))
        with self.assertRaises(AccessError):
            request.with_user(self.sales_a1).read(["failed_detail"])

    def test_override_needs_an_authorised_role_and_a_reason(self):
        contract = self.signed()
        request = self.request(contract, 40)
        request.action_submit()
        with self.refused("sales director or finance"):
            request.with_user(self.sales_a1).action_override()
        with self.refused("Override Reason"):
            request.with_user(self.director).action_override()
        self.assertEqual(request.state, "blocked")
        request.with_user(self.director).override_reason = "战略客户，总监批准"
        request.with_user(self.director).action_override()
        self.assertEqual(request.state, "released")
        self.assertEqual(request.override_user_id, self.director)

    def test_delivery_records_quantities_and_splits_the_schedule(self):
        contract = self.signed()
        request = self.request(contract, 40)
        request.action_submit()
        request.with_user(self.director).write({"override_reason": "急需"})
        request.with_user(self.director).action_override()
        request.with_user(self.sales_a1).action_deliver()
        self.assertEqual(request.state, "delivered")
        self.assertEqual(contract.order_line.qty_delivered, 40)
        self.assertAlmostEqual(contract.delivered_percent, 40.0)
        first, rest = (
            self.installment(contract, "delivery", 1),
            self.installment(contract, "delivery", 2),
        )
        share = contract.amount_total * 0.6
        self.assertAlmostEqual(first.amount, round(share * 0.4, 2))
        self.assertAlmostEqual(first.amount + rest.amount, round(share, 2))
        self.assertEqual((first.due_date - request.delivery_date).days, 30)
        self.assertFalse(rest.due_date)

    def test_more_than_the_contract_quantity_is_refused_and_changes_nothing(self):
        contract = self.signed()
        with self.refused("Quantity: 101"):
            self.request(contract, 101).action_submit()
        self.assertFalse(contract.delivery_request_ids)
        first = self.request(contract, 60)
        first.action_submit()
        # 60 are requested already: 41 more is over the 100 of the contract
        second = self.request(contract, 41)
        with self.refused("40.0 left"):
            second.action_submit()
        self.assertEqual(second.state, "draft")
        self.assertEqual(first.state, "blocked")
        self.assertEqual(contract.order_line.qty_delivered, 0)

    def test_a_released_request_records_only_what_was_released(self):
        contract = self.signed()
        with self.refused("changed only through the buttons"):
            self.env["wsv.delivery.request"].with_user(self.sales_a1).create(
                {
                    "order_id": contract.id,
                    "state": "released",
                    "line_ids": [(0, 0, {"order_line_id": contract.order_line.id, "qty": 5})],
                }
            )
        request = self.request(contract, 10)
        request.action_submit()
        request.with_user(self.director).write({"override_reason": "急需"})
        request.with_user(self.director).action_override()
        with self.refused("can no longer change|may not be changed"):
            request.line_ids.with_user(self.sales_a1).qty = 90
        with self.refused("can no longer change|may not be changed"):
            request.with_user(self.sales_a1).request_date = "2026-01-01"
        with self.refused("more than the 10.0 released"):
            request.line_ids.with_user(self.sales_a1).qty_delivered = 11
        request.line_ids.with_user(self.sales_a1).qty_delivered = 8
        request.with_user(self.sales_a1).action_deliver()
        self.assertEqual(contract.order_line.qty_delivered, 8)
        with self.refused("can no longer change|may not be changed"):
            request.with_user(self.sales_a1).delivery_date = "2026-01-01"

    def test_request_from_the_contract_takes_what_remains(self):
        contract = self.signed()
        self.request(contract, 30).action_submit()
        self.request(contract, 50)  # a draft holds nothing
        action = contract.with_user(self.sales_a1).action_wsv_request_delivery()
        request = self.env["wsv.delivery.request"].browse(action["res_id"])
        self.assertEqual(request.line_ids.qty, 70)

    def test_no_delivery_on_an_unsigned_contract(self):
        contract = self.make_contract()
        with self.refused("Contract: "):
            self.request(contract, 1)

    def test_delivery_reported_by_sap(self):
        contract = self.signed()
        with self.refused("Integration Administrator"):
            self.env["wsv.delivery.request"].with_user(self.sales_a1).record_delivery(
                contract.id, "2026-03-01", {str(contract.order_line.id): 100}
            )
        integration = new_test_user(
            self.env, login="t_integration", groups="wsv_crm_customer.group_integration_admin"
        )
        Request = self.env["wsv.delivery.request"].with_user(integration)
        request_id = Request.record_delivery(
            contract.id, "2026-03-01", {str(contract.order_line.id): 100}, "SAP-80001"
        )
        request = Request.browse(request_id)
        self.assertEqual((request.state, request.source), ("delivered", "sap"))
        self.assertAlmostEqual(contract.delivered_percent, 100.0)
        # the same delivery note again (a retried job) counts once
        again = Request.record_delivery(
            contract.id, "2026-03-01", {str(contract.order_line.id): 100}, "SAP-80001"
        )
        self.assertEqual(again, request_id)
        with self.refused("Quantity"):
            Request.record_delivery(contract.id, "2026-03-02", {contract.order_line.id: 1})

    def test_sap_reports_by_contract_number_with_clear_errors(self):
        contract = self.signed()
        integration = new_test_user(
            self.env, login="t_integration2", groups="wsv_crm_customer.group_integration_admin"
        )
        Request = self.env["wsv.delivery.request"].with_user(integration)
        # the integration account reads no contracts: it asks for the lines by number
        [line] = Request.contract_lines(contract.contract_number)
        self.assertEqual(
            (line["line_id"], line["qty_ordered"], line["qty_delivered"]),
            (contract.order_line.id, 100.0, 0.0),
        )
        request_id = Request.record_delivery(
            contract.contract_number, "2026-03-01", [{"line_id": line["line_id"], "qty": 30}]
        )
        self.assertEqual(Request.browse(request_id).state, "delivered")
        self.assertAlmostEqual(contract.delivered_percent, 30.0)
        for args, pattern in (
            (("HT-NO-SUCH", "2026-03-01", {}), "Contract: there is no contract HT-NO-SUCH"),
            ((None, "2026-03-01", {}), "Contract: give its id or its contract number"),
            ((contract.contract_number, "03/01/2026", {}), "Delivery Date: 03/01/2026"),
            (
                (contract.contract_number, "2026-03-01", {"999999": 1}),
                "Quantities: line_id 999999 is not a product line",
            ),
            (
                (contract.contract_number, "2026-03-01", [{"line_id": line["line_id"]}]),
                "Quantities: each row",
            ),
            (
                (contract.contract_number, "2026-03-01", {str(line["line_id"]): "x"}),
                "Quantity: x is not a number",
            ),
        ):
            with self.subTest(args=args), self.refused(pattern):
                Request.record_delivery(*args)
        self.assertAlmostEqual(contract.delivered_percent, 30.0)  # nothing changed

    def test_salesperson_sees_only_their_own_requests(self):
        mine = self.request(self.signed(), 10)
        other = self.request(self.signed(user=self.sales_b1, partner_id=self.customer_b.id), 10)
        visible = self.env["wsv.delivery.request"].with_user(self.sales_a1).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(other, visible)
        self.assertIn(other, self.env["wsv.delivery.request"].with_user(self.director).search([]))
