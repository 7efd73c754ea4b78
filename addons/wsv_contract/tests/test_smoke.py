from odoo.tests import TransactionCase, tagged

from odoo.addons.wsv_crm_customer.tests.common import SmokeMixin

CONTRACTS = ["wsv_contract.sale_order_menu_contract_root", "wsv_contract.sale_order_menu_contract"]
PRODUCTS = ["wsv_contract.product_template_menu"]


@tagged("post_install", "-at_install")
class TestSmoke(SmokeMixin, TransactionCase):
    module = "wsv_contract"
    expected_menus = {
        "salesperson": CONTRACTS,
        "sales_manager": CONTRACTS,
        "sales_director": CONTRACTS + PRODUCTS,
        "finance": [],
        "product_manager": PRODUCTS,
        "contract_reviewer": [],
        "integration_admin": [],
    }
