"""Requirement to material code (需求转编码): a salesperson records what a customer needs, a
product manager reviews it, and the code rules turn each approved line into a material code
(物料编码) and a product that contracts can use."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.wsv_crm_customer.models.i18n import lang_env
from odoo.addons.wsv_crm_customer.models.wsv_guard import ALL

from ..lib import material_code
from .workflow import check_state

PRODUCT_MANAGER = "wsv_crm_customer.group_product_manager"
SALESPERSON = "wsv_crm_customer.group_salesperson"
REQUIREMENT_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("reviewed", "Reviewed"),
    ("coded", "Coded"),
    ("rejected", "Rejected"),
]


class WsvMaterialCodeRule(models.Model):
    """A code rule (编码规则): the prefix and running number of a product family's codes."""

    _name = "wsv.material.code.rule"
    _description = "Material Code Rule"
    _order = "product_family, id"
    _rec_name = "product_family"
    _rec_names_search = ["product_family", "name", "prefix"]

    name = fields.Char(required=True, translate=True)
    product_family = fields.Char(
        required=True, help="Starts the name of every product coded with this rule."
    )
    prefix = fields.Char(
        required=True, help="Up to 12 capital letters, digits and dashes, e.g. DDZY."
    )
    padding = fields.Integer(default=6, help="Digits of the running number.")
    next_number = fields.Integer(default=1, copy=False)
    product_categ_id = fields.Many2one(
        "product.category", string="Product Category", help="The category of the new products."
    )
    active = fields.Boolean(default=True)

    @api.constrains("prefix", "padding", "next_number", "active")
    def _check_code_format(self):
        for rule in self:
            if not material_code.PREFIX.fullmatch(rule.prefix or ""):
                raise ValidationError(
                    lang_env(self.env)._(
                        "Prefix %(prefix)s: use 1 to 12 capital letters, digits and dashes, "
                        "starting with a letter or digit.",
                        prefix=rule.prefix,
                    )
                )
            if not material_code.MIN_PADDING <= rule.padding <= material_code.MAX_PADDING:
                raise ValidationError(
                    lang_env(self.env)._(
                        "Padding must be %(min)s to %(max)s digits.",
                        min=material_code.MIN_PADDING,
                        max=material_code.MAX_PADDING,
                    )
                )
            if rule.next_number < 1:
                raise ValidationError(lang_env(self.env)._("Next Number must be at least 1."))
            if rule.active and self.search_count(
                [("prefix", "=", rule.prefix), ("id", "!=", rule.id)], limit=1
            ):
                raise ValidationError(
                    lang_env(self.env)._(
                        "Prefix %(prefix)s is already used by another active code rule.",
                        prefix=rule.prefix,
                    )
                )

    def _allocate_code(self):
        """The rule's next code; the running number moves on in the same transaction."""
        self.ensure_one()
        # The row lock makes a second product manager coding with this rule wait until this
        # transaction ends; in Odoo's repeatable-read transactions the waiting one then fails
        # with a serialization error and is retried, so it reads the number this one left.
        [(number,)] = self.env.execute_query(
            SQL(
                "SELECT %s FROM %s WHERE id = %s FOR UPDATE",
                SQL.identifier("next_number", to_flush=self._fields["next_number"]),
                SQL.identifier(self._table),
                self.id,
            )
        )
        # codes already in use under this prefix (typed in or imported) are never given again
        Product = self.env["product.product"]
        last = self.env.execute_query(
            SQL(
                "SELECT %s FROM product_product WHERE default_code ~ %s"
                " ORDER BY substring(default_code, %s)::numeric DESC LIMIT 1",
                SQL.identifier("default_code", to_flush=Product._fields["default_code"]),
                f"^{self.prefix}[0-9]+$",
                len(self.prefix) + 1,
            )
        )
        number = max(number, material_code.next_number(last[0][0] if last else None, self.prefix))
        self.next_number = number + 1
        return material_code.format_code(self.prefix, number, self.padding)


class WsvRequirement(models.Model):
    """A customer requirement (需求): what the customer needs, line by line."""

    _name = "wsv.requirement"
    _description = "Customer Requirement"
    _inherit = ["mail.thread", "mail.activity.mixin", "wsv.guard.mixin"]
    _order = "id desc"
    # set by the actions only, so that a status and a reviewer always mean a real review
    _wsv_workflow = ("state",)
    _wsv_derived = ("name", "reviewer_id", "reviewed_date")
    _wsv_state = "state"

    name = fields.Char(string="Reference", readonly=True, copy=False, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_customer', '=', True)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
    )
    opportunity_id = fields.Many2one("crm.lead", domain="[('type', '=', 'opportunity')]")
    state = fields.Selection(
        REQUIREMENT_STATES,
        string="Status",
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    line_ids = fields.One2many("wsv.requirement.line", "requirement_id", string="Lines", copy=True)
    reviewer_id = fields.Many2one("res.users", string="Reviewed By", readonly=True, copy=False)
    reviewed_date = fields.Datetime(string="Reviewed On", readonly=True, copy=False)
    reject_reason = fields.Text(string="Rejection Reason", copy=False, tracking=True)
    can_review = fields.Boolean(compute="_compute_can_review")

    @api.depends_context("uid")
    def _compute_can_review(self):
        self.can_review = self.env.user.has_group(PRODUCT_MANAGER)

    def _wsv_allow_table(self, create=False):
        # the salesperson prepares it; the product manager reviewing it may correct the lines
        # and write the rejection reason
        under_review = {PRODUCT_MANAGER: {"line_ids", "reject_reason"}}
        return {"draft": {"": ALL}, "submitted": under_review, "reviewed": under_review}

    def _wsv_actions_hint(self):
        return lang_env(self.env)._("Submit, Review, Reject, Generate Codes, Back to Draft")

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._wsv_check_create(vals_list)
        for vals in vals_list:
            if not vals.get("name"):
                vals["name"] = self.env["ir.sequence"].next_by_code("wsv.requirement")
        return super().create(vals_list)

    def write(self, vals):
        vals = self._wsv_check_write(vals)
        return super().write(vals)

    def _set_state(self, vals):
        self._wsv_system().write(vals)

    def _check_state(self, *states):
        message = lang_env(self.env)._(
            "Requirement %(name)s is %(state)s: this step needs it %(needed)s."
        )
        check_state(self, "state", states, message, name="name")

    def _check_product_manager(self):
        if not self.env.user.has_group(PRODUCT_MANAGER):
            raise AccessError(
                lang_env(self.env)._(
                    "Only a product manager can review requirements and issue material codes."
                )
            )

    def _check_sales(self):
        # submitting and taking back are the salesperson's steps (the record rules say whose
        # requirements): a product manager who could submit one could then review it himself
        if not self.env.su and not self.env.user.has_group(SALESPERSON):
            raise AccessError(
                lang_env(self.env)._(
                    "Only sales submits requirements and takes them back to draft."
                )
            )

    def _check_has_lines(self):
        empty = self.filtered(lambda r: not r.line_ids)
        if empty:
            raise UserError(
                lang_env(self.env)._(
                    "Requirement %(name)s has no lines: add what the customer needs first.",
                    name=empty[0].name,
                )
            )

    # ------------------------------------------------------------ actions
    def action_submit(self):
        self._check_sales()
        self._check_state("draft")
        self._check_has_lines()
        self._set_state({"state": "submitted"})
        return True

    def action_review(self):
        self._check_product_manager()
        self._check_state("submitted")
        self._set_state(
            {
                "state": "reviewed",
                "reviewer_id": self.env.uid,
                "reviewed_date": fields.Datetime.now(),
            }
        )
        return True

    def action_reject(self, reason=None):
        """Reject with ``reason``, or with the Rejection Reason the product manager wrote on the
        form (a button passes no argument)."""
        self._check_product_manager()
        self._check_state("submitted", "reviewed")
        for requirement in self:
            text = (requirement.reject_reason if reason is None else reason) or ""
            if not text.strip():
                raise UserError(
                    lang_env(self.env)._(
                        "Rejection Reason: say why requirement %(name)s is rejected.",
                        name=requirement.name,
                    )
                )
            requirement._set_state(
                {
                    "state": "rejected",
                    "reject_reason": text.strip(),
                    "reviewer_id": self.env.uid,
                    "reviewed_date": fields.Datetime.now(),
                }
            )
        return True

    def action_draft(self):
        """Back to the salesperson to rework and submit again; the chatter keeps the reason."""
        self._check_sales()
        self._check_state("rejected")
        self._set_state(
            {"state": "draft", "reject_reason": False, "reviewer_id": False, "reviewed_date": False}
        )
        return True

    def action_generate_codes(self):
        """A material code and a product for every line; all the lines or none."""
        self._check_product_manager()
        self._check_state("reviewed")
        self._check_has_lines()
        for line in self.line_ids:
            if not line.rule_id.active:
                raise UserError(
                    lang_env(self.env)._(
                        "Requirement %(name)s, line %(line)s: the product family %(family)s has "
                        "no active code rule; choose another rule for the line.",
                        name=line.requirement_id.name,
                        line=line.specification,
                        family=line.product_family,
                    )
                )
        # In rule order: two product managers take the rules' row locks in the same order, so
        # they never wait on each other in a circle.
        lines = self.line_ids.sorted(
            lambda line: (line.rule_id.id, line.requirement_id.id, line.sequence, line.id)
        )
        codes = [line.rule_id._allocate_code() for line in lines]
        # product managers keep the catalogue (security/ir.model.access.csv)
        products = self.env["product.product"].create(
            [line._product_values(code) for line, code in zip(lines, codes, strict=True)]
        )
        for line, code, product in zip(lines, codes, products, strict=True):
            line._wsv_system().write({"material_code": code, "product_id": product.id})
        self._set_state({"state": "coded"})
        return True


class WsvRequirementLine(models.Model):
    _name = "wsv.requirement.line"
    _description = "Customer Requirement Line"
    _inherit = ["wsv.guard.mixin"]
    _order = "requirement_id, sequence, id"
    # what was submitted is what gets reviewed and coded: the lines change in draft, and for
    # the product manager reviewing them until they are coded; codes come from Generate Codes
    _wsv_derived = ("material_code", "product_id")
    _wsv_state = "requirement_id.state"

    requirement_id = fields.Many2one(
        "wsv.requirement", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    rule_id = fields.Many2one(
        "wsv.material.code.rule", string="Product Family", required=True, ondelete="restrict"
    )
    product_family = fields.Char(related="rule_id.product_family", string="Family Name")
    specification = fields.Char(
        required=True, help="Rating, functions and modules, e.g. 5(60)A, prepaid, 4G module."
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    date_needed = fields.Date()
    material_code = fields.Char(readonly=True, copy=False, index=True)
    product_id = fields.Many2one("product.product", readonly=True, copy=False)

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(
                    lang_env(self.env)._(
                        "Quantity must be greater than zero (line %(line)s).",
                        line=line.specification,
                    )
                )

    def _wsv_allow_table(self, create=False):
        return {
            "draft": {"": ALL},
            "submitted": {PRODUCT_MANAGER: ALL},
            "reviewed": {PRODUCT_MANAGER: ALL},
        }

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._wsv_check_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        # (moved to another requirement, the guard checks that one too)
        vals = self._wsv_check_write(vals)
        return super().write(vals)

    def unlink(self):
        self._wsv_check_unlink()
        return super().unlink()

    def _product_values(self, code):
        self.ensure_one()
        values = {
            "name": f"{self.product_family} {self.specification}",
            "default_code": code,
            "sale_ok": True,
            "type": "consu",
        }
        if self.rule_id.product_categ_id:
            values["categ_id"] = self.rule_id.product_categ_id.id
        return values
