"""Customer grade (A/B/C/D) from configurable rules, with a manual override."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib.grading import Metrics, grade_for
from .i18n import lang_env
from .wsv_holding_limit import GRADES


class ResPartner(models.Model):
    # one concern of res.partner per file (see res_partner.py)
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    grade_computed = fields.Selection(GRADES, string="Grade by Rules", readonly=True, copy=False)
    grade_manual = fields.Selection(GRADES, string="Manual Grade", copy=False, tracking=True)
    grade_manual_reason = fields.Char(string="Manual Grade Reason", copy=False, tracking=True)
    grade = fields.Selection(
        GRADES,
        compute="_compute_grade",
        store=True,
        index=True,
        tracking=True,
        help="The manual grade when set, otherwise the grade from the grading rules.",
    )

    @api.depends("grade_computed", "grade_manual")
    def _compute_grade(self):
        for partner in self:
            partner.grade = partner.grade_manual or partner.grade_computed

    @api.constrains("grade_manual", "grade_manual_reason")
    def _check_grade_manual_reason(self):
        for partner in self:
            if partner.grade_manual and not (partner.grade_manual_reason or "").strip():
                raise ValidationError(
                    lang_env(self.env)._(
                        "Manual Grade: %s needs a Manual Grade Reason to override the rules.",
                        partner.display_name,
                    )
                )

    def _grading_metrics(self):
        """{partner id: Metrics} for the customers in self. Other addons add contract and
        collected amounts by extending this."""
        opportunities = {}
        groups = (
            self.env["crm.lead"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "child_of", self.ids),
                    ("type", "=", "opportunity"),
                    ("stage_id.is_won", "=", False),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        for contact, count in groups:
            key = contact.commercial_partner_id
            opportunities[key] = opportunities.get(key, 0) + count
        return {
            partner.id: Metrics(
                open_opportunities=opportunities.get(partner, 0), employees=partner.employee_count
            )
            for partner in self
        }

    def _recompute_grade(self):
        rules = self.env["wsv.grade.rule"].sudo().search([])._as_rules()
        metrics = self._grading_metrics()
        by_grade = {}
        for partner in self:
            grade = grade_for(metrics[partner.id], rules)
            if grade != partner.grade_computed:
                by_grade.setdefault(grade, []).append(partner.id)
        for grade, ids in by_grade.items():
            self.browse(ids)._wsv_system().write({"grade_computed": grade})

    def action_recompute_grade(self):
        # the grades are written by the system: the caller must at least be able to edit them
        self.check_access("write")
        self.filtered("is_customer")._recompute_grade()
        return True

    @api.model
    def _cron_recompute_grades(self, batch=5000):
        customers = self.sudo().with_context(active_test=True).search([("is_customer", "=", True)])
        for start in range(0, len(customers), batch):
            customers[start : start + batch]._recompute_grade()
