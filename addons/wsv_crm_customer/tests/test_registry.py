from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import config

from .common import CustomerCase, start_simulators

SECRETS = {"key": "wsv-demo-key", "secret": "wsv-demo-secret"}


@tagged("post_install", "-at_install")
class TestRegistry(CustomerCase):
    """Enrichment against the Qichacha simulator, over a real socket."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        urls = start_simulators(cls)
        cls.backend = cls.env["wsv.registry.backend"]._get_backend()
        cls.backend.write({"url": urls["qichacha"], "timeout": 5, "rate_limit": 0})
        # key and secret come from the server configuration
        patcher = patch.dict(config.misc, {"wsv_qichacha": dict(SECRETS)})
        patcher.start()
        cls.addClassCleanup(patcher.stop)

    def _free(self, code):
        """The demo data may hold the simulator's companies already."""
        self.env["res.partner"].with_context(active_test=False).search(
            [("credit_code", "=", code)]
        ).write({"credit_code": False})

    def test_lookup_by_name_fills_registry_fields(self):
        self._free("91320000134766570R")
        customer = self.make_customer("国网江苏省电力有限公司", owner=self.sales_a1)
        outcome = customer.with_user(self.sales_a1).wsv_registry_enrich()
        self.assertEqual(outcome, [{"id": customer.id, "error": False}])
        self.assertEqual(customer.credit_code, "91320000134766570R")
        self.assertEqual(customer.registry_status, "存续")
        self.assertTrue(customer.legal_representative)
        self.assertTrue(customer.registered_capital)
        self.assertTrue(customer.business_scope)
        self.assertTrue(customer.founding_date)
        self.assertTrue(customer.street)  # the registry fills an empty address
        call = self.env["wsv.registry.call"].search([("partner_id", "=", customer.id)])
        self.assertEqual((call.status, call.create_uid), ("200", self.sales_a1))
        self.assertIn("国网江苏", call.payload)

    def test_lookup_by_credit_code_keeps_our_address(self):
        self._free("91440000673146592W")
        customer = self.make_customer(
            "广东电网", credit_code="91440000673146592W", street="我们的地址"
        )
        customer.wsv_registry_enrich()
        self.assertEqual(customer.registry_name, "广东电网有限责任公司")
        self.assertEqual(customer.street, "我们的地址")

    def test_code_of_another_customer_is_reported_not_copied(self):
        self._free("91530000216520834Q")
        self.make_customer("云南电网公司（旧档案）", credit_code="91530000216520834Q")
        customer = self.make_customer("云南电网有限责任公司")
        outcome = customer.wsv_registry_enrich()
        self.assertIn("already used by another customer", outcome[0]["error"])
        self.assertFalse(customer.credit_code)
        self.assertTrue(customer.registry_date)

    def test_not_found_is_reported_and_logged(self):
        customer = self.make_customer("查无此公司测试有限公司")
        action = customer.action_registry_enrich()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("no company found", action["params"]["message"])
        self.assertFalse(customer.registry_date)
        self.assertEqual(
            self.env["wsv.registry.call"].search([("partner_id", "=", customer.id)]).status, "201"
        )

    def test_wrong_secret_is_an_auth_error(self):
        customer = self.make_customer("广西电网有限责任公司")
        with patch.dict(config.misc, {"wsv_qichacha": {**SECRETS, "secret": "wrong"}}):
            outcome = customer.wsv_registry_enrich()
        self.assertIn("refused our key or signature", outcome[0]["error"])

    def test_timeout(self):
        customer = self.make_customer("SLOW-TIMEOUT-TEST")
        self.backend.timeout = 0.5
        outcome = customer.wsv_registry_enrich()
        self.assertIn("no answer within 0.5 seconds", outcome[0]["error"])
        self.assertEqual(
            self.env["wsv.registry.call"].search([("partner_id", "=", customer.id)]).status,
            "timeout",
        )

    def test_our_rate_limit_holds_calls_back(self):
        self.backend.rate_limit = 2
        # the calls of the tests before, kept by the log's own cursor, are not this minute's
        self.env["wsv.registry.call"].sudo().search([("backend_id", "=", self.backend.id)]).unlink()
        for code in ("91530000216520834Q", "91440300192241158P", "91310000631696382C"):
            self._free(code)
        customers = [
            self.make_customer(n)
            for n in ("云南电网有限责任公司", "深圳供电局有限公司", "宝山钢铁股份有限公司")
        ]
        outcomes = [c.wsv_registry_enrich()[0]["error"] for c in customers]
        self.assertEqual(outcomes[:2], [False, False])
        self.assertIn("2 calls a minute", outcomes[2])

    def test_scheduled_refresh_takes_the_oldest(self):
        self.backend.refresh_batch = 1
        self._free("91310000631696382C")
        customer = self.make_customer("宝山钢铁股份有限公司")
        self.env["res.partner"].search([("is_customer", "=", True)]).write(
            {"registry_date": "2020-01-01"}
        )
        customer.registry_date = False
        self.assertEqual(self.env["res.partner"]._cron_registry_refresh(), 1)
        self.assertTrue(customer.registry_date)
        self.assertTrue(customer.legal_representative)
