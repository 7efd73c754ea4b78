"""Public pool (公海池): claim, release, assign, transfer and auto-recycle of customers."""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..lib.pool import broken_limits
from .i18n import lang_env
from .res_partner import TRUSTED, context_value, trusted

POOL_STATES = [("private", "Private"), ("pool", "Public Pool")]


class ResPartner(models.Model):
    # one concern of res.partner per file (see res_partner.py)
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    pool_state = fields.Selection(
        POOL_STATES,
        compute="_compute_pool_state",
        store=True,
        index=True,
        tracking=True,
        help="A customer without an owner is in the public pool, open to claim.",
    )
    owner_date = fields.Datetime(
        string="Owned Since", copy=False, help="When the current owner took the customer."
    )
    last_followup_date = fields.Datetime(
        string="Last Follow-up",
        copy=False,
        index=True,
        help="Last message or completed activity on the customer or its opportunities.",
    )
    last_won_date = fields.Date(
        string="Last Won Deal", copy=False, help="Last won opportunity or signed contract."
    )
    recycle_warned_date = fields.Date(copy=False)
    pool_move_ids = fields.One2many("wsv.pool.move", "partner_id", string="Pool Moves")
    pool_move_count = fields.Integer(compute="_compute_pool_move_count")

    @api.depends("is_customer", "user_id")
    def _compute_pool_state(self):
        for partner in self:
            if not partner.is_customer:
                partner.pool_state = False
            else:
                partner.pool_state = "private" if partner.user_id else "pool"

    def _compute_pool_move_count(self):
        counts = dict(
            self.env["wsv.pool.move"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.pool_move_count = counts.get(partner, 0)

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        user = self.env.user
        # a salesperson's new customer is theirs (within the holding limits), unless given
        # to the pool on purpose (user_id False); managers assign as they create
        own = (
            not self.env.su
            and not trusted(self.env, "wsv_pool_move")
            and user.has_group("wsv_crm_customer.group_salesperson")
            and not user.has_group("wsv_crm_customer.group_sales_manager")
        )
        mine = []
        for index, vals in enumerate(vals_list):
            if own and context_value(self.env, vals, "is_customer"):
                owner = context_value(self.env, vals, "user_id")
                if owner is None:
                    vals["user_id"] = owner = user.id
                    vals.setdefault("team_id", user.sale_team_id.id)
                if owner and owner != user.id:
                    raise UserError(
                        lang_env(self.env)._(
                            "Owner: a salesperson's new customer is their own or the public "
                            "pool's (Salesperson empty); ask a sales manager to assign it."
                        )
                    )
                if owner:
                    mine.append(index)
            if context_value(self.env, vals, "user_id"):
                vals.setdefault("owner_date", now)
        partners = super().create(vals_list)
        if mine:
            partners.browse([partners[i].id for i in mine])._check_holding_limits(
                user, creating=True
            )
        return partners

    def write(self, vals):
        if trusted(self.env, "wsv_pool_move") or not {"user_id", "team_id", "is_customer"} & set(
            vals
        ):
            return super().write(vals)
        if vals.get("is_customer") and not self.env.su:
            # becoming a customer is creating one: the same owner rule and limits
            self.filtered(lambda p: not p.is_customer)._check_new_customers_owner(vals)
        customers = self.filtered("is_customer")
        if not customers or self.env.su:
            return super().write(vals)
        if not self.env.user.has_group("wsv_crm_customer.group_sales_manager"):
            # owner, team and the customer flag decide who sees a customer and what the
            # pool limits count: salespeople change them only through the pool actions
            if "user_id" in vals or "team_id" in vals or vals.get("is_customer") is False:
                raise UserError(
                    lang_env(self.env)._(
                        "Owner: a salesperson changes the owner or team of a customer only by "
                        "claiming it from the public pool or releasing it; ask a sales manager "
                        "to transfer it."
                    )
                )
            return super().write(vals)
        if "user_id" not in vals:
            return super().write(vals)
        # a manager editing the owner by hand: the same move as Assign, logged the same way
        user = self.env["res.users"].browse(vals["user_id"])
        reason = lang_env(self.env)._("Edited by hand")
        if user:
            customers._pool_give(user, reason)
        else:
            owned = customers.filtered(lambda p: p.pool_state != "pool")
            if owned:
                owned._pool_move("release", user, reason)
        rest = {k: v for k, v in vals.items() if k != "user_id"}
        return super().write(rest) if rest else True

    def _check_new_customers_owner(self, vals):
        """Partners a salesperson makes customers: theirs or the pool's, within the limits."""
        user = self.env.user
        if not self or user.has_group("wsv_crm_customer.group_sales_manager"):
            return
        if not user.has_group("wsv_crm_customer.group_salesperson"):
            return
        for partner in self:
            owner = vals["user_id"] if "user_id" in vals else partner.user_id.id
            if owner and owner != user.id:
                raise UserError(
                    lang_env(self.env)._(
                        "Owner: a salesperson's new customer is their own or the public "
                        "pool's (Salesperson empty); ask a sales manager to assign it."
                    )
                )
        mine = self.filtered(lambda p: (vals.get("user_id", p.user_id.id)) == user.id)
        mine._check_holding_limits(user, creating=True)

    # ------------------------------------------------------------ pool moves
    def _pool_customers(self):
        """The customers among self, locked for this transaction: of two users moving the
        same customer at once, the second waits, then finds it moved and gets an error."""
        self.check_access("write")
        customers = self.filtered("is_customer")
        if len(customers) != len(self):
            raise UserError(
                lang_env(self.env)._(
                    "Public pool: %s is not a customer.", (self - customers)[0].display_name
                )
            )
        if customers:
            self.env.cr.execute(
                SQL("SELECT id FROM res_partner WHERE id IN %s FOR UPDATE", tuple(customers.ids))
            )
            customers.invalidate_recordset(["user_id", "pool_state"])
        return customers

    def _pool_move(self, kind, user, reason=False):
        """Give the customers to ``user`` (or to the pool) and log one move each."""
        moves = [
            {
                "partner_id": partner.id,
                "kind": kind,
                "from_user_id": partner.user_id.id,
                "to_user_id": user.id,
                "reason": reason,
            }
            for partner in self
        ]
        values = {
            "user_id": user.id,
            "owner_date": fields.Datetime.now() if user else False,
            "recycle_warned_date": False,
        }
        if user:
            values["team_id"] = user.sale_team_id.id
        records = self._wsv_system().with_context(wsv_pool_move=TRUSTED)
        if user and user != self.env.user:
            # Odoo would e-mail the new owner once per customer (500 customers: 500 mails
            # and ten seconds); action_pool_assign sends one note for the whole batch
            records = records.with_context(mail_auto_subscribe_no_notify=True)
        records.write(values)
        self.env["wsv.pool.move"].sudo().create(moves)

    def _notify_new_owner(self, user):
        """One note to ``user``, in their language, for the customers given to them."""
        names = ", ".join(self[:20].mapped("display_name")) + ("…" if len(self) > 20 else "")
        theirs = self.env(context=dict(self.env.context, lang=user.lang or self.env.lang))
        self[:1].sudo().message_notify(
            partner_ids=user.partner_id.ids,
            author_id=self.env.user.partner_id.id,
            subject=theirs._("%(count)s customers assigned to you", count=len(self)),
            body=theirs._(
                "%(user)s assigned %(count)s customers to you: %(names)s",
                user=self.env.user.name,
                count=len(self),
                names=names,
            ),
        )

    def action_pool_claim(self):
        """Claim pool customers for oneself, within the holding and daily limits."""
        user = self.env.user
        if not user.has_group("wsv_crm_customer.group_salesperson"):
            raise UserError(lang_env(self.env)._("Claim: only a salesperson can claim customers."))
        # one claim of a user at a time: the row update makes a parallel claim of the same
        # user fail to serialize and retry, so its limits count this claim's customers
        self.env.cr.execute(SQL("UPDATE res_users SET id = id WHERE id = %s", user.id))
        try:
            customers = self._pool_customers()
        except AccessError:
            customers = self.browse()
        # sudo reads only the pool state: a customer claimed a moment ago by someone else
        # is no longer readable, and the user must still get a clear answer
        taken = self.sudo().filtered(lambda p: p.pool_state != "pool")
        if taken or len(customers) != len(self):
            raise UserError(
                lang_env(self.env)._(
                    "Claim: %s of these customers are not in the public pool any more: "
                    "another salesperson has just claimed them.",
                    len(taken) or len(self),
                )
            )
        customers._check_claim_lock(user)
        customers._check_daily_claim_limit(user)
        customers._check_holding_limits(user)
        customers._pool_move("claim", user)
        return True

    def action_pool_release(self, reason=False):
        """Release own customers to the pool; the reason is required and logged."""
        if not (reason or "").strip():
            raise UserError(lang_env(self.env)._("Release: a reason is required."))
        customers = self._pool_customers()
        is_manager = self.env.user.has_group("wsv_crm_customer.group_sales_manager")
        others = customers.filtered(lambda p: p.user_id != self.env.user)
        if others and not is_manager:
            raise UserError(
                lang_env(self.env)._(
                    "Release: %(name)s belongs to %(owner)s; you can release only your own "
                    "customers.",
                    name=others[0].display_name,
                    owner=others[0].user_id.name or lang_env(self.env)._("the public pool"),
                )
            )
        in_pool = customers.filtered(lambda p: p.pool_state == "pool")
        if in_pool:
            raise UserError(
                lang_env(self.env)._(
                    "Release: %s is already in the public pool.", in_pool[0].display_name
                )
            )
        customers._pool_move("release", self.env["res.users"], reason.strip())
        return True

    def action_pool_assign(self, user_id, reason=False):
        """Managers: give customers (from the pool or another owner) to a salesperson."""
        if not self.env.user.has_group("wsv_crm_customer.group_sales_manager"):
            raise UserError(
                lang_env(self.env)._("Assign: only a sales manager can assign customers.")
            )
        user = self.env["res.users"].browse(user_id).exists()
        if not user or not user.has_group("wsv_crm_customer.group_salesperson"):
            raise UserError(lang_env(self.env)._("Assign: the new owner must be a salesperson."))
        self._pool_customers()._pool_give(user, reason)
        return True

    def _pool_give(self, user, reason):
        """Assign (from the pool) or transfer (from another owner) to ``user``, as the Assign
        action or a manager's edit of the owner: one move each, one note to the new owner."""
        # the customers go to the new owner's team: a manager keeps within their own teams
        # (the ones they may see), a director assigns across teams
        me = self.env.user
        team = user.sale_team_id
        if not me.has_group("wsv_crm_customer.group_sales_director") and not (
            team and (team.user_id == me or team in me.crm_team_ids)
        ):
            raise UserError(
                lang_env(self.env)._(
                    "Assign: %(user)s is not in your sales teams; a sales director assigns "
                    "customers across teams.",
                    user=user.name,
                )
            )
        moved = self.filtered(lambda p: p.user_id != user)
        pool = moved.filtered(lambda p: p.pool_state == "pool")
        for kind, batch in (("assign", pool), ("transfer", moved - pool)):
            if batch:
                batch._pool_move(kind, user, reason)
        if moved and user != me:
            moved._notify_new_owner(user)

    # ------------------------------------------------------------ limits
    def _pool_param(self, name, default):
        return int(
            self.env["ir.config_parameter"].sudo().get_param(f"wsv_crm_customer.{name}", default)
        )

    def _check_claim_lock(self, user):
        days = self._pool_param("pool_reclaim_lock_days", 30)
        if not days:
            return
        recent = (
            self.env["wsv.pool.move"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.ids),
                    ("kind", "in", ("release", "recycle")),
                    ("from_user_id", "=", user.id),
                    ("create_date", ">=", fields.Datetime.now() - timedelta(days=days)),
                ],
                limit=1,
            )
        )
        if recent:
            raise UserError(
                lang_env(self.env)._(
                    "Claim: you released %(name)s on %(date)s; you may claim it again %(days)s "
                    "days after that.",
                    name=recent.partner_id.display_name,
                    date=fields.Date.to_string(recent.create_date),
                    days=days,
                )
            )

    def _check_daily_claim_limit(self, user):
        limit = self._pool_param("pool_daily_claim_limit", 20)
        if not limit:
            return
        # midnight where the user is, in UTC like create_date
        tz = pytz.timezone(self.env.user.tz or "UTC")
        local_midnight = tz.localize(datetime.combine(fields.Date.context_today(self), time()))
        today = local_midnight.astimezone(pytz.utc).replace(tzinfo=None)
        done = (
            self.env["wsv.pool.move"]
            .sudo()
            .search_count(
                [("kind", "=", "claim"), ("to_user_id", "=", user.id), ("create_date", ">=", today)]
            )
        )
        if done + len(self) > limit:
            raise UserError(
                lang_env(self.env)._(
                    "Claim: at most %(limit)s customers a day; you have claimed %(done)s today "
                    "and are claiming %(count)s more.",
                    limit=limit,
                    done=done,
                    count=len(self),
                )
            )

    def _check_holding_limits(self, user, creating=False):
        limits = self.env["wsv.holding.limit"].search([])._as_rules()
        if not limits:
            return
        # the claiming salesperson's own customers: readable to them as they are (less these,
        # when they are being created as theirs)
        held = self.search_fetch(
            [("user_id", "=", user.id), ("is_customer", "=", True), ("id", "not in", self.ids)],
            ["grade", "last_won_date"],
        )
        broken = broken_limits(
            limits,
            user.id,
            [(p.grade or None, bool(p.last_won_date)) for p in held],
            [(p.grade or None, bool(p.last_won_date)) for p in self],
        )
        if broken:
            limit, total = broken[0]
            grade = lang_env(self.env)._(" of grade %s", limit.grade) if limit.grade else ""
            if creating:
                raise UserError(
                    lang_env(self.env)._(
                        "Salesperson: holding limit reached: at most %(max)s customers%(grade)s "
                        "per salesperson; this new customer would make %(total)s. Create it "
                        "for the public pool (Salesperson empty) or release one first.",
                        max=limit.max_customers,
                        grade=grade,
                        total=total,
                    )
                )
            raise UserError(
                lang_env(self.env)._(
                    "Claim: holding limit reached: at most %(max)s customers%(grade)s per "
                    "salesperson; this claim would make %(total)s.",
                    max=limit.max_customers,
                    grade=grade,
                    total=total,
                )
            )

    # ------------------------------------------------------------ follow-up
    def _touch_followup(self):
        """Record a follow-up now (a message or a completed activity)."""
        partners = self.commercial_partner_id.filtered("is_customer")
        if partners:
            # a technical timestamp: set in SQL, without tracking or access checks on the
            # customer (the follow-up itself was checked where it was posted)
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET last_followup_date = now() at time zone 'UTC', "
                    "recycle_warned_date = NULL WHERE id IN %s",
                    tuple(partners.ids),
                )
            )
            partners.invalidate_recordset(["last_followup_date", "recycle_warned_date"])

    def _message_post_after_hook(self, message, msg_values):
        if msg_values.get("message_type") == "comment" or msg_values.get("mail_activity_type_id"):
            self._touch_followup()
        return super()._message_post_after_hook(message, msg_values)

    def _record_won(self, day):
        """A deal was won with these customers on ``day`` (grading, holding limits, recycling)."""
        if self:
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET last_won_date = GREATEST(last_won_date, %s) "
                    "WHERE id IN %s",
                    day,
                    tuple(self.ids),
                )
            )
            self.invalidate_recordset(["last_won_date"])

    # ------------------------------------------------------------ auto-recycle
    def _pool_recycle_exemptions(self):
        """SQL conditions on ``p`` (res_partner) that exempt a customer from a rule's
        recycling; other addons add theirs (signed contracts)."""
        return {
            # uncorrelated, so PostgreSQL reads the opportunities once (a hashed subplan),
            # not once per customer
            "exempt_open_opportunities": SQL(
                """p.id IN (SELECT c.commercial_partner_id
                              FROM crm_lead l
                              JOIN res_partner c ON c.id = l.partner_id
                              LEFT JOIN crm_stage s ON s.id = l.stage_id
                             WHERE l.active AND l.type = 'opportunity'
                               AND COALESCE(s.is_won, false) = false
                               AND c.commercial_partner_id IS NOT NULL)"""
            )
        }

    def _recycle_candidates(self, rule, due, graded=()):
        """Ids of owned customers that ``rule`` recycles at ``due`` (a datetime). A rule for
        all grades leaves alone the ``graded`` grades, which have rules of their own."""
        conditions = [SQL("p.is_customer AND p.active AND p.user_id IS NOT NULL")]
        if rule.grade:
            conditions.append(SQL("p.grade = %s", rule.grade))
        elif graded:
            conditions.append(SQL("(p.grade IS NULL OR p.grade NOT IN %s)", tuple(graded)))
        late = []
        if rule.no_followup_days:
            cutoff = due - timedelta(days=rule.no_followup_days)
            late.append(
                SQL(
                    "GREATEST(p.last_followup_date, p.owner_date, p.create_date) < %s",
                    cutoff,
                )
            )
        if rule.no_won_days:
            cutoff = due - timedelta(days=rule.no_won_days)
            late.append(
                SQL(
                    "GREATEST(p.last_won_date::timestamp, p.owner_date, p.create_date) < %s",
                    cutoff,
                )
            )
        if not late:
            return []
        conditions.append(SQL("(%s)", SQL(" OR ").join(late)))
        for flag, condition in self._pool_recycle_exemptions().items():
            if rule[flag]:
                conditions.append(SQL("NOT %s", condition))
        return [
            row[0]
            for row in self.env.execute_query(
                SQL("SELECT p.id FROM res_partner p WHERE %s", SQL(" AND ").join(conditions))
            )
        ]

    @api.model
    def _cron_pool_recycle(self):
        """Apply the auto-recycle rules: warn owners K days before, then move the neglected
        customers back to the pool. Customers a rule for their grade covers are left to it."""
        now = fields.Datetime.now()
        self.env.flush_all()  # the rules read the database directly
        Partner = self.sudo().with_context(wsv_pool_move=TRUSTED, tracking_disable=False)
        recycled, warned = Partner.browse(), Partner.browse()
        rules = self.env["wsv.recycle.rule"].sudo().search([])
        graded = set(rules.filtered("grade").mapped("grade"))
        for rule in rules:
            recycled |= Partner.browse(sorted(Partner._recycle_candidates(rule, now, graded)))
            if rule.warn_days:
                later = now + timedelta(days=rule.warn_days)
                soon = set(Partner._recycle_candidates(rule, later, graded))
                warned |= Partner.browse(sorted(soon - set(recycled.ids)))
        if recycled:
            reason = lang_env(self.env)._(
                "Auto-recycle: no follow-up or no won deal within the rule's days."
            )
            for owner_id in set(recycled.mapped("user_id").ids):
                batch = recycled.filtered(lambda p, o=owner_id: p.user_id.id == o)
                batch._pool_move("recycle", self.env["res.users"], reason)
        warned.filtered(lambda p: not p.recycle_warned_date)._warn_recycle()
        return len(recycled)

    def _warn_recycle(self):
        """One activity for the owner, once until the next follow-up."""
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("res.partner")
        deadline = fields.Date.context_today(self)
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "user_id": partner.user_id.id,
                    "date_deadline": deadline,
                    "summary": lang_env(self.env)._(
                        "Follow up, or this customer returns to the public pool"
                    ),
                }
                for partner in self
            ]
        )
        self.write({"recycle_warned_date": deadline})

    def action_view_pool_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "wsv_crm_customer.wsv_pool_move_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        return action
