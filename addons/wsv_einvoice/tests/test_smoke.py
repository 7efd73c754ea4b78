from odoo.tests import TransactionCase, tagged

from odoo.addons.wsv_crm_customer.tests.common import SmokeMixin

INVOICING = ["wsv_einvoice.wsv_invoice_menu", "wsv_einvoice.account_move_menu_out_invoice"]


@tagged("post_install", "-at_install")
class TestSmoke(SmokeMixin, TransactionCase):
    module = "wsv_einvoice"
    expected_menus = {
        "salesperson": [],
        "sales_manager": [],
        "sales_director": [],
        "finance": INVOICING,
        "product_manager": [],
        "contract_reviewer": [],
        "integration_admin": [],
    }
