from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CustomerCase


@tagged("post_install", "-at_install")
class TestGrading(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["wsv.grade.rule"]
        Rule.search([]).unlink()
        Rule.create({"grade": "B", "min_open_opportunities": 2})
        Rule.create({"grade": "C", "min_open_opportunities": 1})
        Rule.create({"grade": "A", "min_open_opportunities": 2, "min_employees": 10000})

    def _opportunities(self, customer, count):
        self.env["crm.lead"].create(
            [
                {"name": f"商机{i}", "type": "opportunity", "partner_id": customer.id}
                for i in range(count)
            ]
        )

    def test_grades_from_rules_by_cron_and_on_demand(self):
        big, middle, small, none = (self.make_customer() for _ in range(4))
        big.employee_count = 30000
        self._opportunities(big, 2)
        self._opportunities(middle, 2)
        self._opportunities(small, 1)
        self.env["res.partner"]._cron_recompute_grades()
        self.assertEqual([c.grade for c in (big, middle, small, none)], ["A", "B", "C", "D"])
        self._opportunities(none, 1)
        none.with_user(self.director).action_recompute_grade()
        self.assertEqual(none.grade, "C")

    def test_manual_override_needs_reason_and_is_tracked(self):
        customer = self.make_customer(owner=self.sales_a1)
        customer._recompute_grade()
        self.assertEqual(customer.grade, "D")
        self.env.cr.precommit.run()
        with self.assertRaisesRegex(ValidationError, "Manual Grade Reason"):
            customer.write({"grade_manual": "A"})
        customer.write({"grade_manual": "A", "grade_manual_reason": "省公司战略合作协议"})
        self.assertEqual(customer.grade, "A")
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        tracked = customer.message_ids.tracking_value_ids.mapped("field_id.name")
        self.assertIn("grade", tracked)
        self.assertIn("grade_manual_reason", tracked)
