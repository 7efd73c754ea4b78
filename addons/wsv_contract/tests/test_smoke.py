from odoo.tests import TransactionCase, tagged

from odoo.addons.wsv_crm_customer.tests.common import SmokeMixin

ROOT = ["wsv_contract.sale_order_menu_contract_root"]
CONTRACTS = ROOT + ["wsv_contract.sale_order_menu_contract"]
TO_REVIEW = ["wsv_contract.sale_order_menu_to_review"]
PRODUCTS = ["wsv_contract.product_template_menu"]
CONFIG = [
    "wsv_contract.wsv_contract_template_menu",
    "wsv_contract.wsv_contract_doc_requirement_menu",
    "wsv_contract.wsv_review_rule_menu",
]


@tagged("post_install", "-at_install")
class TestSmoke(SmokeMixin, TransactionCase):
    module = "wsv_contract"
    expected_menus = {
        "salesperson": CONTRACTS,
        "sales_manager": CONTRACTS + TO_REVIEW,
        "sales_director": CONTRACTS + TO_REVIEW + PRODUCTS + CONFIG,
        "finance": [],
        "product_manager": PRODUCTS,
        "contract_reviewer": ROOT + TO_REVIEW,
        "integration_admin": [],
    }
