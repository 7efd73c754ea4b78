from odoo.tests import TransactionCase, tagged

from odoo.addons.wsv_crm_customer.tests.common import SmokeMixin

INVOICING = [
    "wsv_einvoice.wsv_invoice_menu",
    "wsv_einvoice.wsv_invoice_application_menu",
    "wsv_einvoice.account_move_menu_out_invoice",
    "wsv_einvoice.wsv_einvoice_moves_menu",
    "wsv_einvoice.wsv_einvoice_statistics_menu",
    "wsv_einvoice.wsv_einvoice_backend_menu",
]
SALES = ["wsv_einvoice.wsv_invoice_menu", "wsv_einvoice.wsv_invoice_application_menu"]


@tagged("post_install", "-at_install")
class TestSmoke(SmokeMixin, TransactionCase):
    module = "wsv_einvoice"
    expected_menus = {
        "salesperson": SALES,
        "sales_manager": SALES,
        "sales_director": SALES,
        "finance": INVOICING,
        "product_manager": [],
        "contract_reviewer": [],
        "integration_admin": [
            "wsv_einvoice.wsv_invoice_menu",
            "wsv_einvoice.wsv_einvoice_backend_menu",
        ],
    }
