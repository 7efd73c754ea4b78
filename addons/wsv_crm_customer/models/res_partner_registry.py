"""Registry enrichment of customers: fill company data from the business registry."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import credit_code as ccode
from .i18n import lang_env
from .res_partner import TRUSTED


class ResPartner(models.Model):
    # one concern of res.partner per file (see res_partner.py)
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    registry_name = fields.Char(string="Registered Name", copy=False)
    legal_representative = fields.Char(copy=False)
    registered_capital = fields.Char(copy=False)
    registry_status = fields.Char(string="Registration Status", copy=False)
    business_scope = fields.Text(copy=False)
    founding_date = fields.Date(copy=False)
    registry_date = fields.Datetime(string="Registry Data Of", copy=False, readonly=True)

    def _apply_registry(self, company):
        values = {
            "registry_name": company["legal_name"],
            "legal_representative": company["legal_representative"],
            "registered_capital": company["registered_capital"],
            "registry_status": company["registry_status"],
            "business_scope": company["business_scope"],
            "founding_date": company["founding_date"],
            "registry_date": fields.Datetime.now(),
        }
        # our own data wins where we have it; the registry fills the gaps
        error = False
        code = ccode.normalize(company["credit_code"])
        if not self.credit_code and code and ccode.check(code) != ccode.VALID:
            error = lang_env(self.env)._(
                "Registry: the credit code %s it returned fails the GB 32100 check; not copied.",
                code,
            )
        elif not self.credit_code and code:
            try:
                self._check_credit_code_unique([code], exclude=self)
                values["credit_code"] = code
            except ValidationError as duplicate:
                error = duplicate.args[0]
        if not self.street and company["address"]:
            values["street"] = company["address"]
        self._wsv_system().with_context(wsv_skip_duplicate_check=TRUSTED).write(values)
        return error

    def wsv_registry_enrich(self):
        """Look each customer up by credit code (else name) and fill its registry data.
        Returns one {"id", "error"} per customer (error: a message, or False) so that
        XML-RPC callers see each outcome."""
        backend = self.env["wsv.registry.backend"]._get_backend()
        outcome = []
        for partner in self:
            error = lang_env(self.env)._("Registry: no registry backend is configured.")
            if backend:
                company, error = backend._lookup(partner.credit_code or partner.name, partner)
                if company:
                    try:
                        with self.env.cr.savepoint():
                            error = partner._apply_registry(company)
                    except ValidationError as invalid:
                        error = invalid.args[0]
            outcome.append({"id": partner.id, "error": error or False})
        return outcome

    def action_registry_enrich(self):
        errors = [o["error"] for o in self.wsv_registry_enrich() if o["error"]]
        params = {"type": "danger", "message": errors[0], "sticky": True}
        if not errors:
            params = {
                "type": "success",
                "message": lang_env(self.env)._("Registry data updated."),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            }
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}

    @api.model
    def _cron_registry_refresh(self):
        backend = self.env["wsv.registry.backend"]._get_backend()
        if not backend:
            return 0
        stale = fields.Datetime.now() - timedelta(days=backend.refresh_days)
        customers = self.sudo().search(
            [
                ("is_customer", "=", True),
                "|",
                ("registry_date", "=", False),
                ("registry_date", "<", stale),
            ],
            limit=backend.refresh_batch,
            order="registry_date asc nulls first, id",
        )
        customers.wsv_registry_enrich()
        return len(customers)
