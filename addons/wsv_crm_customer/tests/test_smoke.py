from odoo.tests import TransactionCase, tagged

from .common import SmokeMixin

SALES = [
    "wsv_crm_customer.wsv_root_menu",
    "wsv_crm_customer.wsv_customer_menu",
    "wsv_crm_customer.res_partner_menu_my_customers",
    "wsv_crm_customer.res_partner_menu_pool",
    "wsv_crm_customer.wsv_pool_move_menu",
]
ALL_CUSTOMERS = ["wsv_crm_customer.res_partner_menu_customers"]
CONFIG = ["wsv_crm_customer.wsv_configuration_menu"]
DIRECTOR_CONFIG = CONFIG + [
    "wsv_crm_customer.crm_team_menu_config",
    "wsv_crm_customer.wsv_grade_rule_menu",
    "wsv_crm_customer.wsv_holding_limit_menu",
    "wsv_crm_customer.wsv_recycle_rule_menu",
]
REGISTRY = CONFIG + [
    "wsv_crm_customer.wsv_registry_backend_menu",
    "wsv_crm_customer.wsv_registry_call_menu",
]
ROOT = ["wsv_crm_customer.wsv_root_menu"]


@tagged("post_install", "-at_install")
class TestSmoke(SmokeMixin, TransactionCase):
    module = "wsv_crm_customer"
    expected_menus = {
        "salesperson": SALES,
        "sales_manager": SALES + ALL_CUSTOMERS,
        "sales_director": SALES + ALL_CUSTOMERS + DIRECTOR_CONFIG,
        # the other addons' menus make the app visible to these roles
        "finance": ROOT + ["wsv_crm_customer.wsv_customer_menu"] + ALL_CUSTOMERS,
        "product_manager": ROOT + CONFIG,
        "contract_reviewer": ROOT,
        "integration_admin": ROOT + REGISTRY,
    }
