"""The customer's credit exposure from the ledger (OCA account_financial_risk), now that
invoices run through Odoo: the contract review and the delivery release both read it."""

from odoo import fields, models

# OCA's figures of receivable lines not reconciled: invoices not yet due and overdue, and the
# other receivable entries (not yet due and overdue); draft invoices owe nothing yet
LEDGER = (
    "risk_invoice_open",
    "risk_invoice_unpaid",
    "risk_account_amount",
    "risk_account_amount_unpaid",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _wsv_ledger_exposure(self, company):
        """What the customer owes on the ledger, in ``company``'s currency."""
        self.ensure_one()
        partner = self.sudo().with_company(company)
        amount = sum(partner[name] for name in LEDGER)
        currency = partner.risk_currency_id or company.currency_id
        return currency._convert(
            amount, company.currency_id, company, fields.Date.context_today(self)
        )


class WsvDeliveryRequest(models.Model):
    _inherit = "wsv.delivery.request"

    def _wsv_exposure(self, customer, company, scheduled):
        return customer._wsv_ledger_exposure(company)
