"""The customer fields under the write allowlist (see wsv_guard). Imported last of the
res.partner files, so its create/write run first and see what the user sent."""

from odoo import api, models

SALESPERSON = "wsv_crm_customer.group_salesperson"
MANAGER = "wsv_crm_customer.group_sales_manager"
DIRECTOR = "wsv_crm_customer.group_sales_director"
# what anyone who may edit the customer writes (Odoo's own partner fields are not guarded)
CUSTOMER_FIELDS = {
    "is_customer",
    "user_id",
    "team_id",
    "customer_type",
    "region",
    "employee_count",
    "source",
    "referral_partner_id",
    "contact_role",
    "influence",
    "relationship_level",
    "payment_capacity",
    "cooperation_willingness",
    "risk_level",
    "credit_code",
    "duplicate_reason",
    "revenue_share_terms",
}


class ResPartner(models.Model):
    # one concern of res.partner per file (see res_partner.py)
    _name = "res.partner"
    _inherit = ["res.partner", "wsv.guard.mixin"]

    # owner, team and the customer flag are checked by value in res_partner_pool (who may
    # give a customer to whom); the rest is the allowlist below
    _wsv_derived = (
        "customer_code",
        "grade_computed",
        "owner_date",
        "last_followup_date",
        "last_won_date",
        "recycle_warned_date",
        "registry_name",
        "legal_representative",
        "registered_capital",
        "registry_status",
        "business_scope",
        "founding_date",
        "registry_date",
    )

    def _wsv_allow_table(self, create=False):
        return {
            "*": {
                "": CUSTOMER_FIELDS,
                # a manual grade moves holding limits and auto-recycling: managers override
                MANAGER: {"grade_manual", "grade_manual_reason"},
                # partner terms and the legacy-code flag are the director's to confirm
                DIRECTOR: {"partner_kind", "revenue_share", "credit_code_review"},
            }
        }

    def _wsv_guarded_fields(self):
        # our fields only: Odoo's own partner fields behave as in Odoo
        return {
            name
            for name, field in self._fields.items()
            if any(m.startswith("wsv_") for m in field._modules or ())
        } - {"id", "display_name"}

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._wsv_check_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        vals = self._wsv_check_write(vals)
        return super().write(vals)
