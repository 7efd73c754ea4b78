from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _message_post_after_hook(self, message, msg_values):
        # a follow-up on an opportunity is a follow-up on its customer (auto-recycle)
        if msg_values.get("message_type") == "comment" or msg_values.get("mail_activity_type_id"):
            self.partner_id._touch_followup()
        return super()._message_post_after_hook(message, msg_values)

    def write(self, vals):
        result = super().write(vals)
        if "stage_id" in vals:
            won = self.filtered(lambda lead: lead.stage_id.is_won).partner_id.commercial_partner_id
            won.filtered("is_customer")._record_won(fields.Date.context_today(self))
        return result

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        # a company created from an opportunity is a customer of its salesperson
        values = super()._prepare_customer_values(partner_name, is_company, parent_id)
        if is_company:
            values["is_customer"] = True
        return values
