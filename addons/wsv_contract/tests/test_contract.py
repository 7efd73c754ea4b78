import base64

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.wsv_crm_customer.tests.common import CustomerCase, new_test_user

PDF = base64.b64encode(b"%PDF-1.4 contract")


@tagged("post_install", "-at_install")
class ContractCase(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reviewer = new_test_user(
            cls.env, login="t_reviewer", groups="wsv_crm_customer.group_contract_reviewer"
        )
        cls.customer = cls.make_customer("测试电网有限公司", owner=cls.sales_a1)
        # one rule the standard contract fails (24 months of warranty), approved by reviewers
        cls.env["wsv.review.rule"].search([]).active = False
        cls.warranty_rule = cls.env["wsv.review.rule"].create(
            {
                "name": "质保超过12个月",
                "rule_type": "warranty",
                "max_months": 12,
                "reviewer_group_id": cls.env.ref("wsv_crm_customer.group_contract_reviewer").id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "单相智能电能表测试型", "list_price": 200.0, "standard_price": 120.0}
        )
        cls.template = cls.env["wsv.contract.template"].create(
            {
                "name": "电能表标准合同",
                "contract_type": "single",
                "warranty_months": 24,
                "lead_days": 30,
                "milestone_ids": [
                    Command.create({"trigger": "signing", "percent": 30}),
                    Command.create({"trigger": "delivery", "percent": 60, "days": 30}),
                    Command.create({"trigger": "warranty_end", "percent": 10}),
                ],
            }
        )

    @classmethod
    def make_contract(cls, user=None, **values):
        user = user or cls.sales_a1
        return (
            cls.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": user.id,
                    "template_id": cls.template.id,
                    "order_line": [
                        Command.create({"product_id": cls.product.id, "product_uom_qty": 100})
                    ],
                    **values,
                }
            )
        )

    def attach(self, contract, doc_type="signed_original"):
        self.env["wsv.contract.document"].create(
            {"order_id": contract.id, "doc_type": doc_type, "file": PDF, "file_name": "合同.pdf"}
        )


@tagged("post_install", "-at_install")
class TestContractFlow(ContractCase):
    def test_template_fills_terms_and_numbers_the_contract(self):
        contract = self.make_contract()
        self.assertTrue(contract.contract_number.startswith("HT"))
        self.assertNotEqual(contract.contract_number, contract.name)
        self.assertEqual(contract.warranty_months, 24)
        self.assertEqual(contract.milestone_ids.mapped("percent"), [30, 60, 10])
        view = "wsv_contract.sale_order_view_form_contract"
        with Form(self.env["sale.order"].with_user(self.sales_a1), view=view) as form:
            form.partner_id = self.customer
            form.template_id = self.template
            self.assertEqual(form.lead_days, 30)
            self.assertEqual(len(form.milestone_ids), 3)

    def test_full_flow_submit_approve_sign_execute_close(self):
        contract = self.make_contract()
        contract.action_contract_submit()
        self.assertEqual(contract.contract_state, "review")
        contract.with_user(self.reviewer).validate_tier()
        self.assertEqual(contract.contract_state, "approved")
        self.attach(contract)
        contract.action_contract_sign()
        self.assertEqual(contract.contract_state, "signed")
        self.assertEqual(contract.state, "sale")
        self.assertTrue(contract.signing_date)
        contract.action_contract_execute()
        contract.action_contract_close()
        self.assertEqual(contract.contract_state, "closed")

    def test_milestones_must_total_100(self):
        contract = self.make_contract()
        contract.milestone_ids[0].percent = 25
        with self.assertRaisesRegex(UserError, "add up to 95.0%, not 100%"):
            contract.action_contract_submit()
        self.assertEqual(contract.contract_state, "draft")

    def test_retention_needs_a_warranty_period(self):
        contract = self.make_contract(warranty_months=0)
        with self.assertRaisesRegex(UserError, "set the Warranty"):
            contract.action_contract_submit()

    def test_cannot_approve_own_contract(self):
        contract = self.make_contract(user=self.manager_a)
        contract.action_contract_submit()
        with self.assertRaisesRegex(UserError, "your own contract"):
            contract.with_user(self.manager_a).validate_tier()
        with self.assertRaisesRegex(UserError, "no pending approval of yours"):
            contract.with_user(self.director).validate_tier()  # not a reviewer of this tier
        self.assertEqual(contract.contract_state, "review")
        contract.with_user(self.reviewer).validate_tier()
        self.assertEqual(contract.contract_state, "approved")

    def test_no_decision_on_own_or_rejected_contracts(self):
        own = self.make_contract(user=self.manager_a)
        own.action_contract_submit()
        before = own.review_ids.mapped("status")
        with self.assertRaisesRegex(UserError, "your own contract"):
            own.with_user(self.manager_a).reject_tier()
        self.assertEqual(own.review_ids.mapped("status"), before)
        self.assertNotIn("rejected", before)
        other = new_test_user(
            self.env, login="t_reviewer2", groups="wsv_crm_customer.group_contract_reviewer"
        )
        contract = self.make_contract()
        contract.action_contract_submit()
        contract.with_user(self.reviewer).reject_tier()
        with self.assertRaisesRegex(UserError, "was rejected"):
            contract.with_user(other).validate_tier()
        self.assertEqual(contract.contract_state, "review")
        contract.action_contract_draft()
        self.assertEqual(contract.contract_state, "draft")

    def test_one_record_methods_refuse_several_with_a_message(self):
        # over XML-RPC a list of ids where one is expected: a translated fault, no traceback
        first, second = self.make_contract(), self.make_contract()
        (first | second).action_contract_submit()
        with self.assertRaisesRegex(UserError, "one record at a time; 2 were given"):
            (first | second).with_user(self.reviewer).validate_tier()
        self.assertEqual((first | second).mapped("contract_state"), ["review", "review"])
        with self.assertRaises(ValueError):  # still what Odoo's own callers catch
            (first | second).ensure_one()

    def test_signing_needs_the_required_documents(self):
        contract = self.make_contract(contract_type="framework")
        contract.action_contract_submit()
        contract.with_user(self.reviewer).validate_tier()
        self.attach(contract)
        with self.assertRaisesRegex(UserError, "Bid-winning Notice"):
            contract.action_contract_sign()
        self.assertEqual(contract.contract_state, "approved")
        self.assertEqual(contract.state, "draft")
        self.attach(contract, "bid_notice")
        self.attach(contract)  # a second original is version 2
        self.assertEqual(
            sorted(
                contract.document_ids.filtered(lambda d: d.doc_type == "signed_original").mapped(
                    "version"
                )
            ),
            [1, 2],
        )
        contract.action_contract_sign()
        self.assertEqual(contract.contract_state, "signed")

    def test_change_after_approval_goes_back_to_review(self):
        contract = self.make_contract()
        contract.action_contract_submit()
        contract.with_user(self.reviewer).validate_tier()
        contract.order_line.price_unit = 150
        self.assertEqual(contract.contract_state, "review")
        contract.with_user(self.reviewer).validate_tier()
        contract.warranty_months = 36
        self.assertEqual(contract.contract_state, "review")

    def test_signed_contract_amounts_are_frozen(self):
        contract = self.make_contract()
        contract.action_contract_submit()
        contract.with_user(self.reviewer).validate_tier()
        self.attach(contract)
        contract.action_contract_sign()
        with self.assertRaisesRegex(UserError, "is Signed"):
            contract.order_line.price_unit = 150
        with self.assertRaisesRegex(UserError, "is Signed"):
            contract.write({"order_line": [Command.create({"product_id": self.product.id})]})
        self.assertEqual(contract.order_line.price_unit, 200)

    def test_odoo_confirm_is_replaced_by_signing(self):
        contract = self.make_contract()
        with self.assertRaisesRegex(UserError, "sign it once approved"):
            contract.action_confirm()
        self.assertEqual(contract.state, "draft")


@tagged("post_install", "-at_install")
class TestContractReview(ContractCase):
    def test_passing_contract_is_approved_at_once(self):
        contract = self.make_contract(warranty_months=12)
        contract.action_contract_submit()
        self.assertEqual(contract.contract_state, "approved")
        self.assertEqual(contract.review_verdict, "pass")
        self.assertFalse(contract.review_ids)

    def test_failing_rule_routes_to_its_reviewers(self):
        contract = self.make_contract()
        contract.action_contract_submit()
        self.assertEqual((contract.contract_state, contract.review_verdict), ("review", "approval"))
        self.assertEqual(contract.review_failed_rule_ids, self.warranty_rule)
        self.assertIn(self.reviewer, contract.review_ids.reviewer_ids)
        result = contract.review_result_ids
        self.assertIn("24", result.message)
        to_review = (
            self.env["sale.order"]
            .with_user(self.reviewer)
            .search([("contract_state", "=", "review"), ("can_review", "=", True)])
        )
        self.assertIn(contract, to_review)
        # the salesperson (or an integrator) asks who must still approve
        [pending] = contract.with_user(self.sales_a1).wsv_pending_reviews()
        self.assertEqual(pending["res_id"], contract.id)
        self.assertEqual(pending["group"], self.warranty_rule.reviewer_group_id.name)
        self.assertIn(self.reviewer.login, [r["login"] for r in pending["reviewers"]])
        with self.assertRaises(AccessError):
            contract.with_user(self.sales_b1).wsv_pending_reviews()

    def test_tiers_are_named_in_the_company_language(self):
        rule = self.env.ref("wsv_contract.review_rule_warranty")
        lang = self.env.company.partner_id.lang
        self.assertEqual(rule.tier_definition_id.name, rule.with_context(lang=lang).name)
        self.assertEqual(rule.tier_definition_id.reviewer_group_id, rule.reviewer_group_id)

    def test_blocking_rule_lists_every_reason_and_changes_nothing(self):
        Rule = self.env["wsv.review.rule"]
        Rule.create(
            {"name": "毛利底线", "rule_type": "margin_floor", "min_percent": 60, "outcome": "block"}
        )
        Rule.create(
            {
                "name": "禁止海外客户",
                "rule_type": "domain",
                "outcome": "block",
                "domain": f"[('partner_id', '=', {self.customer.id})]",
                "message": "该客户暂停合作",
            }
        )
        contract = self.make_contract()
        # the salesperson who submits learns why, without the margin itself
        with self.assertRaisesRegex(
            UserError, "(?s)Gross margin under the rule's floor.*该客户暂停合作"
        ) as caught:
            contract.action_contract_submit()
        self.assertNotIn("40", str(caught.exception))
        self.assertEqual(contract.contract_state, "draft")
        self.assertFalse(contract.review_ids)

    def test_all_rule_types_in_one_pass(self):
        self.product.floor_price = 210
        self.product.lead_days = 60
        Rule = self.env["wsv.review.rule"]
        reviewers = self.env.ref("wsv_crm_customer.group_contract_reviewer").id
        for rule_type in (
            "price_floor",
            "max_discount",
            "margin_floor",
            "credit",
            "payment_terms",
            "lead_time",
        ):
            Rule.create({"name": rule_type, "rule_type": rule_type, "reviewer_group_id": reviewers})
        contract = self.make_contract()
        contract.order_line.discount = 30
        contract.action_contract_submit()
        failed = set(contract.review_failed_rule_ids.mapped("rule_type"))
        self.assertEqual(
            failed,
            {
                "price_floor",
                "max_discount",
                "margin_floor",
                "lead_time",
                "warranty",
                "payment_terms",
            },
        )


@tagged("post_install", "-at_install")
class TestContractMargin(ContractCase):
    def _signed(self):
        contract = self.make_contract(warranty_months=12)
        contract.action_contract_submit()
        self.attach(contract)
        contract.action_contract_sign()
        return contract

    def test_margin_at_signing_seen_only_by_cost_roles(self):
        contract = self._signed()
        as_director = contract.with_user(self.director)
        margin = contract.amount_untaxed - 100 * 120  # untaxed revenue less cost
        self.assertAlmostEqual(as_director.signed_margin, margin)
        self.assertAlmostEqual(
            as_director.signed_margin_percent, margin / contract.amount_untaxed, 2
        )
        self.assertAlmostEqual(as_director.order_line.margin, margin)
        self.product.standard_price = 190  # later costs do not change the signed margin
        self.assertAlmostEqual(as_director.signed_margin, margin)
        for field in ("margin", "signed_margin"):
            with self.assertRaises(AccessError):
                contract.with_user(self.sales_a1).read([field])
        with self.assertRaises(AccessError):
            contract.order_line.with_user(self.sales_a1).read(["purchase_price"])
        view = contract.with_user(self.sales_a1).get_views(
            [(self.env.ref("wsv_contract.sale_order_view_form_contract").id, "form")]
        )
        arch = view["views"]["form"]["arch"]
        self.assertNotIn('name="margin"', arch if isinstance(arch, str) else arch.decode())

    def test_signed_contract_counts_as_won_and_exempts_recycling(self):
        self.env["wsv.recycle.rule"].create(
            {"name": "30天", "no_followup_days": 30, "warn_days": 0}
        )
        self._signed()
        self.assertTrue(self.customer.last_won_date)
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = now() - interval '60 days', "
            "owner_date = now() - interval '60 days' WHERE id = %s",
            (self.customer.id,),
        )
        self.customer.invalidate_recordset()
        self.env["res.partner"]._cron_pool_recycle()
        self.assertEqual(self.customer.pool_state, "private")

    def test_signed_amount_feeds_grading(self):
        self.env["wsv.grade.rule"].search([]).unlink()
        self.env["wsv.grade.rule"].create({"grade": "B", "min_contract_amount": 15000})
        self._signed()
        self.customer._recompute_grade()
        self.assertEqual(self.customer.grade, "B")


@tagged("post_install", "-at_install")
class TestContractAccess(ContractCase):
    def test_who_sees_which_contract(self):
        own_a1 = self.make_contract()
        own_a2 = self.make_contract(user=self.sales_a2)
        own_b1 = self.make_contract(user=self.sales_b1)
        all_three = own_a1 | own_a2 | own_b1

        def visible(user):
            return self.env["sale.order"].with_user(user).search([("id", "in", all_three.ids)])

        self.assertEqual(visible(self.sales_a1), own_a1)
        self.assertEqual(visible(self.manager_a), own_a1 | own_a2)
        self.assertEqual(visible(self.director), all_three)
        self.assertFalse(visible(self.reviewer))  # drafts are not the reviewers' yet
        own_b1.with_user(self.sales_b1).action_contract_submit()
        self.assertEqual(visible(self.reviewer), own_b1)
        with self.assertRaises(AccessError):
            own_a2.with_user(self.sales_a1).read(["name"])
