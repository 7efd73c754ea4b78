"""Approvals of invoice applications are given through the application's Approve and Reject
buttons, never by writing tier.review rows (see wsv_contract's tier_review)."""

from odoo import models
from odoo.exceptions import UserError

from odoo.addons.wsv_crm_customer.models.i18n import lang_env
from odoo.addons.wsv_crm_customer.models.res_partner import trusted
from odoo.addons.wsv_crm_customer.models.wsv_guard import GUARD_KEY


class TierReview(models.Model):
    _inherit = "tier.review"

    def _check_contract_review(self, models_=()):
        super()._check_contract_review(models_)
        if self.env.su or trusted(self.env, GUARD_KEY):
            return
        if "wsv.invoice.application" in set(self.mapped("model")) | set(models_):
            raise UserError(
                lang_env(self.env)._(
                    "Approvals: an invoice application's approvals are given with its "
                    "Approve and Reject buttons, not by editing them."
                )
            )
