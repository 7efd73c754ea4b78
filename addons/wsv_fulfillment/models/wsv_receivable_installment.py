"""An installment (回款期次) of a contract's receivable schedule (回款计划)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.wsv_contract.models.wsv_contract_milestone import TRIGGER_NAMES
from odoo.addons.wsv_crm_customer.models.i18n import lang_env
from odoo.addons.wsv_crm_customer.models.identity import identity_check, identity_checked
from odoo.addons.wsv_crm_customer.models.res_config_settings import get_setting

from ..lib import aging

STATUSES = [
    ("not_due", "Not Yet Due"),
    ("due", "Due"),
    ("partly_collected", "Partly Collected"),
    ("overdue", "Overdue"),
    ("collected", "Collected"),
    ("void", "Void"),
]
BUCKETS = [(label, label) for label in aging.LABELS]
DISPOSITIONS = [
    ("collection", "Collection Follow-up"),
    ("legal", "Legal"),
    ("write_off", "Bad-debt Write-off"),
]
OPEN_STATUSES = ("not_due", "due", "partly_collected", "overdue")
MANAGER = "wsv_crm_customer.group_sales_manager"
FINANCE = "wsv_crm_customer.group_finance"


class WsvReceivableInstallment(models.Model):
    _name = "wsv.receivable.installment"
    _description = "Installment"
    _inherit = ["mail.thread", "mail.activity.mixin", "wsv.guard.mixin"]
    _order = "due_date, id"
    # amounts, dates, the money and status computed from collections and the alert marks are
    # written by the schedule and the alert job alone (see _wsv_allow_table)
    _wsv_workflow = ("status", "void")

    name = fields.Char(required=True, readonly=True)
    order_id = fields.Many2one(
        "sale.order",
        string="Contract",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        related="order_id.partner_id.commercial_partner_id",
        store=True,
        index=True,
    )
    user_id = fields.Many2one("res.users", string="Owner", index=True, tracking=True)
    team_id = fields.Many2one(related="order_id.team_id", store=True, index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    currency_id = fields.Many2one(related="order_id.currency_id", store=True)
    key = fields.Char(
        required=True, readonly=True, help="The installment's stable id in its schedule."
    )
    milestone_id = fields.Many2one("wsv.contract.milestone", readonly=True, ondelete="set null")
    trigger = fields.Selection(list(TRIGGER_NAMES.items()), required=True, readonly=True)
    is_retention = fields.Boolean(
        string="Warranty Retention", compute="_compute_is_retention", store=True
    )
    amount = fields.Monetary(readonly=True, tracking=True)
    due_date = fields.Date(readonly=True, index=True, tracking=True)
    void = fields.Boolean(readonly=True, tracking=True)
    collection_ids = fields.One2many("wsv.collection", "installment_id", string="Collections")
    amount_collected = fields.Monetary(
        string="Collected",
        compute="_compute_amounts",
        store=True,
        help="Booked by finance.",
    )
    amount_confirmed = fields.Monetary(
        string="Confirmed",
        compute="_compute_amounts",
        store=True,
        help="Confirmed by the salesperson, not yet booked by finance.",
    )
    amount_open = fields.Monetary(string="Open", compute="_compute_amounts", store=True)
    status = fields.Selection(STATUSES, compute="_compute_status", store=True, index=True)
    aging_bucket = fields.Selection(
        BUCKETS, string="Aging", compute="_compute_status", store=True, index=True
    )
    days_overdue = fields.Integer(compute="_compute_days_overdue")
    disposition = fields.Selection(DISPOSITIONS, tracking=True)
    disposition_note = fields.Text(tracking=True)
    reminded_on = fields.Date(readonly=True, copy=False)
    escalated_on = fields.Date(readonly=True, copy=False)
    confirmation_requested = fields.Boolean(readonly=True, copy=False)

    def init(self):
        # A key is unique among the live installments of a contract; void ones are history
        # (a contract cancelled and signed again gets its schedule anew beside them).
        self.env.cr.execute(
            SQL(
                "ALTER TABLE wsv_receivable_installment DROP CONSTRAINT IF EXISTS %s",
                SQL.identifier("wsv_receivable_installment_key_unique"),
            )
        )
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS wsv_receivable_installment_live_key "
                "ON wsv_receivable_installment (order_id, key) WHERE void IS NOT TRUE"
            )
        )

    @api.depends("trigger")
    def _compute_is_retention(self):
        for item in self:
            item.is_retention = item.trigger == "warranty_end"

    @api.depends("amount", "void", "collection_ids.amount", "collection_ids.state")
    def _compute_amounts(self):
        for item in self:
            live = item.collection_ids
            booked = sum(live.filtered(lambda c: c.state == "booked").mapped("amount"))
            confirmed = sum(live.filtered(lambda c: c.state == "confirmed").mapped("amount"))
            item.amount_collected = booked
            item.amount_confirmed = confirmed
            item.amount_open = 0.0 if item.void else max(item.amount - booked - confirmed, 0.0)

    @api.depends("amount", "amount_collected", "due_date", "void", "currency_id")
    def _compute_status(self):
        today = self.env.context.get("wsv_today") or fields.Date.context_today(self)
        for item in self:
            item.status, item.aging_bucket = self._status_of(
                item.amount,
                item.amount_collected,
                item.due_date,
                item.void,
                today,
                item.currency_id.rounding,
            )

    @api.model
    def _status_of(self, amount, collected, due, void, today, rounding):
        """(status, aging bucket); `rounding` is the installment's currency's rounding step."""
        # Odoo reads an empty date as False, the rules take None; a new installment not yet
        # on its contract has no currency: counted in cents until it has one
        status = aging.status(
            amount, collected, due or None, today, bool(void), rounding=rounding or aging.ROUNDING
        )
        return status, aging.bucket(due or None, today) if status == "overdue" else False

    @api.depends("due_date", "status")
    def _compute_days_overdue(self):
        today = fields.Date.context_today(self)
        for item in self:
            overdue = item.status == "overdue"
            item.days_overdue = (today - item.due_date).days if overdue else 0

    def _wsv_allow_table(self, create=False):
        # the owner follows up the money; managers and finance re-assign who does
        return {
            "*": {
                "": {"disposition", "disposition_note"},
                MANAGER: {"user_id"},
                FINANCE: {"user_id"},
            }
        }

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._wsv_check_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        vals = self._wsv_check_write(vals)
        if vals.get("disposition") == "write_off" and not self._wsv_trusted():
            self._wsv_check_write_off()
            raise UserError(
                lang_env(self.env)._(
                    "Disposition: a bad-debt write-off is recorded with the Write Off button, "
                    "which asks for your password."
                )
            )
        return super().write(vals)

    def _wsv_check_write_off(self):
        if not self.env.user.has_group(FINANCE):
            raise UserError(
                lang_env(self.env)._(
                    "Disposition: only finance may write a receivable off as bad debt."
                )
            )

    @identity_checked
    def action_write_off(self):
        """Finance writes the installments off as bad debt, with the reason in the disposition
        note; money written off is money given up, so the password is asked again."""
        self._wsv_check_write_off()
        if any(not (item.disposition_note or "").strip() for item in self):
            raise UserError(
                lang_env(self.env)._("Disposition Note: say why the receivable is written off.")
            )
        window = identity_check(self, "action_write_off")
        if window:
            return window
        self._wsv_system().write({"disposition": "write_off"})
        for item in self:
            # a note in the chatter, as the system logs one (no mail goes out)
            item._message_log(
                body=lang_env(self.env)._("Written off as bad debt: %s", item.disposition_note)
            )
        return True

    # ------------------------------------------------------------ collections
    def _lock(self):
        """Lock the installments' rows for the transaction: two users recording money on one
        installment at once are serialised, and the second one sees the first one's amount
        (under Odoo's REPEATABLE READ the second transaction fails and Odoo retries it)."""
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM wsv_receivable_installment WHERE id IN %s FOR UPDATE",
                [tuple(self.ids)],
                # a concurrent update is expected here, and Odoo retries the request
                log_exceptions=False,
            )
            self.invalidate_recordset()

    def action_confirm_collection(self):
        """The salesperson confirms money the customer has paid: a collection to confirm."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": lang_env(self.env)._("Confirm Collection"),
            "res_model": "wsv.collection",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_installment_id": self.id,
                "default_amount": self.amount_open,
            },
        }

    # ------------------------------------------------------------ alerts
    @api.model
    def _cron_alerts(self, today=None):
        """The daily job: statuses and aging buckets as of today, a confirmation activity when
        an installment falls due, a reminder some days before, an escalation to the team
        manager once it is overdue for long."""
        today = today or fields.Date.context_today(self)
        self._refresh_statuses(today)
        # (0 is a setting: remind on the due day, escalate from the first day overdue)
        before = get_setting(self.env, "wsv_fulfillment.reminder_days", 7)
        after = get_setting(self.env, "wsv_fulfillment.escalation_days", 30)
        open_items = [("status", "in", OPEN_STATUSES), ("due_date", "!=", False)]
        todo = self.env.ref("mail.mail_activity_data_todo")
        activities = []
        # reminders: the one day that is `before` days before due
        remind = self.search(
            open_items
            + [("due_date", "=", today + timedelta(days=before)), ("reminded_on", "=", False)]
        )
        for item in remind:
            activities.append(item._activity_values(todo, item.user_id, today, "reminder"))
        marked = self._wsv_system()
        remind.with_env(marked.env).reminded_on = today
        # due: the owner confirms the collection with the customer
        due = self.search(
            open_items + [("due_date", "<=", today), ("confirmation_requested", "=", False)]
        )
        for item in due:
            activities.append(item._activity_values(todo, item.user_id, today, "confirm"))
        due.with_env(marked.env).confirmation_requested = True
        # escalation: overdue for `after` days or more, once, to the team's manager
        since = today - timedelta(days=max(after, 1))
        late = self.search(open_items + [("due_date", "<=", since), ("escalated_on", "=", False)])
        for item in late:
            manager = item.team_id.user_id or item.user_id
            activities.append(item._activity_values(todo, manager, today, "escalation"))
        late.with_env(marked.env).escalated_on = today
        self.env["mail.activity"].sudo().create([a for a in activities if a["user_id"]])
        return len(activities)

    def _activity_values(self, activity_type, user, today, kind):
        _ = lang_env(self.env)._
        summaries = {
            "reminder": _("Installment due on %s: remind the customer", self.due_date),
            "confirm": _("Installment due: confirm the collection with the customer"),
            "escalation": _(
                "Installment overdue since %(due)s: %(open)s open",
                due=self.due_date,
                open=self.amount_open,
            ),
        }
        return {
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "summary": summaries[kind],
            "user_id": user.id,
            "date_deadline": today,
        }

    @api.model
    def _refresh_statuses(self, today):
        """Recompute the status and aging bucket where today changes them (not yet due ->
        due -> overdue, one bucket to the next): one read of the open installments that are
        due, then Odoo recomputes just those (and the contracts' overdue amounts)."""
        self.flush_model()
        self.env["res.currency"].flush_model(["rounding"])
        self.env.cr.execute(
            """SELECT i.id, i.amount, i.amount_collected, i.due_date, i.void, i.status,
                      i.aging_bucket, c.rounding
                 FROM wsv_receivable_installment i
            LEFT JOIN res_currency c ON c.id = i.currency_id
                WHERE i.status IN %s AND i.due_date IS NOT NULL AND i.due_date < %s""",
            [OPEN_STATUSES, today + timedelta(days=1)],
        )
        changed = [
            row_id
            for row_id, amount, collected, due, void, status, bucket, rounding in (
                self.env.cr.fetchall()
            )
            if self._status_of(
                amount or 0.0, collected or 0.0, due, void, today, float(rounding or 0.0)
            )
            != (status, bucket or False)
        ]
        records = self.browse(changed).with_context(wsv_today=today)
        for name in ("status", "aging_bucket"):
            self.env.add_to_compute(self._fields[name], records)
        # what depends on them (the contracts' overdue amounts) follows
        records.modified(["status", "aging_bucket"])
        records.flush_recordset()
        self.env.flush_all()
        return len(changed)
