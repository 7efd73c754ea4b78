"""The mapping of our records to SAP's keys (configuration, kept on the records it maps)."""

from odoo import fields, models

DIRECTOR = "wsv_crm_customer.group_sales_director"
SAP_PARTNER_FIELDS = {"sap_customer_number", "sap_ship_to_number"}


class CrmTeam(models.Model):
    _inherit = "crm.team"

    sap_sales_org = fields.Char(string="SAP Sales Organization", size=4)
    sap_distr_chan = fields.Char(string="SAP Distribution Channel", size=2)
    sap_division = fields.Char(string="SAP Division", size=2)


class ResPartner(models.Model):
    _inherit = "res.partner"

    sap_customer_number = fields.Char(
        string="SAP Customer No.",
        size=10,
        index=True,
        copy=False,
        help="The customer's number in SAP: the sold-to party (AG) of its orders.",
    )
    sap_ship_to_number = fields.Char(
        string="SAP Ship-to No.",
        size=10,
        copy=False,
        help="The ship-to party (WE) in SAP for deliveries to this address; empty: the "
        "customer's sold-to number.",
    )

    def _wsv_allow_table(self, create=False):
        # SAP numbers are master data, the director's to set (as partner terms are)
        table = super()._wsv_allow_table(create=create)
        rows = dict(table.get("*", {}))
        rows[DIRECTOR] = set(rows.get(DIRECTOR, ())) | SAP_PARTNER_FIELDS
        return {**table, "*": rows}

    def _wsv_sap_sold_to(self):
        return self.commercial_partner_id.sap_customer_number or ""

    def _wsv_sap_ship_to(self):
        """The ship-to number of this delivery address: its own, its company's, the sold-to."""
        company = self.commercial_partner_id
        return (
            self.sap_ship_to_number
            or self.sap_customer_number
            or company.sap_ship_to_number
            or company.sap_customer_number
            or ""
        )


class ProductTemplate(models.Model):
    _inherit = "product.template"

    sap_material_number = fields.Char(
        string="SAP Material No.",
        size=40,
        help="The material in SAP; empty: the product's internal reference (its material code "
        "from the requirement flow).",
    )


class AccountPaymentTerm(models.Model):
    _inherit = "account.payment.term"

    sap_code = fields.Char(
        string="SAP Payment Terms",
        size=4,
        help="SAP's key of these terms (PMNTTRMS, such as Z030).",
    )
