from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FulfillmentCase


@tagged("post_install", "-at_install")
class TestTargets(FulfillmentCase):
    def test_attainment_and_ranking_and_who_sees_them(self):
        year = self.today.year
        self.env["wsv.sales.target"].search([]).unlink()  # the demo's
        Target = self.env["wsv.sales.target"].with_user(self.director)
        a1, a2, b1 = Target.create(
            [
                {"year": year, "user_id": self.sales_a1.id, "target_signed": 1000.0},
                {"year": year, "user_id": self.sales_a2.id, "target_signed": 1000.0},
                {"year": year, "user_id": self.sales_b1.id, "target_signed": 1000.0},
            ]
        )
        team_a = Target.create({"year": year, "team_id": self.team_a.id, "target_collected": 100.0})
        contract = self.signed()
        advance = self.installment(contract, "signing")
        self.pay(self.customer, 80.0).with_user(self.finance).action_wsv_allocate()
        (a1 | a2 | b1 | team_a).invalidate_recordset()
        self.assertAlmostEqual(a1.actual_signed, contract.amount_total)
        self.assertAlmostEqual(a1.attainment_signed, round(contract.amount_total / 1000 * 100, 2))
        self.assertEqual((a1.rank_signed, a2.rank_signed, b1.rank_signed), (1, 2, 2))
        self.assertAlmostEqual(team_a.actual_collected, 80.0)
        self.assertAlmostEqual(team_a.attainment_collected, 80.0)
        self.assertEqual(advance.amount_collected, 80.0)
        # a salesperson sees their own, a manager the team's, the director all
        seen = lambda user: Target.with_user(user).search([])  # noqa: E731
        self.assertEqual(seen(self.sales_a1), a1)
        self.assertEqual(seen(self.manager_a), a1 | a2 | team_a)
        self.assertEqual(seen(self.director), a1 | a2 | b1 | team_a)
        # a manager sets their salespeople's targets, not their own nor their team's
        a2.with_user(self.manager_a).target_signed = 1200.0
        with self.assertRaises(AccessError):
            team_a.with_user(self.manager_a).target_collected = 1.0
        mine = Target.create({"year": year, "user_id": self.manager_a.id})
        with self.assertRaises(AccessError):
            mine.with_user(self.manager_a).target_signed = 1.0
        with self.assertRaises(AccessError):
            a1.with_user(self.sales_a1).target_signed = 1.0
        # the rank counts every peer, also those the user does not see
        self.assertEqual(a2.with_user(self.sales_a2).rank_signed, 2)

    def test_one_target_per_period_and_who(self):
        Target = self.env["wsv.sales.target"]
        Target.create({"year": 2026, "month": "3", "user_id": self.sales_a1.id})
        with mute_logger("odoo.sql_db"):
            with self.assertRaises(IntegrityError):
                Target.create({"year": 2026, "month": "3", "user_id": self.sales_a1.id})
            with self.assertRaises(IntegrityError):
                Target.create(
                    {"year": 2026, "user_id": self.sales_a1.id, "team_id": self.team_a.id}
                )

    def test_contracts_in_another_currency_count_converted(self):
        self.env["wsv.sales.target"].search([]).unlink()
        usd = self.env.ref("base.USD")
        usd.active = True
        company = self.env.company
        self.env["res.currency.rate"].create(
            {"name": f"{self.today.year}-01-01", "rate": 0.14, "currency_id": usd.id}
        )
        pricelist = self.env["product.pricelist"].create({"name": "USD", "currency_id": usd.id})
        contract = self.signed(pricelist_id=pricelist.id)
        self.assertEqual(contract.currency_id, usd)
        target = self.env["wsv.sales.target"].create(
            {"year": self.today.year, "user_id": self.sales_a1.id, "target_signed": 1.0}
        )
        expected = usd._convert(contract.amount_total, company.currency_id, company, self.today)
        self.assertNotAlmostEqual(expected, contract.amount_total)
        self.assertAlmostEqual(target.actual_signed, expected, places=2)
