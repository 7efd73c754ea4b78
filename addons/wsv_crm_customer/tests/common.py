"""Test helpers shared by the WSV addons: one user per role, and the smoke check."""

from odoo.tests import new_test_user
from odoo.tools.safe_eval import safe_eval

# role -> the groups a user of that role gets (the least the role needs)
ROLES = {
    "salesperson": "wsv_crm_customer.group_salesperson",
    "sales_manager": "wsv_crm_customer.group_sales_manager",
    "sales_director": "wsv_crm_customer.group_sales_director",
    "finance": "wsv_crm_customer.group_finance",
    "product_manager": "wsv_crm_customer.group_product_manager",
    "contract_reviewer": "wsv_crm_customer.group_contract_reviewer",
    "integration_admin": "wsv_crm_customer.group_integration_admin",
}


def make_role_users(env, prefix="role"):
    """One user per role, in Chinese like the real users."""
    return {
        role: new_test_user(
            env,
            login=f"{prefix}_{role}",
            name=f"{prefix} {role}",
            groups=groups,
            lang="zh_CN" if env["res.lang"]._lang_get("zh_CN") else "en_US",
        )
        for role, groups in ROLES.items()
    }


class SmokeMixin:
    """Mixed into a TransactionCase: the addon's menus and actions load for each role.

    ``expected_menus`` maps each role to the xml ids of this addon's menus the role
    must see; every other menu of the addon must stay hidden from it. For every menu
    a role sees, its action loads and, for window actions, every view of the action
    renders for that user (get_views) and its first page of records reads.
    """

    module = None
    expected_menus = {}
    # Odoo's loader only runs test methods defined on the class itself unless told so
    allow_inherited_tests_method = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.role_users = make_role_users(cls.env, prefix=f"smoke_{cls.module}")

    def _module_menus(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", self.module), ("model", "=", "ir.ui.menu")]
        )
        return {f"{d.module}.{d.name}": d.res_id for d in data}

    def test_module_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", self.module)])
        self.assertEqual(module.state, "installed")

    def test_menus_and_actions_per_role(self):
        menus = self._module_menus()
        self.assertTrue(menus, f"{self.module} defines no menu")
        self.assertEqual(set(self.expected_menus), set(ROLES), "expected menus for every role")
        for role, user in self.role_users.items():
            with self.subTest(role=role):
                loaded = self.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
                visible = {xmlid for xmlid, menu_id in menus.items() if menu_id in loaded}
                self.assertEqual(visible, set(self.expected_menus[role]))
                for xmlid in visible:
                    self._check_menu_action(user, self.env.ref(xmlid))

    def _check_menu_action(self, user, menu):
        action = menu.action
        if not action:
            return
        if action._name != "ir.actions.act_window":
            return
        # as the web client loads it (/web/action/load), in the user's context
        data = action.with_user(user).sudo()._get_action_dict()
        model = self.env[data["res_model"]].with_user(user)
        modes = [m for m in data["view_mode"].split(",") if m]
        views = [(False, m) for m in modes] + [(False, "search")]
        result = model.get_views(views, {"load_filters": True, "toolbar": True})
        self.assertEqual(set(result["views"]), set(modes) | {"search"})
        context = {"uid": user.id, "active_id": False, "active_ids": []}
        domain = safe_eval(data["domain"] or "[]", context)
        model.web_search_read(domain, {"display_name": {}}, limit=80)
