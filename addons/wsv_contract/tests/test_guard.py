"""The walk-arounds found over XML-RPC, as regression tests through the ORM as the user
(tests/integration/test_access_table.py asserts the same door over XML-RPC)."""

import base64

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.wsv_crm_customer.tests.common import new_test_user

from .test_contract import ContractCase

PDF = base64.b64encode(b"%PDF-1.4 contract")


@tagged("post_install", "-at_install")
class TestGuard(ContractCase):
    def approved(self):
        contract = self.make_contract()
        contract.with_user(self.sales_a1).action_contract_submit()
        contract.with_user(self.reviewer).validate_tier()
        self.assertEqual(contract.contract_state, "approved")
        return contract

    def signed(self):
        contract = self.approved()
        self.attach(contract)
        contract.with_user(self.sales_a1).action_contract_sign()
        return contract

    def test_states_move_only_through_their_actions(self):
        contract = self.make_contract().with_user(self.sales_a1)
        with self.assertRaisesRegex(UserError, "Contract Status.*buttons"):
            contract.write({"contract_state": "approved"})
        self.assertEqual(contract.contract_state, "draft")
        with self.assertRaisesRegex(UserError, "Contract Status"):
            contract.with_context(default_contract_state="signed").copy()
        signed = self.signed().with_user(self.sales_a1)
        with self.assertRaisesRegex(UserError, "Contract Status"):
            signed.write({"contract_state": "draft"})
        # Odoo's own Cancel and Reset are the contract's state too
        with self.assertRaisesRegex(UserError, "Status"):
            signed.action_cancel()
        signed.action_draft()  # Odoo resets only cancelled or sent quotations: nothing moves
        self.assertEqual(signed.contract_state, "signed")
        self.assertEqual(signed.state, "sale")

    def test_derived_facts_are_not_users(self):
        contract = self.make_contract().with_user(self.sales_a1)
        for field, value in (
            ("contract_number", "HT-FAKE"),
            ("review_verdict", "pass"),
            ("signed_margin", 1.0),
        ):
            with self.assertRaisesRegex(UserError, "set by the system"):
                contract.write({field: value})
        self.assertNotEqual(contract.contract_number, "HT-FAKE")

    def test_approvals_only_through_approve_and_reject(self):
        contract = self.make_contract().with_user(self.sales_a1)
        with self.assertRaises(UserError):
            contract.request_validation()
        contract.action_contract_submit()
        review = contract.review_ids
        self.assertTrue(review)
        with self.assertRaisesRegex(UserError, "Approve and Reject"):
            review.with_user(self.sales_a1).write({"status": "approved"})
        with self.assertRaisesRegex(UserError, "Approve and Reject"):
            review.with_user(self.sales_a1).unlink()
        with self.assertRaises(UserError):
            contract.restart_validation()
        # a reviewer's approval answers something XML-RPC can carry
        self.assertIs(contract.with_user(self.reviewer).validate_tier(), True)

    def test_terms_that_move_money_restart_the_review(self):
        partner = self.env["res.partner"].create(
            {"name": "渠道伙伴", "partner_kind": "channel", "revenue_share": 5}
        )
        changes = [
            {"revenue_share": 8},
            {"channel_partner_id": partner.id},
            {"signing_date": fields.Date.to_date("2026-01-05")},
            {"clauses": "<p>付款方式变更</p>"},
        ]
        for vals in changes:
            contract = self.approved().with_user(self.sales_a1)
            contract.write(vals)
            self.assertEqual(contract.contract_state, "review", vals)
        # a milestone edited directly is a term as well
        contract = self.approved()
        contract.milestone_ids[0].with_user(self.sales_a1).days = 10
        self.assertEqual(contract.contract_state, "review")
        # under review the approvers decide on what they see: nothing moves
        with self.assertRaisesRegex(UserError, "Under Review"):
            contract.with_user(self.sales_a1).write({"revenue_share": 3})
        with self.assertRaises(UserError):
            contract.milestone_ids[0].with_user(self.sales_a1).days = 20
        # references move no money
        contract.with_user(self.sales_a1).customer_contract_ref = "GW-2026-001"

    def test_signed_terms_are_frozen(self):
        contract = self.signed().with_user(self.sales_a1)
        for vals in (
            {"revenue_share": 8},
            {"clauses": "<p>x</p>"},
            {"signing_date": "2026-01-01"},
            {"note": "<p>新条款</p>"},
        ):
            with self.assertRaises(UserError):
                contract.write(vals)
        with self.assertRaises(UserError):
            contract.milestone_ids[0].percent = 40
        with self.assertRaises(UserError):
            contract.milestone_ids[0].unlink()
        with self.assertRaises(UserError):
            contract.order_line.price_unit = 1
        with self.assertRaises(UserError):
            self.env["wsv.contract.milestone"].with_user(self.sales_a1).create(
                {"order_id": contract.id, "trigger": "signing", "percent": 1}
            )
        # a director corrects the signing date
        contract.with_user(self.director).signing_date = "2026-01-01"

    def test_cancel_draft_and_sign_again(self):
        contract = self.signed().with_user(self.sales_a1)
        contract.action_contract_cancel()
        self.assertEqual(contract.contract_state, "cancel")
        contract.action_contract_draft()
        self.assertEqual((contract.contract_state, contract.state), ("draft", "draft"))
        self.assertFalse(contract.review_ids)
        contract.action_contract_submit()
        contract.with_user(self.reviewer).validate_tier()
        contract.action_contract_sign()
        self.assertEqual(contract.contract_state, "signed")

    def test_customer_facts_and_grade(self):
        customer = self.customer.with_user(self.sales_a1)
        with self.assertRaises(UserError):
            customer.write({"grade": "A"})
        with self.assertRaisesRegex(UserError, "set by the system"):
            customer.write({"owner_date": "2099-01-01 00:00:00"})
        with self.assertRaises(UserError):
            customer.write({"grade_manual": "A", "grade_manual_reason": "战略"})
        self.assertNotEqual(customer.grade, "A")
        # the override, with its reason, is the manager's
        self.customer.with_user(self.manager_a).write(
            {"grade_manual": "A", "grade_manual_reason": "省公司战略合作协议"}
        )
        self.assertEqual(self.customer.grade, "A")
        customer.write({"region": "east", "customer_type": "grid"})

    def test_other_salesperson_reads_nothing_of_the_contract(self):
        contract = self.approved()
        Document = self.env["wsv.contract.document"]
        Document.create({"order_id": contract.id, "doc_type": "other", "file": PDF})
        for model in ("wsv.contract.milestone", "wsv.review.result", "wsv.contract.document"):
            records = self.env[model].search([("order_id", "=", contract.id)])
            self.assertTrue(records, model)
            self.assertFalse(
                self.env[model].with_user(self.sales_a2).search([("id", "in", records.ids)]),
                model,
            )
            with self.assertRaises(AccessError):
                records.with_user(self.sales_a2).read(["order_id"])
            # the contract's owner and the team's manager read them
            records.with_user(self.sales_a1).read(["order_id"])
            records.with_user(self.manager_a).read(["order_id"])
        with self.assertRaises(AccessError):
            self.env["wsv.registry.backend"].with_user(self.sales_a1).search([])

    def test_review_figures_only_for_cost_roles(self):
        self.env["wsv.review.rule"].create(
            {
                "name": "毛利低于50%",
                "rule_type": "margin_floor",
                "min_percent": 50,
                "reviewer_group_id": self.env.ref("wsv_crm_customer.group_contract_reviewer").id,
            }
        )
        contract = self.make_contract()
        contract.with_user(self.sales_a1).action_contract_submit()
        result = contract.review_result_ids.filtered(
            lambda r: r.rule_id.rule_type == "margin_floor"
        )
        self.assertNotIn("40", result.with_user(self.sales_a1).message)
        self.assertIn("40", result.with_user(self.reviewer).detail)
        with self.assertRaises(AccessError):
            result.with_user(self.sales_a1).read(["detail"])
        # nor summed up in the sales analysis
        Report = self.env["sale.report"]
        with self.assertRaises(AccessError):
            Report.with_user(self.sales_a1).read_group([], ["margin:sum"], [])
        self.assertTrue(Report.with_user(self.director).read_group([], ["margin:sum"], []))

    def test_documents_are_kept_once_signed(self):
        contract = self.signed()
        document = contract.document_ids[:1].with_user(self.sales_a1)
        with self.assertRaises(UserError):
            document.write({"file": base64.b64encode(b"%PDF-1.4 another")})
        with self.assertRaises(UserError):
            document.write({"version": 9})
        # a new version is filed
        self.env["wsv.contract.document"].with_user(self.sales_a1).create(
            {"order_id": contract.id, "doc_type": "signed_original", "file": PDF}
        )
        self.assertEqual(len(contract.document_ids), 2)

    def test_lines_of_a_contract_under_review_are_frozen(self):
        contract = self.make_contract()
        contract.with_user(self.sales_a1).action_contract_submit()
        self.assertEqual(contract.contract_state, "review")
        with self.assertRaises(UserError):
            contract.order_line.with_user(self.sales_a1).product_uom_qty = 1
        with self.assertRaises(UserError):
            contract.with_user(self.sales_a1).write(
                {"order_line": [Command.create({"product_id": self.product.id})]}
            )

    def test_walk_arounds_found_in_review(self):
        signed = self.signed()
        draft = self.make_contract()
        # a line of a draft contract moved into a signed one
        with self.assertRaises(UserError):
            draft.order_line.with_user(self.sales_a1).write({"order_id": signed.id})
        self.assertEqual(len(signed.order_line), 1)
        # False on a many2many clears it: no "unchanged" value
        with self.assertRaises(UserError):
            signed.order_line.with_user(self.sales_a1).write({"tax_id": False})
        with self.assertRaises(UserError):
            signed.with_user(self.sales_a1).write({"review_failed_rule_ids": False})
        # a review of a contract forged through a context default
        definition = self.env["tier.definition"].search([("model", "=", "sale.order")], limit=1)
        with self.assertRaisesRegex(UserError, "Approve and Reject"):
            self.env["tier.review"].with_user(self.sales_a1).with_context(
                default_model="sale.order"
            ).create({"res_id": draft.id, "status": "approved", "definition_id": definition.id})
        # a signed document compared as its size
        document = signed.document_ids[:1].with_user(self.sales_a1).with_context(bin_size=True)
        with self.assertRaises(UserError):
            document.write({"file": document.file})
        # a reviewer who is a salesperson changes no terms of another's approved contract
        reviewer = new_test_user(
            self.env,
            login="t_reviewer_sales",
            groups="wsv_crm_customer.group_contract_reviewer,wsv_crm_customer.group_salesperson",
        )
        approved = self.approved()
        with self.assertRaises(UserError):
            approved.with_user(reviewer).write({"warranty_months": 0})
        self.assertEqual(approved.contract_state, "approved")
        # the legacy-code flag of base_import is a director's
        wrong = "91320000134766570" + "X"
        with self.assertRaises(ValidationError):
            self.env["res.partner"].with_user(self.sales_a1).with_context(import_file=True).create(
                {"name": "早期试点客户甲", "is_company": True, "credit_code": wrong}
            )
