from odoo.tests import TransactionCase, tagged

from odoo.addons.wsv_crm_customer.tests.common import SmokeMixin

RECEIVABLES = [
    "wsv_fulfillment.wsv_receivable_menu",
    "wsv_fulfillment.account_payment_menu_collections",
]


@tagged("post_install", "-at_install")
class TestSmoke(SmokeMixin, TransactionCase):
    module = "wsv_fulfillment"
    expected_menus = {
        "salesperson": [],
        "sales_manager": [],
        "sales_director": [],
        "finance": RECEIVABLES,
        "product_manager": [],
        "contract_reviewer": [],
        "integration_admin": [],
    }
