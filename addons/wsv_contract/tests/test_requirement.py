from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.wsv_crm_customer.tests.common import CustomerCase, new_test_user

SINGLE_SPEC = "5(60)A 费控 4G模块"
THREE_SPEC = "3×1.5(6)A 0.5S级"


@tagged("post_install", "-at_install")
class TestRequirement(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pm = new_test_user(
            cls.env, login="t_pm", groups="wsv_crm_customer.group_product_manager"
        )
        cls.customer = cls.make_customer("测试电网有限公司", owner=cls.sales_a1)
        cls.categ = cls.env["product.category"].create({"name": "电能表测试"})
        # prefixes of their own: no product carries them, so the numbers start at 1
        Rule = cls.env["wsv.material.code.rule"]
        cls.single = Rule.create(
            {
                "name": "Single-phase test meters",
                "product_family": "单相测试表",
                "prefix": "TDDZY",
                "product_categ_id": cls.categ.id,
            }
        )
        cls.three = Rule.create(
            {
                "name": "Three-phase test meters",
                "product_family": "三相测试表",
                "prefix": "TDTZY",
                "padding": 4,
            }
        )

    @classmethod
    def make_requirement(cls, user=None, customer=None, lines=None):
        user = user or cls.sales_a1
        if lines is None:
            lines = [
                (cls.single, SINGLE_SPEC, 5000),
                (cls.three, THREE_SPEC, 800),
                (cls.single, "10(100)A 载波", 2000),
            ]
        return (
            cls.env["wsv.requirement"]
            .with_user(user)
            .create(
                {
                    "partner_id": (customer or cls.customer).id,
                    "line_ids": [
                        Command.create({"rule_id": rule.id, "specification": spec, "quantity": qty})
                        for rule, spec, qty in lines
                    ],
                }
            )
        )

    def reviewed(self):
        requirement = self.make_requirement()
        requirement.action_submit()
        requirement.with_user(self.pm).action_review()
        return requirement

    def test_full_flow_salesperson_records_pm_codes(self):
        requirement = self.make_requirement()
        self.assertTrue(requirement.name.startswith("XQ"))
        self.assertEqual((requirement.user_id, requirement.state), (self.sales_a1, "draft"))
        requirement.action_submit()
        self.assertEqual(requirement.state, "submitted")
        as_pm = requirement.with_user(self.pm)
        as_pm.action_review()
        self.assertEqual((requirement.state, requirement.reviewer_id), ("reviewed", self.pm))
        self.assertTrue(requirement.reviewed_date)
        as_pm.action_generate_codes()
        self.assertEqual(requirement.state, "coded")
        lines = requirement.line_ids
        self.assertEqual(lines.mapped("material_code"), ["TDDZY000001", "TDTZY0001", "TDDZY000002"])
        for line in lines:
            product = line.product_id
            self.assertEqual(product.default_code, line.material_code)
            self.assertEqual(product.name, f"{line.product_family} {line.specification}")
            self.assertTrue(product.sale_ok)
            self.assertEqual(product.type, "consu")
        self.assertEqual(lines[0].product_id.name, f"单相测试表 {SINGLE_SPEC}")
        self.assertEqual(lines[0].product_id.categ_id, self.categ)
        self.assertNotEqual(lines[1].product_id.categ_id, self.categ)  # the rule sets none
        self.assertEqual((self.single.next_number, self.three.next_number), (3, 2))

    def test_codes_go_on_across_requirements(self):
        self.reviewed().with_user(self.pm).action_generate_codes()
        second = self.reviewed()
        second.with_user(self.pm).action_generate_codes()
        self.assertEqual(
            second.line_ids.mapped("material_code"), ["TDDZY000003", "TDTZY0002", "TDDZY000004"]
        )

    def test_salesperson_cannot_review_or_generate(self):
        requirement = self.make_requirement()
        requirement.action_submit()
        with self.assertRaises(AccessError):
            requirement.action_review()
        with self.assertRaises(AccessError):
            requirement.with_user(self.director).action_review()
        with self.assertRaises(AccessError):
            requirement.action_reject("不需要")
        requirement.with_user(self.pm).action_review()
        with self.assertRaises(AccessError):
            requirement.action_generate_codes()
        with self.assertRaisesRegex(UserError, "buttons"):
            requirement.write({"state": "coded"})
        with self.assertRaisesRegex(UserError, "Material Code: set by the system"):
            requirement.line_ids[0].material_code = "TDDZY000099"
        self.assertEqual(requirement.state, "reviewed")
        self.assertFalse(any(requirement.line_ids.mapped("material_code")))
        self.assertEqual(self.single.next_number, 1)

    def test_reject_needs_a_reason(self):
        requirement = self.make_requirement()
        requirement.action_submit()
        as_pm = requirement.with_user(self.pm)
        for reason in (None, "", "   "):
            with self.assertRaisesRegex(UserError, "Rejection Reason"):
                as_pm.action_reject(reason)
        self.assertEqual(requirement.state, "submitted")
        # from the form: the reason written on it, then the button
        as_pm.reject_reason = "规格不明确，请补充通信模块型号"
        as_pm.action_reject()
        self.assertEqual(requirement.state, "rejected")
        self.assertEqual(requirement.reviewer_id, self.pm)
        requirement.action_draft()
        self.assertEqual((requirement.state, requirement.reject_reason), ("draft", False))
        requirement.line_ids[0].specification = "5(60)A 费控 NB-IoT模块"
        requirement.action_submit()
        self.assertEqual(requirement.state, "submitted")

    def test_wrong_state_and_bad_input(self):
        requirement = self.make_requirement()
        as_pm = requirement.with_user(self.pm)
        with self.assertRaisesRegex(UserError, "is Draft"):
            as_pm.action_review()
        with self.assertRaisesRegex(UserError, "is Draft"):
            as_pm.action_generate_codes()
        empty = self.make_requirement(lines=[])
        with self.assertRaisesRegex(UserError, "no lines"):
            empty.action_submit()
        for quantity in (0, -5):
            # assertRaises, not assertRaisesRegex: Odoo's rolls the failed write back
            with self.assertRaises(ValidationError) as caught:
                requirement.line_ids[0].quantity = quantity
            self.assertIn("Quantity", str(caught.exception))
        requirement.action_submit()
        with self.assertRaisesRegex(UserError, "is Submitted"):
            requirement.action_submit()
        # what was submitted is what gets reviewed
        with self.assertRaisesRegex(UserError, "is Submitted: Quantity may not be changed"):
            requirement.line_ids[0].quantity = 1
        with self.assertRaisesRegex(UserError, "can no longer be deleted"):
            requirement.line_ids[0].unlink()

    def test_no_active_rule_for_a_family_changes_nothing(self):
        requirement = self.reviewed()
        self.three.active = False
        with self.assertRaisesRegex(UserError, "三相测试表") as caught:
            requirement.with_user(self.pm).action_generate_codes()
        self.assertIn(THREE_SPEC, str(caught.exception))
        self.assertEqual(requirement.state, "reviewed")
        self.assertFalse(any(requirement.line_ids.mapped("material_code")))
        self.assertFalse(requirement.line_ids.product_id)
        self.assertEqual(self.single.next_number, 1)
        Product = self.env["product.product"].with_context(active_test=False)
        self.assertFalse(Product.search([("default_code", "=like", "TD%ZY%")]))
        # the reviewing product manager moves the line to a rule in use, and codes it
        line = requirement.line_ids.filtered(lambda line: line.rule_id == self.three)
        line.with_user(self.pm).rule_id = self.single
        requirement.with_user(self.pm).action_generate_codes()
        self.assertEqual(requirement.state, "coded")

    def test_two_allocations_give_distinct_consecutive_codes(self):
        rule = self.single.with_user(self.pm)
        self.assertEqual(
            [rule._allocate_code(), rule._allocate_code()], ["TDDZY000001", "TDDZY000002"]
        )
        self.assertEqual(self.single.next_number, 3)
        # a code typed in or imported before is never given again
        self.env["product.product"].create({"name": "旧型号", "default_code": "TDDZY000041"})
        self.env["product.product"].create({"name": "其他", "default_code": "TDDZY-X999999"})
        self.assertEqual(rule._allocate_code(), "TDDZY000042")
        self.assertEqual(self.single.next_number, 43)

    def test_code_rule_checks(self):
        Rule = self.env["wsv.material.code.rule"].with_user(self.pm)
        values = {"name": "Test", "product_family": "测试表"}
        # assertRaises, not assertRaisesRegex: Odoo's rolls the failed creation back
        bad = [
            ({"prefix": "tddzy"}, "Prefix"),
            ({"prefix": "-TD"}, "Prefix"),
            ({"prefix": "TDDZY-TOO-LONG"}, "Prefix"),
            ({"prefix": "TDDZY"}, "another active code rule"),
            ({"prefix": "TX", "padding": 2}, "Padding"),
            ({"prefix": "TX", "padding": 11}, "Padding"),
        ]
        for extra, message in bad:
            with self.subTest(**extra), self.assertRaises(ValidationError) as caught:
                Rule.create({**values, **extra})
            self.assertIn(message, str(caught.exception))
        self.single.active = False
        Rule.create({**values, "prefix": "TDDZY"})  # the archived rule's prefix is free again
        with self.assertRaises(AccessError):
            Rule.with_user(self.sales_a1).create({**values, "prefix": "TSALES"})

    def test_who_sees_which_requirements(self):
        mine = self.make_requirement()
        colleague = self.make_requirement(
            user=self.sales_a2, customer=self.make_customer(owner=self.sales_a2)
        )
        team_b = self.make_requirement(
            user=self.sales_b1, customer=self.make_customer(owner=self.sales_b1)
        )
        every = mine | colleague | team_b
        for user, expected in [
            (self.sales_a1, mine),
            (self.sales_a2, colleague),
            (self.manager_a, mine | colleague),
            (self.manager_b, team_b),
            (self.director, every),
            (self.pm, every),
        ]:
            with self.subTest(user=user.login):
                Requirement = self.env["wsv.requirement"].with_user(user)
                self.assertEqual(Requirement.search([("id", "in", every.ids)]), expected)
                Line = self.env["wsv.requirement.line"].with_user(user)
                self.assertEqual(
                    Line.search([("requirement_id", "in", every.ids)]).requirement_id, expected
                )
        with self.assertRaises(AccessError):
            colleague.with_user(self.sales_a1).read(["name"])

    def test_product_manager_cannot_submit_or_take_back(self):
        requirement = self.make_requirement()
        with self.assertRaisesRegex(AccessError, "Only sales submits"):
            requirement.with_user(self.pm).action_submit()
        self.assertEqual(requirement.state, "draft")
        requirement.action_submit()
        requirement.with_user(self.pm).action_reject("规格不全")
        with self.assertRaisesRegex(AccessError, "Only sales submits"):
            requirement.with_user(self.pm).action_draft()
        self.assertEqual(requirement.state, "rejected")

    def test_salesperson_form(self):
        view = "wsv_contract.wsv_requirement_view_form"
        with Form(self.env["wsv.requirement"].with_user(self.sales_a1), view=view) as form:
            form.partner_id = self.customer
            with form.line_ids.new() as line:
                line.rule_id = self.single
                line.specification = SINGLE_SPEC
                line.quantity = 300
        requirement = form.record
        self.assertEqual(requirement.user_id, self.sales_a1)
        self.assertEqual(requirement.line_ids.product_family, "单相测试表")
        requirement.action_submit()
        self.assertEqual(requirement.state, "submitted")
