from odoo import models

from .res_partner import TRUSTED
from .wsv_guard import GUARD_KEY


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        """Odoo copies the merged-away partners' values onto the kept one while they still
        exist: move the credit code over by hand (it is unique), and skip the duplicate
        check on a merge, which is the answer to it."""
        # the values come from the merged records, not from the user: the guard lets them
        # through (the user's right to merge was checked by Odoo's wizard)
        ctx = {"wsv_skip_duplicate_check": TRUSTED, GUARD_KEY: TRUSTED}
        src_partners, dst_partner = (
            src_partners.with_context(**ctx),
            dst_partner.with_context(**ctx),
        )
        code = not dst_partner.credit_code and src_partners.filtered("credit_code")[:1].credit_code
        if code:
            src_partners.write({"credit_code": False})
        result = super(MergePartnerAutomatic, self.with_context(**ctx))._update_values(
            src_partners, dst_partner
        )
        if code:
            dst_partner.credit_code = code
        return result
