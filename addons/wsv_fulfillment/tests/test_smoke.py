from odoo.tests import TransactionCase, tagged

from odoo.addons.wsv_crm_customer.tests.common import SmokeMixin

SALES = [
    "wsv_fulfillment.wsv_receivable_menu",
    "wsv_fulfillment.wsv_delivery_request_menu",
    "wsv_fulfillment.wsv_receivable_installment_menu",
    "wsv_fulfillment.wsv_collection_menu",
    "wsv_fulfillment.wsv_sales_target_menu",
    "wsv_fulfillment.wsv_fulfillment_report_menu",
    "wsv_fulfillment.wsv_receivable_aging_menu",
    "wsv_fulfillment.sale_order_signings_menu",
    "wsv_fulfillment.wsv_delivery_analysis_menu",
    "wsv_fulfillment.wsv_collection_analysis_menu",
]
FINANCE = [m for m in SALES if m != "wsv_fulfillment.sale_order_signings_menu"] + [
    "wsv_fulfillment.account_payment_menu_collections",
]


@tagged("post_install", "-at_install")
class TestSmoke(SmokeMixin, TransactionCase):
    module = "wsv_fulfillment"
    expected_menus = {
        "salesperson": SALES,
        "sales_manager": SALES,
        "sales_director": SALES,
        "finance": FINANCE,
        "product_manager": [],
        "contract_reviewer": [],
        "integration_admin": [],
    }
