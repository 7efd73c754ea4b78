from contextlib import contextmanager

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user

from odoo.addons.wsv_contract.tests.test_contract import ContractCase


class FulfillmentCase(ContractCase):
    """Signed contracts of sales_a1 (team A) and a finance user who books payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("wsv_fulfillment.release_overdue_days", 0)
        cls.env["ir.config_parameter"].set_param("wsv_fulfillment.release_check_credit", "1")
        cls.finance = new_test_user(
            cls.env, login="t_fin_ff", groups="wsv_crm_customer.group_finance,base.group_user"
        )
        cls.customer_b = cls.make_customer("测试南方电网有限公司", owner=cls.sales_b1)
        cls.today = fields.Date.context_today(cls.env["res.partner"])

    def signed(self, user=None, **values):
        contract = self.make_contract(user=user, warranty_months=12, **values)
        contract.action_contract_submit()
        self.attach(contract)
        contract.action_contract_sign()
        return contract

    def installment(self, contract, trigger, number=None):
        items = contract.installment_ids.filtered(lambda i: i.trigger == trigger and not i.void)
        return items.sorted("key")[number - 1] if number else items

    def pay(self, partner, amount, date=None, currency=None):
        payment = (
            self.env["account.payment"]
            .with_user(self.finance)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": partner.id,
                    "amount": amount,
                    "date": date or self.today,
                    **({"currency_id": currency.id} if currency else {}),
                }
            )
        )
        payment.action_post()
        return payment

    def request(self, contract, qty, user=None):
        Request = self.env["wsv.delivery.request"].with_user(user or contract.user_id)
        return Request.create(
            {
                "order_id": contract.id,
                "line_ids": [(0, 0, {"order_line_id": contract.order_line[0].id, "qty": qty})],
            }
        )

    @contextmanager
    def refused(self, pattern):
        """A UserError matching ``pattern``; Odoo's assertRaises rolls back to a savepoint as
        the failed request would, so what follows sees what the database kept."""
        with self.assertRaises(UserError) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)
