"""Contracts to SAP: signing enqueues the sending; SAP's order number, item numbers,
production orders, deliveries and billing status come back."""

import logging
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.wsv_contract.models.sale_order import SaleOrder as ContractOrder
from odoo.addons.wsv_contract.models.sale_order import SaleOrderLine as ContractLine
from odoo.addons.wsv_crm_customer.models.i18n import lang_env

from ..lib import mapping, sap_order
from .wsv_sap_sending import outbox_env

_logger = logging.getLogger(__name__)
INTEGRATION = "wsv_crm_customer.group_integration_admin"
ORDER_FIELDS = [
    "name",
    "contract_number",
    "contract_state",
    "signing_date",
    "commitment_date",
    "team_id",
    "partner_id",
    "partner_shipping_id",
    "payment_term_id",
    "currency_id",
    "supplement_of_id",
    "order_line",
]
LINE_FIELDS = [
    "product_id",
    "display_type",
    "product_uom_qty",
    "price_unit",
    "product_uom",
    "discount",
]
SAP_STATUS = [("A", "Not Yet"), ("B", "Partly"), ("C", "Completely")]
# (in this order: a contract with a failed and a sent sending shows failed)
SENDING_STATE = [
    ("failed", "Failed"),
    ("pending", "Pending"),
    ("sent", "Sent"),
    ("cancelled", "Not Sent (Cancelled)"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"
    # what SAP tells us is no user's to write
    _wsv_derived = ContractOrder._wsv_derived + (
        "sap_order_number",
        "sap_state",
        "sap_delivery_status",
        "sap_billing_status",
    )

    sap_order_number = fields.Char(readonly=True)
    sap_sending_ids = fields.One2many(
        "wsv.sap.sending", "order_id", string="SAP Sendings", groups=INTEGRATION
    )
    sap_state = fields.Selection(
        SENDING_STATE, string="SAP Sending", compute="_compute_sap_state", store=True, index=True
    )
    sap_message = fields.Text(string="SAP Problem", compute="_compute_sap_message")
    sap_delivery_status = fields.Selection(
        SAP_STATUS, string="Delivered in SAP", readonly=True, copy=False
    )
    sap_billing_status = fields.Selection(
        SAP_STATUS, string="Billed in SAP", readonly=True, copy=False
    )

    @api.depends("sap_sending_ids.state")
    def _compute_sap_state(self):
        for order in self:
            states = order.sudo().sap_sending_ids.mapped("state")
            # the least advanced sending tells where the contract stands
            order.sap_state = next((s for s, _l in SENDING_STATE if s in states), False)

    @api.depends("sap_state")
    def _compute_sap_message(self):
        # (sudo: the sending is the integration administrator's; its problem is shown to
        # whoever reads the contract, in their language)
        for order in self:
            sendings = order.sudo().sap_sending_ids  # (the reader's language stays)
            order.sap_message = "\n".join(filter(None, sendings.mapped("message"))) or False

    # ------------------------------------------------------------ signing
    def action_contract_sign(self):
        result = super().action_contract_sign()
        self._wsv_sap_enqueue()
        return result

    def _wsv_sap_enqueue(self):
        """One sending per signed contract (a change order for a supplementary one): rows and
        jobs written in the signing transaction, SAP called only by the jobs."""
        backend = self.env["wsv.sap.backend"]._get_backend()
        if not backend:
            return  # SAP switched off (the backend archived): nothing to send
        Sending = outbox_env(self.env)["wsv.sap.sending"]
        # the rows these contracts have already (one query for all of them)
        known = {
            (s.order_id.id, s.kind): s
            for s in Sending.search([("order_id", "in", self.ids), ("backend_id", "=", backend.id)])
        }
        for order in self:
            kind = "change" if order.supplement_of_id else "order"
            sending = known.get((order.id, kind)) or Sending.create(
                {"order_id": order.id, "backend_id": backend.id, "kind": kind}
            )
            if sending.state != "sent":
                sending._enqueue()

    def _wsv_contract_cancel(self, reason=None):
        # wait for a job sending one of them: its order in SAP is then known, and the job
        # that starts after this sees the contract cancelled
        for sending in self.sudo().sap_sending_ids:
            sending._lock(wait=True)
        result = super()._wsv_contract_cancel(reason)
        for order in self.sudo():
            for sending in order.sap_sending_ids:
                if sending.state == "sent":
                    # SAP's order stays: rejecting it is SAP's own step
                    order.message_post(
                        body=lang_env(self.env)._(
                            "Cancelled here: SAP order %s is still open in SAP and must be "
                            "rejected there.",
                            sending.sap_order_number,
                        )
                    )
                else:
                    sending.write({"state": "cancelled"})
        return result

    def action_contract_draft(self):
        ordered = self.filtered(lambda o: o.contract_state == "cancel" and o.sap_order_number)
        if ordered:
            raise UserError(
                lang_env(self.env)._(
                    "Contract %(contract)s was ordered in SAP (order %(number)s) before it was "
                    "cancelled: make a new contract instead of reopening this one.",
                    contract=ordered[0].contract_number,
                    number=ordered[0].sap_order_number,
                )
            )
        return super().action_contract_draft()

    # ------------------------------------------------------------ the order for SAP
    def _wsv_sap_lines(self):
        return self.order_line.filtered(lambda line: line.product_id and not line.display_type)

    def _wsv_sap_order(self, backend, kind="order"):
        """(mapping.Facts, sap_order.Order): what the mapping lacks, and the order to send."""
        self.ensure_one()
        # only what the order needs: a job reads one contract, and a first access would
        # fetch all of a sale order's many columns (a third of the job's time)
        incoterms = ["incoterm", "incoterm_location"] if "incoterm" in self._fields else []
        self.fetch(ORDER_FIELDS + incoterms)
        self.order_line.fetch(LINE_FIELDS)
        team, customer, term = (
            self.team_id,
            self.partner_id.commercial_partner_id,
            self.payment_term_id,
        )
        lines = self._wsv_sap_lines()
        original = self.supplement_of_id if kind == "change" else self.browse()
        facts = mapping.Facts(
            contract=self.contract_number or self.name,
            team=team.name or "",
            sales_org=team.sap_sales_org or "",
            distr_chan=team.sap_distr_chan or "",
            division=team.sap_division or "",
            customer=customer.name or "",
            sold_to=customer._wsv_sap_sold_to(),
            payment_term=term.name or "",
            payment_term_code=term.sap_code or "",
            products=tuple((line.product_id.name, line._wsv_sap_material()) for line in lines),
            state=self.contract_state,
            ref_doc_needed=bool(original) and not original.sap_order_number,
            original_cancelled=bool(original) and original.contract_state == "cancel",
        )
        signed = self.signing_date or fields.Date.today()
        # (Incoterms on the order come with sale_stock, which a sales-only database lacks)
        incoterm = self["incoterm"] if incoterms else None
        order = sap_order.Order(
            purch_no=self.contract_number or self.name,
            purch_date=signed,
            req_date=self.commitment_date.date() if self.commitment_date else signed,
            doc_type=backend.change_doc_type if original else backend.doc_type,
            sales_org=facts.sales_org,
            distr_chan=facts.distr_chan,
            division=facts.division,
            sold_to=facts.sold_to,
            ship_to=self.partner_shipping_id._wsv_sap_ship_to(),
            currency=self.currency_id.name,
            items=tuple(
                sap_order.Item(
                    number=10 * index,
                    material=line._wsv_sap_material(),
                    qty=Decimal(str(line.product_uom_qty)),
                    price=Decimal(str(line.price_unit)),
                    unit=line.product_uom.name or "",
                    discount_percent=Decimal(str(line.discount or 0)),
                    text=line.product_id.name or "",
                )
                for index, line in enumerate(lines, start=1)
            ),
            payment_terms=facts.payment_term_code,
            incoterms1=incoterm.code or "" if incoterm is not None else "",
            incoterms2=self["incoterm_location"] or "" if incoterm is not None else "",
            price_condition=backend.price_condition,
            discount_condition=backend.discount_condition,
            ref_doc=original.sap_order_number or "",
        )
        return facts, order

    def _wsv_sap_ordered(self, number):
        """SAP's number on the contract: the status chain's 'ordered in SAP' step. (The item
        numbers follow from the lines, which a signed contract no longer changes.)"""
        self.ensure_one()
        # (the attempt log is the history: no chatter message per order, which would cost
        # a third of the job at tens of orders a second)
        self._wsv_system().with_context(tracking_disable=True).write({"sap_order_number": number})

    def _wsv_sap_apply_status(self, status):
        """SAP's status of this order: delivery and billing status, production orders on
        the lines, and each delivery note reported once through record_delivery."""
        self.ensure_one()
        by_item = {
            f"{line.sap_item_number:06d}": line for line in self.order_line if line.sap_item_number
        }
        values = {
            "sap_delivery_status": status.delivery or False,
            "sap_billing_status": status.billing or False,
        }
        if any(self[name] != value for name, value in values.items()):
            self._wsv_system().write(values)
        for item, production in status.production.items():
            line = by_item.get(item)
            if line and line.sap_production_order != production:
                line._wsv_system().write({"sap_production_order": production})
        Delivery = self.env["wsv.delivery.request"].sudo()
        for note, (date, items) in sorted(status.deliveries.items()):
            quantities = {by_item[i].id: float(q) for i, q in items.items() if i in by_item}
            if not quantities:
                continue
            try:
                with self.env.cr.savepoint():
                    Delivery.record_delivery(self.id, date, quantities, reference=note)
            except UserError as error:
                # one bad delivery note does not stop the others: it waits in the log
                _logger.warning(
                    "SAP delivery %s of %s not recorded: %s", note, self.contract_number, error
                )


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"
    _wsv_derived = ContractLine._wsv_derived + ("sap_production_order",)

    sap_item_number = fields.Integer(string="SAP Item", compute="_compute_sap_item_number")
    sap_production_order = fields.Char(
        string="Production Order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The factory's production order for this line, as SAP holds it.",
    )

    @api.depends("order_id.sap_order_number", "order_id.order_line", "product_id", "display_type")
    def _compute_sap_item_number(self):
        """10, 20, ... in the order the lines were sent (Order.items): 0 until sent."""
        numbers = {}
        for order in self.order_id.filtered("sap_order_number"):
            for index, line in enumerate(order._wsv_sap_lines(), start=1):
                numbers[line.id] = 10 * index
        for line in self:
            line.sap_item_number = numbers.get(line.id, 0)

    def _wsv_sap_material(self):
        product = self.product_id
        return product.sap_material_number or product.default_code or ""


class WsvDeliveryRequest(models.Model):
    _inherit = "wsv.delivery.request"

    @api.model
    def _wsv_line_keys(self, line):
        # SAP reports deliveries by its item number (000010, 000020, ...)
        keys = super()._wsv_line_keys(line)
        if line.sap_item_number:
            keys["sap_item"] = f"{line.sap_item_number:06d}"
        return keys
