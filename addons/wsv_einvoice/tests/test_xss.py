"""Hostile text in an invoice application and the invoice made from it stays text in the
browser (see wsv_fulfillment's test_xss for the check)."""

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.wsv_fulfillment.tests.common import FulfillmentCase
from odoo.addons.wsv_fulfillment.tests.test_xss import XssBrowserMixin, hostile

# a unified social credit code of the right form
BUYER_TAX = "91110000100000000X"
BUYER = {
    "buyer_name": "购方",
    "buyer_address": "购方地址",
    "buyer_phone": "购方电话",
    "buyer_bank": "开户行",
    "buyer_account": "银行账号",
    "remark": "开票备注",
}


@tagged("post_install", "-at_install")
class TestXssEinvoice(XssBrowserMixin, HttpCase, FulfillmentCase):
    def test_hostile_application_stays_text(self):
        # what invoicing needs (no platform call: the invoice is shown before it is issued)
        vat13 = self.env["account.tax"].create(
            {"name": "增值税 13%", "amount": 13.0, "amount_type": "percent", "type_tax_use": "sale"}
        )
        self.product.write({"taxes_id": [Command.set(vat13.ids)]})
        self.product.product_tmpl_id.tax_classification_code = "1090512010000000000"
        self.customer.write({"vat": BUYER_TAX})
        backend = self.env["wsv.einvoice.backend"]._default_backend(self.env.company)
        backend.seller_tax_number = BUYER_TAX
        contract = self.signed()
        self.env["wsv.delivery.request"].record_delivery(
            contract.id, self.today, {contract.order_line[0].id: 40}
        )
        sales = self.sales_a1
        action = contract.with_user(sales).action_wsv_apply_invoice()
        application = self.env["wsv.invoice.application"].with_user(sales).browse(action["res_id"])
        application.write({field: hostile(tag) for field, tag in BUYER.items()})
        for field, tag in BUYER.items():
            self.assertEqual(application[field], hostile(tag), field)  # stored as typed
        chatter = self.post_hostile(application, sales, "开票")
        name = self.customer.name
        texts = [hostile(tag) for tag in BUYER.values()]
        steps = [
            {
                "label": "invoice application",
                "action": "wsv_einvoice.wsv_invoice_application_action",
                "view": "form",
                "res_id": application.id,
                "texts": [name, *texts, *chatter],
            },
            {
                "label": "invoice application",
                "action": "wsv_einvoice.wsv_invoice_application_action",
                "view": "list",
                "res_id": False,
                "texts": [name],
            },
        ]
        self.assertEqual(self.check_in_browser(sales, steps), 2)
        # the invoice carries the buyer's details to the platform: finance sees them
        application.action_submit()
        self.assertEqual(application.state, "invoiced")
        move = application.sudo().move_id
        self.assertEqual(move.einvoice_buyer_name, hostile("购方"))
        # the platform's answer is an outside system's text: stored as the job stores a
        # refusal (the move's e-invoice failed, its message shown on the form and the list)
        move.write({"einvoice_state": "failed", "einvoice_message": hostile("平台答复")})
        steps = [
            {
                "label": "e-invoice",
                "action": "wsv_einvoice.action_einvoice_moves",
                "view": view,
                "res_id": move.id if view == "form" else False,
                "texts": [name, hostile("平台答复"), *(texts if view == "form" else [])],
            }
            for view in ("form", "list")
        ]
        self.assertEqual(self.check_in_browser(self.finance, steps), 2)
