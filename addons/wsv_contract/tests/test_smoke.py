from odoo.tests import TransactionCase, tagged

from odoo.addons.wsv_crm_customer.tests.common import SmokeMixin

ROOT = ["wsv_contract.sale_order_menu_contract_root"]
CONTRACTS = ROOT + ["wsv_contract.sale_order_menu_contract"]
TO_REVIEW = ["wsv_contract.sale_order_menu_to_review"]
PRODUCTS = ["wsv_contract.product_template_menu"]
REQUIREMENTS = ["wsv_contract.wsv_requirement_menu"]
CODE_RULES = ["wsv_contract.wsv_material_code_rule_menu"]
CONFIG = [
    "wsv_contract.wsv_contract_template_menu",
    "wsv_contract.wsv_contract_doc_requirement_menu",
    "wsv_contract.wsv_review_rule_menu",
]


@tagged("post_install", "-at_install")
class TestSmoke(SmokeMixin, TransactionCase):
    module = "wsv_contract"
    expected_menus = {
        "salesperson": CONTRACTS + REQUIREMENTS,
        "sales_manager": CONTRACTS + TO_REVIEW + REQUIREMENTS,
        "sales_director": CONTRACTS + TO_REVIEW + PRODUCTS + CONFIG + REQUIREMENTS + CODE_RULES,
        "finance": [],
        "product_manager": ROOT + REQUIREMENTS + PRODUCTS + CODE_RULES,
        "contract_reviewer": ROOT + TO_REVIEW,
        "integration_admin": [],
    }
