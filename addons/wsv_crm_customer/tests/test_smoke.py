from odoo.tests import TransactionCase, tagged

from .common import SmokeMixin

ALL_SALES = ["wsv_crm_customer.wsv_root_menu", "wsv_crm_customer.wsv_customer_menu"]
MY_CUSTOMERS = ["wsv_crm_customer.res_partner_menu_my_customers"]
CONFIG = ["wsv_crm_customer.wsv_configuration_menu"]
ROOT = ["wsv_crm_customer.wsv_root_menu"]


@tagged("post_install", "-at_install")
class TestSmoke(SmokeMixin, TransactionCase):
    module = "wsv_crm_customer"
    expected_menus = {
        "salesperson": ALL_SALES + MY_CUSTOMERS,
        "sales_manager": ALL_SALES + MY_CUSTOMERS,
        "sales_director": ALL_SALES
        + MY_CUSTOMERS
        + CONFIG
        + ["wsv_crm_customer.crm_team_menu_config"],
        # the other addons' menus make the app visible to these roles
        "finance": ROOT,
        "product_manager": ROOT + CONFIG,
        "contract_reviewer": [],
        "integration_admin": ROOT,
    }
