"""Approvals of contracts are given through the contract's Approve and Reject buttons.

OCA base_tier_validation lets every internal user create, write and delete tier.review rows
(its own code writes them as the reviewer). On a contract that would let a salesperson mark
a review approved or delete a pending one over RPC, so reviews of contracts are written only
through the contract's steps (validate_tier, reject_tier, Submit), which run them in the
system's hands (wsv_guard) after checking the caller."""

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.wsv_crm_customer.models.i18n import lang_env
from odoo.addons.wsv_crm_customer.models.res_partner import trusted
from odoo.addons.wsv_crm_customer.models.wsv_guard import GUARD_KEY


class TierReview(models.Model):
    _inherit = "tier.review"

    def _check_contract_review(self, models_=()):
        if self.env.su or trusted(self.env, GUARD_KEY):
            return
        if "sale.order" in set(self.mapped("model")) | set(models_):
            raise UserError(
                lang_env(self.env)._(
                    "Approvals: a contract's approvals are given with its Approve and Reject "
                    "buttons, not by editing them."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        reviews = super().create(vals_list)
        # judged on what was created (a model may also come from a context default)
        reviews._check_contract_review()
        return reviews

    def write(self, vals):
        self._check_contract_review([vals.get("model")])
        return super().write(vals)

    def unlink(self):
        self._check_contract_review()
        return super().unlink()


class TierValidation(models.AbstractModel):
    _inherit = "tier.validation"

    def wsv_pending_reviews(self):
        """Who must still approve: per pending or waiting review of these records, the
        step's name, its status, its sequence, the group it was routed to and its reviewers
        (id, name, login). Readable by whoever reads the records."""
        if not (self.env.su or self.env.user.has_group("base.group_user")):
            raise UserError(
                lang_env(self.env)._("Approvals: who approves is shown to the company's users.")
            )
        self.check_access("read")
        result = []
        for record in self:
            for review in (
                record.sudo()
                .review_ids.filtered(lambda r: r.status in ("waiting", "pending"))
                .sorted("sequence")
            ):
                result.append(
                    {
                        "res_id": record.id,
                        "name": review.name,
                        "status": review.status,
                        "sequence": review.sequence,
                        "group": review.definition_id.reviewer_group_id.name or False,
                        "reviewers": [
                            {"id": user.id, "name": user.name, "login": user.login}
                            for user in review.reviewer_ids
                        ],
                    }
                )
        return result
