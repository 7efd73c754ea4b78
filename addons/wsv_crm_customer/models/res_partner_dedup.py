"""Duplicate check (查重) on customers: exact on the credit code, fuzzy on the normalised name
(PostgreSQL trigram similarity on an index), exact on the normalised phone and email."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..lib import dedup
from .base import InputError
from .i18n import lang_env
from .res_partner import context_value, trusted

DEFAULT_THRESHOLD = 0.5
DEFAULT_KEYS = "credit_code,name,phone,email"
CHECKED_FIELDS = {"name", "phone", "mobile", "email", "credit_code", "is_customer"}


class ResPartner(models.Model):
    # one concern of res.partner per file (see res_partner.py)
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # indexed for trigram search in res_partner.init()
    name_normalized = fields.Char(compute="_compute_name_normalized", store=True, copy=False)
    phone_normalized = fields.Char(compute="_compute_phone_normalized", store=True, index=True)
    duplicate_candidate_ids = fields.Many2many(
        "res.partner",
        compute="_compute_duplicate_candidate_ids",
        string="Possible Duplicates",
        help="Customers you can see that match this one by credit code, name, phone or email.",
    )
    duplicate_reason = fields.Char(
        copy=False,
        tracking=True,
        help="Why this customer was kept although it looks like an existing one.",
    )

    @api.depends("name")
    def _compute_name_normalized(self):
        for partner in self:
            partner.name_normalized = dedup.normalize_name(partner.name) or False

    @api.depends("phone", "mobile")
    def _compute_phone_normalized(self):
        for partner in self:
            partner.phone_normalized = (
                dedup.normalize_phone(partner.phone)
                or dedup.normalize_phone(partner.mobile)
                or False
            )

    @api.depends("name", "phone", "mobile", "email", "credit_code", "is_customer")
    def _compute_duplicate_candidate_ids(self):
        for partner in self:
            if not partner.is_customer or not partner.name:
                partner.duplicate_candidate_ids = False
                continue
            matches = self._find_duplicates(
                {
                    "name": partner.name,
                    "phone": partner.phone or partner.mobile,
                    "email": partner.email,
                    "credit_code": partner.credit_code,
                },
                exclude_ids=partner._origin.ids,
            )
            partner.duplicate_candidate_ids = [m["id"] for m in matches]

    @api.model
    def _dedup_settings(self):
        params = self.env["ir.config_parameter"].sudo()
        keys = params.get_param("wsv_crm_customer.dedup_keys", DEFAULT_KEYS)
        threshold = float(params.get_param("wsv_crm_customer.dedup_threshold", DEFAULT_THRESHOLD))
        return {k.strip() for k in keys.split(",") if k.strip()}, threshold

    @api.model
    def _find_duplicates(self, values, exclude_ids=(), limit=20, visible_only=True):
        """Customers matching ``values`` (name, phone, email, credit_code), best first.

        The matching runs in SQL over all customers; the result is then searched as the
        current user, so it holds only what the user may see (pool customers included).
        Returns dicts: id, match (list of keys), similarity (name, 0 to 1).
        """
        keys, threshold = self._dedup_settings()
        matches = {}
        name = dedup.normalize_name(values.get("name"))
        searches = {
            "credit_code": values.get("credit_code"),
            "phone": dedup.normalize_phone(values.get("phone")),
            "email": dedup.normalize_email(values.get("email")),
            "name": name,
        }
        exclude = tuple(exclude_ids) or (0,)
        self.flush_model(
            [
                "name_normalized",
                "phone_normalized",
                "email_normalized",
                "credit_code",
                "is_customer",
                "active",
            ]
        )
        cr = self.env.cr
        for key, value in searches.items():
            if key not in keys or not value:
                continue
            if key == "name":
                # the trigram operator % (written %% here) is what uses the GIN index; the
                # threshold applies to this transaction only
                cr.execute("SET LOCAL pg_trgm.similarity_threshold = %s", (threshold,))
                cr.execute(
                    """SELECT id, similarity(name_normalized, %s) FROM res_partner
                        WHERE is_customer AND active AND id NOT IN %s AND name_normalized %% %s
                        ORDER BY 2 DESC LIMIT %s""",
                    (name, exclude, name, limit),
                )
            else:
                column = {"credit_code": "credit_code", "phone": "phone_normalized"}.get(
                    key, "email_normalized"
                )
                cr.execute(
                    SQL(
                        """SELECT id, similarity(name_normalized, %s) FROM res_partner
                            WHERE is_customer AND active AND id NOT IN %s AND %s = %s
                            ORDER BY 2 DESC LIMIT %s""",
                        name or "",
                        exclude,
                        SQL.identifier(column),
                        value,
                        limit,
                    )
                )
            for partner_id, similarity in cr.fetchall():
                match = matches.setdefault(
                    partner_id, {"id": partner_id, "match": [], "similarity": 0.0}
                )
                match["match"].append(key)
                match["similarity"] = round(similarity or 0.0, 3)
        visible = set(self.search([("id", "in", list(matches))]).ids)
        for match in matches.values():
            match["visible"] = match["id"] in visible
        ranked = sorted(
            (m for m in matches.values() if m["visible"] or not visible_only),
            key=lambda m: (-len(m["match"]), -m["similarity"]),
        )
        return ranked[:limit]

    @api.model
    def wsv_duplicate_check(self, values):
        """Duplicate check for integrators and the web client: it predicts what ``create``
        will say. Every customer like ``values``, with how it matches; those the user may see
        with their name, code, owner and pool state, the others (another salesperson's)
        without anything of theirs (``visible`` False, no id). ``blocks_create``: create
        refuses the values because of it; ``reason_allows``: a Duplicate Reason lets it
        through (an equal credit code never does). Of the others, nothing but that."""
        if not (self.env.su or self.env.user.has_group("base.group_user")):
            raise AccessError(lang_env(self.env)._("Duplicate check: for the company's own users."))
        if not isinstance(values, dict) or not all(
            isinstance(v, str | int | float | bool) or v is None for v in values.values()
        ):
            raise InputError(
                self._wsv_rule_message("values", self._wsv_rule_text("values"), values)
            )
        matches = self._find_duplicates(values, visible_only=False)
        partners = self.browse([m["id"] for m in matches if m["visible"]])
        by_id = {p.id: p for p in partners}
        result = []
        for m in matches:
            entry = {
                "visible": m["visible"],
                "blocks_create": True,
                "reason_allows": "credit_code" not in m["match"],
            }
            partner = by_id.get(m["id"])
            if partner:
                entry.update(
                    match=m["match"],
                    similarity=m["similarity"],
                    id=partner.id,
                    name=partner.name,
                    customer_code=partner.customer_code or False,
                    owner=partner.user_id.name or False,
                    pool_state=partner.pool_state,
                )
            else:
                # how it matched (and how alike the names are) would tell what it is
                entry.update(
                    match=False, similarity=False, id=False, name=False, customer_code=False
                )
                entry.update(owner=False, pool_state=False)
            result.append(entry)
        return result

    def _check_duplicates_before_save(self, vals_list):
        """A fuzzy match needs a reason (kept and logged); no reason, no change."""
        if trusted(self.env, "wsv_skip_duplicate_check"):
            return {}
        reasons = {}
        for index, vals in enumerate(vals_list):
            record = self[index] if len(self) == len(vals_list) and self else self.browse()
            merged = {
                f: vals[f]
                if f in vals
                else record[f]
                if record
                else context_value(self.env, vals, f)
                for f in CHECKED_FIELDS
            }
            if not merged["is_customer"] or not merged["name"]:
                continue
            if not set(vals) & CHECKED_FIELDS:
                continue
            # decided on every customer, shown by name only where the user may see it
            matches = self._find_duplicates(
                {**merged, "phone": merged["phone"] or merged["mobile"]},
                exclude_ids=record.ids,
                visible_only=False,
            )
            # an equal credit code is refused elsewhere, with its own message
            matches = [m for m in matches if m["match"] != ["credit_code"]]
            if not matches:
                continue
            if not (vals.get("duplicate_reason") or record.duplicate_reason):
                shown = [m["id"] for m in matches if m["visible"]][:5]
                names = ", ".join(self.browse(shown).mapped("display_name"))
                hidden = len([m for m in matches if not m["visible"]])
                if hidden:
                    others = lang_env(self.env)._("%s owned by other salespeople", hidden)
                    names = f"{names}, {others}" if names else others
                raise ValidationError(
                    lang_env(self.env)._(
                        "Duplicate check: %(name)s looks like existing customers (%(names)s). "
                        "Merge with one of them, or give a Duplicate Reason to keep it.",
                        name=merged["name"],
                        names=names,
                    )
                )
            if vals.get("duplicate_reason"):
                reasons[index] = (
                    vals["duplicate_reason"],
                    [m["id"] for m in matches if m["visible"]],
                )
        return reasons

    def _log_duplicate_reasons(self, reasons):
        for index, (reason, candidate_ids) in reasons.items():
            partner = self[index] if len(self) > 1 else self
            names = ", ".join(self.browse(candidate_ids[:5]).mapped("display_name")) or "-"
            partner.message_post(
                body=lang_env(self.env)._(
                    "Kept despite possible duplicates (%(names)s). Reason: %(reason)s",
                    names=names,
                    reason=reason,
                ),
            )

    @api.model_create_multi
    def create(self, vals_list):
        reasons = self.browse()._check_duplicates_before_save(vals_list)
        partners = super().create(vals_list)
        partners._log_duplicate_reasons(reasons)
        return partners

    def write(self, vals):
        becomes_customer = vals.get("is_customer")
        if set(vals) & CHECKED_FIELDS:
            for partner in self.filtered(lambda p: p.is_customer or becomes_customer):
                reasons = partner._check_duplicates_before_save([vals])
                if reasons:
                    partner._log_duplicate_reasons(reasons)
        return super().write(vals)

    def action_duplicate_check(self):
        """Show the possible duplicates of this customer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": lang_env(self.env)._("Possible Duplicates of %s", self.display_name),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [
                (self.env.ref("wsv_crm_customer.res_partner_view_list_customer").id, "list"),
                (False, "form"),
            ],
            "domain": [("id", "in", self.duplicate_candidate_ids.ids)],
            "context": {"create": False},
        }

    def action_merge_duplicates(self):
        """Odoo's partner merge, with this customer and its possible duplicates; it moves
        opportunities, messages and every other link to the kept customer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "res.partner",
                "active_ids": (self | self.duplicate_candidate_ids).ids,
            },
        }
