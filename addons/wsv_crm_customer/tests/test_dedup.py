from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CustomerCase


@tagged("post_install", "-at_install")
class TestDuplicateCheck(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.existing = cls.make_customer(
            "江苏苏华电力设备有限公司",
            owner=cls.sales_a1,
            credit_code="91320000MA1XWK7011",
            phone="025-85923456",
            email="Info@SuHua-Power.cn",
        )
        cls.Partner = cls.env["res.partner"].with_user(cls.sales_a1)

    def _create(self, name, **values):
        return self.Partner.create(
            {"name": name, "is_company": True, "is_customer": True, **values}
        )

    def test_same_credit_code_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "already used by another customer"):
            self._create("完全不同的名字", credit_code="91320000 ma1xwk7011")
        self.assertEqual(
            self.env["res.partner"].search_count([("credit_code", "=", "91320000MA1XWK7011")]), 1
        )

    def test_fuzzy_name_needs_a_reason(self):
        for name in ("苏华电力设备（集团）股份有限公司", "江苏省苏华电力设备有限责任公司"):
            with self.assertRaisesRegex(ValidationError, "Duplicate Reason"):
                self._create(name)
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", "江苏省苏华电力设备有限责任公司")])
        )
        kept = self._create(
            "江苏省苏华电力设备有限责任公司", duplicate_reason="同名不同主体：省公司与集团分开签约"
        )
        self.assertIn("同名不同主体", kept.message_ids[0].body)
        self.assertIn(self.existing, kept.duplicate_candidate_ids)

    def test_phone_and_email_match_exactly_after_normalisation(self):
        with self.assertRaisesRegex(ValidationError, "Duplicate Reason"):
            self._create("南京某某水务有限公司", phone="+86 25 8592 3456")
        with self.assertRaisesRegex(ValidationError, "Duplicate Reason"):
            self._create("南京另一水务有限公司", email=" info@suhua-power.cn ")
        self._create("南京第三水务有限公司", phone="025-85920000")

    def test_edit_is_checked_too(self):
        other = self.make_customer("浙江华立计量有限公司", owner=self.sales_a1)
        with self.assertRaisesRegex(ValidationError, "Duplicate Reason"):
            other.with_user(self.sales_a1).write({"name": "苏华电力设备有限公司"})
        self.assertEqual(other.name, "浙江华立计量有限公司")

    def test_keys_and_threshold_are_configurable(self):
        params = self.env["ir.config_parameter"]
        params.set_param("wsv_crm_customer.dedup_keys", "credit_code,phone,email")
        self._create("苏华电力设备（集团）股份有限公司")  # names no longer compared
        params.set_param("wsv_crm_customer.dedup_keys", "name")
        params.set_param("wsv_crm_customer.dedup_threshold", 0.95)
        self._create("江苏苏华电力设备工程有限公司")  # alike, but under 0.95

    def test_explicit_check_and_form_banner(self):
        found = self.Partner.wsv_duplicate_check(
            {"name": "苏华电力设备股份有限公司", "phone": "02585923456"}
        )
        self.assertEqual(found[0]["id"], self.existing.id)
        self.assertEqual(sorted(found[0]["match"]), ["name", "phone"])
        self.assertGreater(found[0]["similarity"], 0.5)
        with Form(
            self.Partner.with_context(default_is_customer=True, default_is_company=True)
        ) as form:
            form.name = "苏华电力设备股份有限公司"
            self.assertIn(self.existing, form.duplicate_candidate_ids)
            form.duplicate_reason = "客户确认为新设子公司"

    def test_import_rows_need_a_reason_column(self):
        result = self.Partner.with_context(import_file=True).load(
            ["name", "is_company", "is_customer"], [["苏华电力设备（南京）有限公司", "1", "1"]]
        )
        self.assertTrue(result["messages"])
        self.assertIn("Duplicate Reason", result["messages"][0]["message"])
        result = self.Partner.with_context(import_file=True).load(
            ["name", "is_company", "is_customer", "duplicate_reason"],
            [["苏华电力设备（南京）有限公司", "1", "1", "历史数据导入"]],
        )
        self.assertFalse(result["messages"])

    def test_merge_goes_through_odoo_merge_wizard(self):
        code = "91320000MA1XWK801N"
        old = self.make_customer("华东智能表计有限公司", owner=self.sales_a1, credit_code=code)
        twin = self._create("华东智能表计股份有限公司", duplicate_reason="待合并")
        self.env["crm.lead"].create(
            {"name": "二期表计", "type": "opportunity", "partner_id": old.id}
        )
        action = twin.action_merge_duplicates()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager_a)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(set(wizard.partner_ids.ids), {twin.id, old.id})
        wizard.dst_partner_id = old  # keep the owned one: the code and the history move over
        wizard.action_merge()
        self.assertFalse(twin.exists())
        self.assertEqual(old.credit_code, code)
        self.assertEqual(old.opportunity_count, 1)

    def test_invisible_duplicates_count_but_stay_unnamed(self):
        hidden = self.make_customer("广东粤能计量技术有限公司", owner=self.sales_b1)
        with self.assertRaisesRegex(ValidationError, "1 owned by other salespeople") as error:
            self._create("粤能计量技术有限公司")
        self.assertNotIn(hidden.name, str(error.exception))
