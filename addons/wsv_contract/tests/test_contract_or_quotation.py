"""What makes an order a contract, and plain quotations that work as in Odoo (issue 9)."""

from odoo import Command
from odoo.exceptions import AccessError, UserError

from odoo.addons.wsv_crm_customer.tests.common import new_test_user

from .test_contract import ContractCase, tagged


@tagged("post_install", "-at_install")
class TestContractOrQuotation(ContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's own sales rights, none of ours
        cls.odoo_seller = new_test_user(
            cls.env, login="t_odoo_seller", groups="sales_team.group_sale_salesman"
        )
        cls.walk_in = cls.env["res.partner"].create({"name": "零售客户张三"})

    def quotation(self, user, partner, **values):
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "product_uom_qty": 2})
                    ],
                    **values,
                }
            )
        )

    def test_a_plain_quotation_works_as_in_odoo(self):
        order = self.quotation(self.odoo_seller, self.walk_in)
        self.assertFalse(order.is_contract)
        self.assertFalse(order.contract_number)
        # the user of Odoo's Sales app reads the whole order: our fields he may not read are
        # left out, not a crash
        values = order.read()[0]
        self.assertNotIn("delivery_request_ids", values)
        self.assertNotIn("milestone_ids", values)
        self.assertNotIn("milestone_ids", order.fields_get())
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        order.order_line.qty_delivered = 2
        invoice = order.sudo()._create_invoices()
        invoice.action_post()
        self.assertEqual(order.invoice_status, "invoiced")
        # and it may be copied and cancelled as in Odoo
        copy = order.copy()
        self.assertFalse(copy.is_contract)
        copy.action_cancel()
        self.assertEqual(copy.state, "cancel")
        with self.assertRaises(AccessError):
            copy.read(["milestone_ids"])

    def test_a_registered_customer_buys_under_contract(self):
        order = self.quotation(self.sales_a1, self.customer)
        self.assertTrue(order.is_contract)
        self.assertTrue(order.contract_number.startswith("HT"))
        for confirm in (order.action_confirm, order.sudo().action_confirm):
            with self.assertRaisesRegex(UserError, "sign it once approved"):
                confirm()
        self.assertEqual(order.state, "draft")
        # the portal neither signs nor takes a prepayment for it (both would confirm it),
        # while a plain quotation keeps Odoo's online signature
        order.sudo().write({"require_signature": True, "require_payment": True})
        self.assertFalse(order._has_to_be_signed())
        self.assertFalse(order._has_to_be_paid())
        quote = self.quotation(self.odoo_seller, self.walk_in, require_signature=True)
        self.assertTrue(quote._has_to_be_signed())
        # no client says otherwise, in the create or later
        forced = self.quotation(self.sales_a1, self.customer, is_contract=False)
        self.assertTrue(forced.is_contract)
        with self.assertRaises(UserError):
            order.write({"is_contract": False})
        self.assertTrue(order.is_contract)

    def test_contract_facts_stay_the_systems_on_a_quotation(self):
        order = self.quotation(self.odoo_seller, self.walk_in)
        for field, value in (
            ("contract_state", "signed"),
            ("contract_number", "HT-FAKE"),
            ("is_contract", True),
        ):
            with self.subTest(field=field), self.assertRaisesRegex(UserError, "not by"):
                order.write({field: value})
        with self.assertRaises(UserError):
            self.quotation(self.odoo_seller, self.walk_in, contract_state="signed")
        self.assertEqual(order.contract_state, "draft")
        self.assertFalse(order.is_contract)

    def test_a_quotation_becomes_a_contract(self):
        # its customer changes to a registered one
        order = self.quotation(self.sales_a1, self.walk_in)
        self.assertFalse(order.is_contract)
        order.partner_id = self.customer
        self.assertTrue(order.is_contract)
        self.assertTrue(order.contract_number)
        with self.assertRaises(UserError):
            order.action_confirm()
        # its partner is registered as a customer
        other = self.env["res.partner"].create({"name": "新注册客户有限公司"})
        quote = self.quotation(self.sales_a1, other)
        self.assertFalse(quote.is_contract)
        other.sudo().write({"is_customer": True})
        self.assertTrue(quote.is_contract)
        # a contract template makes one
        templated = self.quotation(self.sales_a1, self.walk_in, template_id=self.template.id)
        self.assertTrue(templated.is_contract)
        self.assertEqual(len(templated.milestone_ids), 3)

    def test_company_setting_makes_every_order_a_contract(self):
        self.env["res.config.settings"].create({"wsv_all_orders_contracts": True}).execute()
        order = self.quotation(self.sales_a1, self.walk_in)
        self.assertTrue(order.is_contract)
        with self.assertRaises(UserError):
            order.action_confirm()
        # contracts are drafted by the sales roles: Odoo's sales rights alone no longer sell
        with self.assertRaises(UserError):
            self.quotation(self.odoo_seller, self.walk_in)
        self.env["res.config.settings"].create({"wsv_all_orders_contracts": False}).execute()
        self.assertFalse(self.quotation(self.odoo_seller, self.walk_in).is_contract)

    def test_contract_numbers_are_never_handed_out_twice(self):
        # the same values twice in one call (Odoo's credit limit test does this): the number
        # was written into the caller's dict and the second order took it again
        values = {
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.product.id})],
        }
        orders = self.env["sale.order"].with_user(self.sales_a1).create([values] * 2)
        self.assertEqual(len(set(orders.mapped("contract_number"))), 2)
        self.assertNotIn("contract_number", values)
        # a number already taken (migrated, keyed in by an administrator) is skipped
        sequence = self.env["ir.sequence"].search([("code", "=", "wsv.contract.number")])
        upcoming = sequence.get_next_char(sequence.number_next_actual)
        self.env["sale.order"].create({"partner_id": self.customer.id, "contract_number": upcoming})
        following = self.quotation(self.sales_a1, self.customer)
        self.assertNotEqual(following.contract_number, upcoming)

    def test_a_contracts_copy_keeps_its_milestones(self):
        contract = self.make_contract()
        copy = contract.copy()
        self.assertTrue(copy.is_contract)
        self.assertNotEqual(copy.contract_number, contract.contract_number)
        self.assertEqual(
            copy.milestone_ids.mapped("percent"), contract.milestone_ids.mapped("percent")
        )

    def test_no_way_around_through_a_quotation(self):
        """Walk-arounds found in review: each ends with a registered customer's order
        confirmed without review."""
        # a confirmed plain order moved to a registered customer, or confirmed in the write
        order = self.quotation(self.sales_a1, self.walk_in)
        order.action_confirm()
        with self.assertRaisesRegex(UserError, "cannot become one"):
            order.write({"partner_id": self.customer.id})
        quote = self.quotation(self.sales_a1, self.walk_in)
        with self.assertRaisesRegex(UserError, "cannot become one"):
            quote.write({"partner_id": self.customer.id, "state": "sale"})
        # a contact who joins a registered customer's company brings its quotation along
        contact = self.env["res.partner"].create({"name": "王工"})
        quote = self.quotation(self.sales_a1, contact)
        self.assertFalse(quote.is_contract)
        contact.parent_id = self.customer
        self.assertTrue(quote.is_contract)
        with self.assertRaises(UserError):
            quote.action_confirm()
        # invoiced to a registered customer: a contract
        billed = self.quotation(self.sales_a1, self.walk_in, partner_invoice_id=self.customer.id)
        self.assertTrue(billed.is_contract)
        # a contract state slipped in as a default does not survive: refused on a quotation,
        # and a quotation that becomes a contract starts as a draft
        Order = self.env["sale.order"].with_user(self.sales_a1)
        with self.assertRaises(UserError):
            Order.with_context(default_contract_state="approved").create(
                {"partner_id": self.walk_in.id}
            )
        # a saved default customer, not in the values: the order is what its customer says
        self.env["ir.default"].with_user(self.sales_a1).set(
            "sale.order", "partner_id", self.customer.id, user_id=True
        )
        defaulted = Order.create({})
        self.assertEqual(defaulted.partner_id, self.customer)
        self.assertTrue(defaulted.is_contract)
        self.assertEqual(defaulted.contract_state, "draft")
        with self.assertRaises(UserError):
            defaulted.action_confirm()
        # a contract still flagged plain by older data is refused at Confirm all the same
        legacy = self.quotation(self.sales_a1, self.walk_in)
        legacy.sudo().write({"partner_id": self.customer.id})  # (sudo: no conversion)
        self.assertFalse(legacy.is_contract)
        with self.assertRaisesRegex(UserError, "registered customer"):
            legacy.action_confirm()
