"""Tax classification codes (税收分类编码): on the product category, overridden by a product."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.wsv_crm_customer.models.i18n import lang_env

from ..lib import invoice


def check_codes(records):
    for record in records.filtered("tax_classification_code"):
        try:
            invoice.check_tax_code(record.tax_classification_code)
        except invoice.RuleError:
            raise ValidationError(
                lang_env(records.env)._(
                    "Tax Classification Code: %(code)s of %(name)s is not 19 digits.",
                    code=record.tax_classification_code,
                    name=record.display_name,
                )
            ) from None


class ProductCategory(models.Model):
    _inherit = "product.category"

    tax_classification_code = fields.Char(
        size=19, help="税收分类编码: 19 digits, for the products of this category."
    )

    @api.constrains("tax_classification_code")
    def _check_tax_classification_code(self):
        check_codes(self)


class ProductTemplate(models.Model):
    _inherit = "product.template"

    tax_classification_code = fields.Char(
        size=19, help="税收分类编码: 19 digits. Empty: the category's."
    )

    @api.constrains("tax_classification_code")
    def _check_tax_classification_code(self):
        check_codes(self)

    def _wsv_tax_code(self):
        """The code the invoice carries: the product's, else its category's (nearest first)."""
        self.ensure_one()
        if self.tax_classification_code:
            return self.tax_classification_code
        category = self.categ_id
        while category:
            if category.tax_classification_code:
                return category.tax_classification_code
            category = category.parent_id
        return False
