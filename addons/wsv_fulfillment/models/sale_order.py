"""The contract's money side: its status chain, deliveries, receivable schedule and
collections."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.wsv_contract.lib import milestones as milestone_rules
from odoo.addons.wsv_crm_customer.models.i18n import lang_env

from ..lib import schedule

SIGNED = ("signed", "executing", "closed")
DIRECTOR = "wsv_crm_customer.group_sales_director"
FINANCE = "wsv_crm_customer.group_finance"


INSTALLMENT_READERS = "wsv_crm_customer.group_salesperson,wsv_crm_customer.group_finance"
DELIVERY_READERS = INSTALLMENT_READERS + ",wsv_crm_customer.group_integration_admin"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    acceptance_date = fields.Date(tracking=True, copy=False)
    cancel_reason = fields.Text(string="Cancellation Reason", tracking=True, copy=False)
    sap_order_number = fields.Char(string="SAP Order No.", copy=False, index=True, tracking=True)
    # for the roles that read deliveries and installments (their access rights): a user of
    # Odoo's Sales app without a wsv role reads the order without them
    delivery_request_ids = fields.One2many(
        "wsv.delivery.request", "order_id", groups=DELIVERY_READERS
    )
    installment_ids = fields.One2many(
        "wsv.receivable.installment", "order_id", groups=INSTALLMENT_READERS
    )
    delivery_request_count = fields.Integer(
        compute="_compute_delivery_request_count", groups=DELIVERY_READERS
    )
    installment_count = fields.Integer(
        compute="_compute_installment_count", groups=INSTALLMENT_READERS
    )
    # the status chain: stored, so lists, filters and reports use them
    amount_signed = fields.Monetary(
        string="Signed Amount", compute="_compute_amount_signed", store=True
    )
    sap_ordered = fields.Boolean(
        string="Ordered in SAP", compute="_compute_sap_ordered", store=True
    )
    delivered_percent = fields.Float(
        string="Delivered (%)", compute="_compute_chain_percents", store=True, digits=(5, 2)
    )
    invoiced_percent = fields.Float(
        string="Invoiced (%)", compute="_compute_chain_percents", store=True, digits=(5, 2)
    )
    amount_collected = fields.Monetary(
        string="Collected Amount", compute="_compute_collections", store=True
    )
    collected_percent = fields.Float(
        string="Collected (%)", compute="_compute_collections", store=True, digits=(5, 2)
    )
    overdue_amount = fields.Monetary(compute="_compute_collections", store=True)

    @api.depends("delivery_request_ids")
    def _compute_delivery_request_count(self):
        for order in self:
            order.delivery_request_count = len(order.delivery_request_ids)

    @api.depends("installment_ids")
    def _compute_installment_count(self):
        for order in self:
            order.installment_count = len(order.installment_ids.filtered(lambda i: not i.void))

    @api.depends("contract_state", "amount_total")
    def _compute_amount_signed(self):
        for order in self:
            order.amount_signed = order.amount_total if order.contract_state in SIGNED else 0.0

    @api.depends("sap_order_number")
    def _compute_sap_ordered(self):
        for order in self:
            order.sap_ordered = bool(order.sap_order_number)

    @api.depends(
        "amount_total",
        "order_line.qty_delivered",
        "order_line.qty_invoiced",
        "order_line.price_total",
        "order_line.product_uom_qty",
    )
    def _compute_chain_percents(self):
        for order in self:
            delivered = invoiced = 0.0
            for line in order.order_line.filtered(lambda r: r.product_uom_qty):
                unit = line.price_total / line.product_uom_qty
                delivered += unit * line.qty_delivered
                invoiced += unit * order._wsv_qty_invoiced(line)
            total = order.amount_total
            order.delivered_percent = delivered / total * 100 if total else 0.0
            order.invoiced_percent = invoiced / total * 100 if total else 0.0

    def _wsv_qty_invoiced(self, line):
        """What of the line the status chain counts as invoiced (Odoo's invoiced quantity)."""
        return line.qty_invoiced

    @api.depends(
        "amount_total",
        "installment_ids.amount_collected",
        "installment_ids.amount_open",
        "installment_ids.status",
    )
    def _compute_collections(self):
        for order in self:
            items = order.installment_ids
            collected = sum(items.mapped("amount_collected"))
            order.amount_collected = collected
            total = order.amount_total
            order.collected_percent = collected / total * 100 if total else 0.0
            order.overdue_amount = sum(
                items.filtered(lambda i: i.status == "overdue").mapped("amount_open")
            )

    def _wsv_allow_table(self, create=False):
        # the customer's acceptance is recorded by sales on a signed contract (and corrected
        # by a director or finance, see write)
        table = super()._wsv_allow_table(create=create)
        for state in ("signed", "executing"):
            table[state] = {group: set(names) for group, names in table[state].items()}
            table[state][""] |= {"acceptance_date"}
            # why a delivered or invoiced contract is cancelled: its director's or finance's
            for group in (DIRECTOR, FINANCE):
                table[state][group] = set(table[state].get(group, ())) | {"cancel_reason"}
        return table

    def write(self, vals):
        # what dates the receivables: set once by sales, corrected by a director or finance
        dated = {"acceptance_date", "signing_date"} & set(vals)
        if dated and not (
            self.env.user.has_group("wsv_crm_customer.group_sales_director")
            or self.env.user.has_group("wsv_crm_customer.group_finance")
            or self.env.su
        ):
            for order in self.filtered(lambda o: o.contract_state in SIGNED):
                if any(order[f] and order[f] != fields.Date.to_date(vals[f]) for f in dated):
                    raise UserError(
                        lang_env(self.env)._(
                            "Contract %s: its signing and acceptance dates, once set, are "
                            "corrected by a sales director or finance.",
                            order.contract_number,
                        )
                    )
        result = super().write(vals)
        if "acceptance_date" in vals or "warranty_months" in vals:
            self.filtered(lambda o: o.contract_state in SIGNED)._wsv_generate_schedule()
        return result

    def action_contract_sign(self):
        result = super().action_contract_sign()
        self._wsv_generate_schedule()
        return result

    def _wsv_check_cancel(self, reason=None):
        """A contract already delivered or invoiced is cancelled only by a director or finance,
        with a reason (``reason``, or the Cancellation Reason on the form); one with money
        recorded not at all."""
        started = self._wsv_started()
        if started and not (self.env.user.has_group(DIRECTOR) or self.env.user.has_group(FINANCE)):
            raise UserError(
                lang_env(self.env)._(
                    "Contract %s has deliveries or invoices: only a sales director or "
                    "finance may cancel it.",
                    started[0].contract_number,
                )
            )
        for order in started:
            if not order._wsv_cancel_reason(reason):
                raise UserError(
                    lang_env(self.env)._(
                        "Cancellation Reason: contract %s has deliveries or invoices; say "
                        "why it is cancelled.",
                        order.contract_number,
                    )
                )
        collected = self.installment_ids.filtered(
            lambda i: i.amount_collected or i.amount_confirmed
        )
        if collected:
            raise UserError(
                lang_env(self.env)._(
                    "Contract %s has collections recorded; cancel them before the contract.",
                    collected[0].order_id.contract_number,
                )
            )
        return super()._wsv_check_cancel(reason)

    def _wsv_started(self):
        return self.filtered(lambda o: any(o.order_line.mapped("qty_delivered")) or o.invoice_ids)

    def _wsv_cancel_reason(self, reason):
        return ((reason if reason is not None else self.cancel_reason) or "").strip()

    def _wsv_contract_cancel(self, reason=None):
        for order in self._wsv_started():
            order._wsv_system().cancel_reason = order._wsv_cancel_reason(reason)
        result = super()._wsv_contract_cancel(reason)
        self.installment_ids.sudo().write({"void": True})
        return result

    # ------------------------------------------------------------ schedule
    def _wsv_events(self, deliveries):
        """What has happened on the contract, as lib.schedule sees it."""
        self.ensure_one()
        # in the order they were recorded: a delivery reported late keeps the earlier ones'
        # installments where they are
        requests = deliveries.get(self.id, [])
        shares = schedule.delivery_shares([r.amount for r in requests], self.amount_total)
        delivered = [
            (request.delivery_date, share)
            for request, share in zip(requests, shares, strict=True)
            if share > 1e-9
        ]
        invoices = [
            (move.invoice_date, move.amount_total)
            for move in self.invoice_ids
            if move.state == "posted" and move.move_type == "out_invoice" and move.invoice_date
        ]
        warranty_end = (
            self.acceptance_date + relativedelta(months=self.warranty_months)
            if self.acceptance_date
            else None
        )
        return schedule.Events(
            signing=self.signing_date or None,
            deliveries=delivered,
            acceptance=self.acceptance_date or None,
            invoices=invoices,
            warranty_end=warranty_end,
        )

    def _wsv_terms(self):
        self.ensure_one()
        milestones = self.milestone_ids
        if not milestones:
            return []
        amounts = milestone_rules.amounts(
            milestones._as_rule(), self.amount_total, self.currency_id.rounding
        )
        return [
            schedule.Term(f"m{m.id}", m.trigger, max(amount, 0.0), max(m.days, 0))
            for m, amount in zip(milestones, amounts, strict=True)
        ]

    def _wsv_generate_schedule(self):
        """(Re)generate the receivable schedules of signed contracts, all in a few queries:
        one installment per trigger, and collections are never lost (an installment whose
        key is gone stays while it holds money)."""
        orders = self.filtered(lambda o: o.contract_state in SIGNED)
        if not orders:
            return
        # (the system's: no default_* of the caller's context fills what it leaves out)
        Installment = self.env["wsv.receivable.installment"].sudo()._wsv_system()
        existing = Installment.search([("order_id", "in", orders.ids), ("void", "=", False)])
        existing._lock()
        by_order = {}
        for item in existing:
            by_order.setdefault(item.order_id.id, Installment)
            by_order[item.order_id.id] |= item
        deliveries = {}
        delivered = (
            self.env["wsv.delivery.request"]
            .sudo()
            .search(
                [("order_id", "in", orders.ids), ("state", "=", "delivered")],
                order="id",
            )
        )
        for request in delivered:
            deliveries.setdefault(request.order_id.id, []).append(request)
        milestones = {f"m{m.id}": m for m in orders.milestone_ids}
        to_create, to_void, updates = [], [], {}
        for order in orders:
            old = by_order.get(order.id, Installment)
            old_by_key = {item.key: item for item in old}
            rounding = order.currency_id.rounding
            new = schedule.build(order._wsv_terms(), order._wsv_events(deliveries), rounding)
            try:
                keep, void = schedule.merge(
                    [
                        schedule.Installment(i.key, i.trigger, i.amount, i.due_date or None)
                        for i in old
                    ],
                    new,
                    {i.key: i.amount_collected + i.amount_confirmed for i in old},
                    rounding,
                )
            except ValueError as error:
                raise UserError(
                    lang_env(self.env)._(
                        "Receivable schedule of %(number)s: installment %(key)s holds more "
                        "collections than its new amount; cancel some of them first.",
                        number=order.contract_number,
                        key=error.args[1] if len(error.args) > 1 else "",
                    )
                ) from None
            to_void.extend(old_by_key[key].id for key in void)
            for item in keep:
                current = old_by_key.get(item.key)
                due = item.due or False
                if current is None:
                    milestone = milestones.get(item.key.split("/")[0])
                    to_create.append(
                        {
                            "name": f"{order.contract_number}/{item.key}",
                            "order_id": order.id,
                            "user_id": order.user_id.id,
                            "key": item.key,
                            "trigger": item.trigger,
                            "milestone_id": milestone.id if milestone else False,
                            "amount": item.amount,
                            "due_date": due,
                        }
                    )
                elif (current.amount, current.due_date) != (item.amount, due):
                    updates.setdefault((item.amount, due), []).append(current.id)
        # one write per distinct (amount, due date), one create for all the new ones
        Installment.browse(to_void).write({"void": True})
        for (amount, due), ids in updates.items():
            Installment.browse(ids).write({"amount": amount, "due_date": due})
        Installment.create(to_create)

    def action_wsv_generate_schedule(self):
        # the schedule is written by the system, for whoever may edit the contract
        self.check_access("write")
        self._wsv_generate_schedule()
        return True

    def action_wsv_request_delivery(self):
        self.ensure_one()
        Request = self.env["wsv.delivery.request"]
        lines = Request._lines_to_deliver(self)
        if not lines:
            raise UserError(
                lang_env(self.env)._(
                    "Contract %s: everything is delivered or requested already.",
                    self.contract_number,
                )
            )
        request = Request.create({"order_id": self.id, "line_ids": lines})
        return {
            "type": "ir.actions.act_window",
            "res_model": "wsv.delivery.request",
            "res_id": request.id,
            "view_mode": "form",
        }

    def action_wsv_view_deliveries(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "wsv_fulfillment.wsv_delivery_request_action"
        )
        action["domain"] = [("order_id", "in", self.ids)]
        action["context"] = {"default_order_id": self.id}
        return action

    def action_wsv_view_installments(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "wsv_fulfillment.wsv_receivable_installment_action"
        )
        action["domain"] = [("order_id", "in", self.ids)]
        action["context"] = {}
        return action


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft)
        # installments due after the invoice start their clock when it is posted
        # (a fact of the contract, whoever posts: an accountant need not read contracts)
        orders = posted.line_ids.sale_line_ids.order_id.sudo().filtered("is_contract")
        orders.filtered(
            lambda o: o.milestone_ids.filtered(lambda m: m.trigger == "invoice")
        )._wsv_generate_schedule()
        return posted
