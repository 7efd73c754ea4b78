import dataclasses
from datetime import timedelta

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _grading_metrics(self):
        """The yearly collected amount: collections booked in the last 365 days."""
        metrics = super()._grading_metrics()
        since = fields.Date.context_today(self) - timedelta(days=365)
        groups = (
            self.env["wsv.collection"]
            .sudo()
            ._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "booked"), ("date", ">=", since)],
                ["partner_id"],
                ["amount:sum"],
            )
        )
        amounts = {partner.id: amount for partner, amount in groups}
        return {
            partner_id: dataclasses.replace(metric, collected_amount=amounts.get(partner_id, 0.0))
            for partner_id, metric in metrics.items()
        }
