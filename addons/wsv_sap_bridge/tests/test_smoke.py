from odoo.tests import TransactionCase, tagged

from odoo.addons.wsv_crm_customer.tests.common import SmokeMixin

INTEGRATION = [
    "wsv_sap_bridge.wsv_integration_menu",
    "wsv_sap_bridge.sap_backend_menu",
    "wsv_sap_bridge.sap_sending_menu",
    "wsv_sap_bridge.queue_job_menu",
]


@tagged("post_install", "-at_install")
class TestSmoke(SmokeMixin, TransactionCase):
    module = "wsv_sap_bridge"
    expected_menus = {
        "salesperson": [],
        "sales_manager": [],
        "sales_director": [],
        "finance": [],
        "product_manager": [],
        "contract_reviewer": [],
        "integration_admin": INTEGRATION,
    }
