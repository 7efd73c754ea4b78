from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.wsv_crm_customer.lib.credit_code import complete


@tagged("post_install", "-at_install")
class TestCreditCode(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # messages in English: without a lang they follow the user's language (see below)
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.Partner = cls.env["res.partner"]
        cls.code = complete("91320000MA1XWK701")

    def _company(self, code, **vals):
        return self.Partner.create(
            {"name": "江苏某电力设备有限公司", "is_company": True, "credit_code": code, **vals}
        )

    def test_valid_code_is_normalised(self):
        partner = self._company(" " + self.code.lower() + " ")
        self.assertEqual(partner.credit_code, self.code)
        self.assertFalse(partner.credit_code_review)

    def test_bad_check_character_refused(self):
        wrong = self.code[:17] + ("0" if self.code[17] != "0" else "1")
        with self.assertRaisesRegex(ValidationError, "check character"):
            self._company(wrong)
        self.assertFalse(self.Partner.search([("credit_code", "=", wrong)]))

    def test_message_follows_the_users_language_without_a_lang(self):
        # an XML-RPC call without a context: our message in the user's language, as Odoo's own
        self.env["res.lang"]._activate_lang("zh_CN")
        user = new_test_user(self.env, login="t_zh_user", groups="base.group_user", lang="zh_CN")
        wrong = self.code[:17] + ("0" if self.code[17] != "0" else "1")
        bare = self.env(user=user, context={}, su=True)["res.partner"]
        with self.assertRaisesRegex(ValidationError, "校验码"):
            bare.create(
                {"name": "江苏某电力设备有限公司", "is_company": True, "credit_code": wrong}
            )
        with self.assertRaisesRegex(ValidationError, "check character"):
            bare.with_context(lang="en_US").create(
                {"name": "江苏某电力设备有限公司", "is_company": True, "credit_code": wrong}
            )

    def test_bad_format_refused(self):
        with self.assertRaisesRegex(ValidationError, "18 characters"):
            self._company("91320000MA1XWSV0I")

    def test_legacy_import_flagged_not_refused(self):
        wrong = self.code[:17] + ("0" if self.code[17] != "0" else "1")
        partner = self.Partner.with_context(import_file=True).create(
            {"name": "早期试点客户", "is_company": True, "credit_code": wrong}
        )
        self.assertTrue(partner.credit_code_review)

    def test_unique_among_companies(self):
        self._company(self.code)
        with self.assertRaisesRegex(ValidationError, "already used"):
            self._company(self.code)
        # a contact person under a company may carry the company's code
        company = self.Partner.search([("credit_code", "=", self.code)])
        self.Partner.create({"name": "联系人", "parent_id": company.id, "credit_code": self.code})
