from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..lib import credit_code as ccode


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_code = fields.Char(
        string="Unified Social Credit Code",
        size=18,
        index=True,
        copy=False,
        tracking=True,
        help="18-character registry id of a Chinese organisation (GB 32100).",
    )
    credit_code_review = fields.Boolean(
        string="Credit Code To Review",
        copy=False,
        help="Imported with a credit code whose check character does not match GB 32100 "
        "(some codes from the early pilots): kept, but flagged for someone to confirm.",
    )

    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="The team of the owner; managers see their teams' customers.",
    )

    def init(self):
        # Race-safe backstop for _check_credit_code: two companies never share a code.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS res_partner_credit_code_company_uniq "
                "ON res_partner (credit_code) "
                "WHERE credit_code IS NOT NULL AND is_company AND parent_id IS NULL"
            )
        )

    @api.depends("user_id")
    def _compute_team_id(self):
        for partner in self.filtered("user_id"):
            partner.team_id = partner.user_id.sale_team_id or partner.team_id

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._prepare_credit_code(vals)
        self._check_credit_code_unique(
            [v["credit_code"] for v in vals_list if v.get("credit_code") and v.get("is_company")]
        )
        return super().create(vals_list)

    def write(self, vals):
        self._prepare_credit_code(vals)
        if vals.get("credit_code"):
            self._check_credit_code_unique(
                [vals["credit_code"]] * len(self.filtered("is_company")), exclude=self
            )
        return super().write(vals)

    def _prepare_credit_code(self, vals):
        """Normalise the code and apply GB 32100; legacy imports are flagged, not refused."""
        if not vals.get("credit_code"):
            return
        code = ccode.normalize(vals["credit_code"])
        vals["credit_code"] = code
        result = ccode.check(code)
        if result == ccode.BAD_CHECK and self.env.context.get("import_file"):
            vals["credit_code_review"] = True
        elif result != ccode.VALID:
            raise ValidationError(self._credit_code_error(code, result))
        else:
            vals.setdefault("credit_code_review", False)

    def _credit_code_error(self, code, result):
        if result == ccode.BAD_FORMAT:
            return self.env._(
                "Unified Social Credit Code %(code)s is invalid: it must be 18 characters, "
                "digits and capital letters except I, O, S, V and Z, with digits in places 3 to 8 "
                "(GB 32100).",
                code=code,
            )
        return self.env._(
            "Unified Social Credit Code %(code)s is invalid: its check character (the 18th) "
            "does not match the first 17 characters (GB 32100).",
            code=code,
        )

    def _check_credit_code_unique(self, codes, exclude=None):
        """Refuse a code that another company has, before the unique index would."""
        if not codes:
            return
        repeated = {c for c in codes if codes.count(c) > 1}
        # sudo: uniqueness is over all companies, including those this user may not read;
        # the message names the code only, not the other customer.
        taken = (
            self.sudo()
            .with_context(active_test=False)
            .search_fetch(
                [
                    ("credit_code", "in", codes),
                    ("is_company", "=", True),
                    ("parent_id", "=", False),
                    ("id", "not in", (exclude or self.browse()).ids),
                ],
                ["credit_code"],
            )
        )
        for code in repeated | set(taken.mapped("credit_code")):
            raise ValidationError(
                self.env._(
                    "Unified Social Credit Code %(code)s is already used by another customer: "
                    "the code must be unique among companies.",
                    code=code,
                )
            )
