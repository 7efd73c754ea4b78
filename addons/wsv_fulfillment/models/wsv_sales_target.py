"""Sales targets (业绩目标) per team or salesperson, per year or month, for the signed and the
collected amount; attainment and ranking are live."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.wsv_crm_customer.models.i18n import lang_env

from ..lib import targets

# two-digit labels: Odoo does not export one-character terms for translation
MONTHS = [(str(m), f"{m:02d}") for m in range(1, 13)]
SIGNED = ("signed", "executing", "closed")
MANAGER = "wsv_crm_customer.group_sales_manager"
DIRECTOR = "wsv_crm_customer.group_sales_director"


class WsvSalesTarget(models.Model):
    _name = "wsv.sales.target"
    _inherit = ["wsv.guard.mixin"]
    _description = "Sales Target"
    _order = "year desc, month, team_id, user_id"

    name = fields.Char(compute="_compute_name")
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)
    month = fields.Selection(MONTHS, help="Empty for the whole year.")
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True)
    level = fields.Selection(
        [("team", "Team"), ("user", "Salesperson")], compute="_compute_level", store=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    target_signed = fields.Monetary(string="Signing Target")
    target_collected = fields.Monetary(string="Collection Target")
    actual_signed = fields.Monetary(string="Signed", compute="_compute_attainment")
    actual_collected = fields.Monetary(string="Collected", compute="_compute_attainment")
    attainment_signed = fields.Float(string="Signing Attainment (%)", compute="_compute_attainment")
    attainment_collected = fields.Float(
        string="Collection Attainment (%)", compute="_compute_attainment"
    )
    rank_signed = fields.Integer(string="Signing Rank", compute="_compute_attainment")
    rank_collected = fields.Integer(string="Collection Rank", compute="_compute_attainment")

    _sql_constraints = [
        (
            "one_target",
            "UNIQUE NULLS NOT DISTINCT (company_id, year, month, team_id, user_id)",
            "There is already a target for this period, team and salesperson.",
        ),
        (
            "team_or_user",
            "CHECK ((team_id IS NULL) != (user_id IS NULL))",
            "A target is for a sales team or for a salesperson, one of the two.",
        ),
        (
            "amounts_positive",
            "CHECK (target_signed >= 0 AND target_collected >= 0)",
            "Targets must not be negative.",
        ),
    ]

    def _wsv_allow_table(self, create=False):
        # who sets whose target is in the record rules (managers their salespeople's)
        period = {"year", "month", "team_id", "user_id", "target_signed", "target_collected"}
        return {"*": {MANAGER: period, DIRECTOR: period | {"company_id"}}}

    @api.depends("year", "month", "team_id", "user_id")
    def _compute_name(self):
        for target in self:
            period = f"{target.year}-{int(target.month):02d}" if target.month else str(target.year)
            who = target.user_id.name or target.team_id.name or ""
            target.name = f"{period} {who}"

    @api.depends("team_id", "user_id")
    def _compute_level(self):
        for target in self:
            target.level = "user" if target.user_id else "team"

    @api.constrains("year")
    def _check_year(self):
        for target in self:
            try:
                targets.period(target.year)
            except ValueError:
                raise ValidationError(
                    lang_env(self.env)._("Year: %s is not a year from 1900 to 9999.", target.year)
                ) from None

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._wsv_check_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        vals = self._wsv_check_write(vals)
        return super().write(vals)

    def _period(self):
        return targets.period(self.year, int(self.month) if self.month else None)

    @api.depends("year", "month", "team_id", "user_id", "target_signed", "target_collected")
    def _compute_attainment(self):
        """Actuals for every period in two grouped queries each, and the rank among all the
        targets of the same period and level (seen or not by the user)."""
        everyone = self.sudo()
        periods = {(t.company_id.id, t.year, t.month, t.level) for t in self}
        for company_id, year, month, level in periods:
            everyone |= everyone.search(
                [
                    ("company_id", "=", company_id),
                    ("year", "=", year),
                    ("month", "=", month or False),
                    ("level", "=", level),
                ]
            )
        actuals = {}
        for key in {(t.company_id.id, t._period()) for t in everyone if t.year}:
            actuals[key] = self._actuals(*key)
        scores = {}
        for target in everyone:
            if not target.year:
                continue
            signed, collected = actuals[(target.company_id.id, target._period())]
            who = target.user_id.id if target.level == "user" else target.team_id.id
            target_signed = signed[target.level].get(who, 0.0)
            target_collected = collected[target.level].get(who, 0.0)
            group = (target.company_id.id, target.year, target.month, target.level)
            scores.setdefault(group, {})[target.id] = (
                target_signed,
                target_collected,
                targets.attainment(target_signed, target.target_signed),
                targets.attainment(target_collected, target.target_collected),
            )
        ranks = {}
        for group in scores.values():
            by_signed = targets.ranking({k: v[2] for k, v in group.items()})
            by_collected = targets.ranking({k: v[3] for k, v in group.items()})
            for target_id, values in group.items():
                ranks[target_id] = (*values, by_signed[target_id], by_collected[target_id])
        for target in self:
            values = ranks.get(target.id or target._origin.id, (0.0, 0.0, None, None, 0, 0))
            target.actual_signed, target.actual_collected = values[0], values[1]
            target.attainment_signed = values[2] or 0.0
            target.attainment_collected = values[3] or 0.0
            target.rank_signed, target.rank_collected = values[4], values[5]

    @api.model
    def _actuals(self, company_id, period):
        """({level: {id: signed}}, {level: {id: collected}}) over the period: contracts by
        signing date, booked collections by date, each summed by salesperson and by team."""
        start, end = period
        company = self.env["res.company"].browse(company_id)
        sources = [
            ("sale.order", "signing_date", [("contract_state", "in", SIGNED)], "amount_total:sum"),
            ("wsv.collection", "date", [("state", "=", "booked")], "amount:sum"),
        ]
        totals = []
        for model, date_field, domain, measure in sources:
            sums = {"user": {}, "team": {}}
            groups = (
                self.env[model]
                .sudo()
                ._read_group(
                    domain
                    + [
                        ("company_id", "=", company_id),
                        (date_field, ">=", start),
                        (date_field, "<=", end),
                    ],
                    ["user_id", "team_id", "currency_id"],
                    [measure],
                )
            )
            for user, team, currency, amount in groups:
                # contracts in another currency (overseas) count at the rate of the period end
                if currency and currency != company.currency_id:
                    amount = currency._convert(amount, company.currency_id, company, end)
                sums["user"][user.id] = sums["user"].get(user.id, 0.0) + amount
                sums["team"][team.id] = sums["team"].get(team.id, 0.0) + amount
            totals.append(sums)
        return tuple(totals)
