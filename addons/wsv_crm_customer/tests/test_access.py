from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import CustomerCase


@tagged("post_install", "-at_install")
class TestCustomerAccess(CustomerCase):
    """Who sees which customer, as each role through the ORM (XML-RPC: tests/integration)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_a1 = cls.make_customer(owner=cls.sales_a1)
        cls.own_a2 = cls.make_customer(owner=cls.sales_a2)
        cls.own_b1 = cls.make_customer(owner=cls.sales_b1)
        cls.pool = cls.make_customer()
        cls.contact_a2 = cls.env["res.partner"].create({"name": "王工", "parent_id": cls.own_a2.id})
        cls.customers = cls.own_a1 | cls.own_a2 | cls.own_b1 | cls.pool

    def visible(self, user):
        return self.env["res.partner"].with_user(user).search([("id", "in", self.customers.ids)])

    def test_salesperson_sees_own_and_pool(self):
        self.assertEqual(self.visible(self.sales_a1), self.own_a1 | self.pool)
        with self.assertRaises(AccessError):
            self.own_a2.with_user(self.sales_a1).read(["name"])
        # contacts follow their company
        with self.assertRaises(AccessError):
            self.contact_a2.with_user(self.sales_a1).read(["name"])
        self.contact_a2.with_user(self.sales_a2).read(["name"])

    def test_manager_sees_team_and_pool(self):
        self.assertEqual(self.visible(self.manager_a), self.own_a1 | self.own_a2 | self.pool)
        self.assertEqual(self.visible(self.manager_b), self.own_b1 | self.pool)

    def test_director_sees_all(self):
        self.assertEqual(self.visible(self.director), self.customers)

    def test_finance_reads_all(self):
        self.assertEqual(self.visible(self.finance), self.customers)

    def test_salesperson_cannot_delete_pool_customer(self):
        with self.assertRaises(AccessError):
            self.pool.with_user(self.sales_a1).unlink()
        self.assertTrue(self.pool.exists())

    def test_duplicate_check_predicts_create_and_shows_only_what_is_visible(self):
        code_owned = self.own_b1.name
        Partner = self.env["res.partner"].with_user(self.sales_a1)
        found = Partner.wsv_duplicate_check({"name": code_owned})
        self.assertNotIn(self.own_b1.id, [m["id"] for m in found])
        # another salesperson's customer: the refusal is predicted, nothing of it is shown
        hidden = [m for m in found if not m["visible"]]
        self.assertTrue(hidden)
        for match in hidden:
            self.assertEqual(
                (match["id"], match["name"], match["owner"], match["match"], match["similarity"]),
                (False, False, False, False, False),
            )
            self.assertTrue(match["blocks_create"] and match["reason_allows"])
        with self.assertRaisesRegex(ValidationError, "owned by other salespeople"):
            Partner.create({"name": code_owned, "is_customer": True, "is_company": True})
        found = (
            self.env["res.partner"]
            .with_user(self.director)
            .wsv_duplicate_check({"name": code_owned})
        )
        self.assertIn(self.own_b1.id, [m["id"] for m in found])
        match = next(m for m in found if m["id"] == self.own_b1.id)
        self.assertEqual(match["owner"], self.sales_b1.name)
        self.assertEqual(match["pool_state"], "private")
