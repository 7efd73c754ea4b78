"""Test helpers shared by the WSV addons: one user per role, the simulators, and the
smoke check."""

import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user
from odoo.tools.safe_eval import safe_eval

from odoo.addons.wsv_crm_customer.models.res_partner import TRUSTED

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


REPO = pathlib.Path(__file__).resolve().parents[3]


def start_simulators(testcase):
    """Run the repository's simulators (python -m simulators) in a process of their own,
    on free ports, for the duration of ``testcase`` (a class); returns {name: url}."""
    ports = {}
    for name in ("qichacha", "sap", "nuonuo"):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            ports[name] = sock.getsockname()[1]
    env = dict(os.environ, **{f"WSV_{n.upper()}_PORT": str(p) for n, p in ports.items()})
    # SAP's orders in a file of this test class alone; SAP asks for the demo logon
    folder = tempfile.TemporaryDirectory()  # pylint: disable=consider-using-with
    testcase.addClassCleanup(folder.cleanup)
    env.update(
        WSV_SAP_DB=os.path.join(folder.name, "sap.sqlite"),
        WSV_SAP_AUTH="wsv-demo:wsv-demo-secret",
        WSV_SAP_FAULTS="{}",
        WSV_NUONUO_FAULTS="{}",
        # the tests' own pace: issuing and the buyer's confirmation take a tenth of a second
        WSV_NUONUO_ISSUE_DELAY="0.1",
        WSV_NUONUO_BUYER_DELAY="0.1",
    )
    process = subprocess.Popen(  # noqa: S603 - our own simulators, on loopback
        [sys.executable, "-m", "simulators"], cwd=REPO, env=env, stdout=subprocess.DEVNULL
    )
    testcase.addClassCleanup(process.wait, 10)
    testcase.addClassCleanup(process.terminate)
    deadline = time.monotonic() + 20
    for port in ports.values():
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the simulators did not start") from None
                time.sleep(0.1)
    return {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}


class CustomerCase(TransactionCase):
    """Two teams with a manager and salespeople each, a director, and helpers to make
    customers; no reliance on demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The tests read messages in English; without a lang they follow the user's language
        # (test users get the database's, Chinese on a database made as the product's).
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False, lang="en_US"))
        # limits and rules are set by each test that needs them
        cls.env["wsv.holding.limit"].search([]).unlink()
        cls.env["wsv.recycle.rule"].search([]).unlink()
        cls.env["ir.config_parameter"].set_param("wsv_crm_customer.pool_daily_claim_limit", 0)
        cls.env["ir.config_parameter"].set_param("wsv_crm_customer.pool_reclaim_lock_days", 0)
        user = lambda login, role: new_test_user(  # noqa: E731
            cls.env, login=login, name=login, groups=ROLES[role]
        )
        cls.director = user("t_director", "sales_director")
        cls.manager_a = user("t_manager_a", "sales_manager")
        cls.manager_b = user("t_manager_b", "sales_manager")
        cls.sales_a1 = user("t_sales_a1", "salesperson")
        cls.sales_a2 = user("t_sales_a2", "salesperson")
        cls.sales_b1 = user("t_sales_b1", "salesperson")
        cls.finance = user("t_finance", "finance")
        Team = cls.env["crm.team"]
        cls.team_a = Team.create(
            {
                "name": "国网测试部",
                "user_id": cls.manager_a.id,
                "member_ids": [Command.set((cls.manager_a | cls.sales_a1 | cls.sales_a2).ids)],
            }
        )
        cls.team_b = Team.create(
            {
                "name": "南网测试部",
                "user_id": cls.manager_b.id,
                "member_ids": [Command.set((cls.manager_b | cls.sales_b1).ids)],
            }
        )
        cls.serial = 0

    @classmethod
    def make_customer(cls, name=None, owner=None, **values):
        cls.serial += 1
        Partner = cls.env["res.partner"]
        return (
            Partner.with_context(wsv_skip_duplicate_check=TRUSTED)
            .create(
                {
                    "name": name or f"测试客户{cls.serial:04d}号电力设备有限公司",
                    "is_company": True,
                    "is_customer": True,
                    "user_id": owner.id if owner else False,
                    **values,
                }
            )
            .with_env(Partner.env)
        )


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
