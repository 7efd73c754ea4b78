"""Before 18.0.1.1.0 every sales order was a contract: the orders that carry a contract
number, follow a template or belong to a registered customer stay contracts (is_contract is
new and would otherwise leave them plain quotations that Confirm accepts)."""


def migrate(cr, version):
    if version:
        cr.execute(
            """UPDATE sale_order o SET is_contract = TRUE
                 FROM res_partner p, res_partner c
                WHERE p.id = o.partner_id AND c.id = COALESCE(p.commercial_partner_id, p.id)
                  AND (o.contract_number IS NOT NULL OR o.template_id IS NOT NULL
                       OR c.is_customer)"""
        )
