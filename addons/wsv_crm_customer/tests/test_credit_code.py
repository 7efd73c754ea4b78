from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.wsv_crm_customer.lib.credit_code import complete


@tagged("post_install", "-at_install")
class TestCreditCode(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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
