from odoo.tests import HttpCase, tagged
from odoo.tests.common import _find_executable

from .common import make_role_users

CLICKBOT = (
    "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
    ".startClickEverywhere('wsv_crm_customer.wsv_root_menu');"
)


@tagged("post_install", "-at_install")
class TestWebClient(HttpCase):
    """The 客户与合同 app in a real browser, as each role: every menu, every view."""

    allow_end_on_form = True

    def test_click_everywhere_per_role(self):
        # A missing browser must fail this test, never skip it.
        self.assertTrue(_find_executable(), "Chromium is needed for the web-client test")
        root = self.env.ref("wsv_crm_customer.wsv_root_menu")
        clicked = []
        for role, user in make_role_users(self.env, prefix="web").items():
            if root.id not in self.env["ir.ui.menu"].with_user(user).load_menus(False):
                continue
            with self.subTest(role=role):
                self.browser_js(
                    "/odoo",
                    CLICKBOT,
                    "odoo.isReady === true",
                    login=user.login,
                    timeout=600,
                    success_signal="clickbot test succeeded",
                )
                clicked.append(role)
        # every role with work in the app has seen it
        self.assertIn("salesperson", clicked)
        self.assertIn("finance", clicked)
        self.assertIn("integration_admin", clicked)
