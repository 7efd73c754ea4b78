"""Before 18.0.1.1.0 every sales order was a contract and had a contract number: they stay
contracts (is_contract is new and would otherwise leave them as plain quotations)."""


def migrate(cr, version):
    if version:
        cr.execute("UPDATE sale_order SET is_contract = TRUE WHERE contract_number IS NOT NULL")
