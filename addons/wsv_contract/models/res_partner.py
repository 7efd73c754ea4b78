import dataclasses
from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL

SIGNED = ("signed", "executing", "closed")


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        result = super().write(vals)
        if {"is_customer", "parent_id", "is_company"} & set(vals):
            # a registered customer buys under contract: the open quotations of its company
            # and contacts become contracts (also when a contact joins it)
            self.env["sale.order"].sudo().search(
                [
                    ("partner_id", "child_of", self.commercial_partner_id.ids),
                    ("is_contract", "=", False),
                    ("state", "in", ("draft", "sent")),
                ]
            ).filtered(lambda o: o._wsv_should_be_contract())._wsv_become_contract()
        return result

    def _pool_recycle_exemptions(self):
        exemptions = super()._pool_recycle_exemptions()
        # uncorrelated, so PostgreSQL reads the contracts once (a hashed subplan), not once
        # per customer
        exemptions["exempt_signed_contracts"] = SQL(
            """p.id IN (SELECT c.commercial_partner_id
                          FROM sale_order o JOIN res_partner c ON c.id = o.partner_id
                         WHERE o.contract_state IN ('signed', 'executing')
                           AND c.commercial_partner_id IS NOT NULL)"""
        )
        return exemptions

    def _grading_metrics(self):
        """The yearly contract amount: contracts signed in the last 365 days."""
        metrics = super()._grading_metrics()
        since = fields.Date.context_today(self) - timedelta(days=365)
        groups = (
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "child_of", self.ids),
                    ("contract_state", "in", SIGNED),
                    ("signing_date", ">=", since),
                ],
                ["partner_id"],
                ["amount_untaxed:sum"],
            )
        )
        amounts = {}
        for partner, amount in groups:
            key = partner.commercial_partner_id.id
            amounts[key] = amounts.get(key, 0.0) + amount
        return {
            partner_id: dataclasses.replace(metric, contract_amount=amounts.get(partner_id, 0.0))
            for partner_id, metric in metrics.items()
        }
