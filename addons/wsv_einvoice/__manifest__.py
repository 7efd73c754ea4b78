{
    "name": "WSV CRM: Fully-digital E-invoices",
    "summary": "Invoice applications, pre-invoicing and the fully-digital e-invoice platform",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://wsv.example.com/crm",
    "author": "WSV",
    "license": "AGPL-3",
    "depends": ["wsv_fulfillment"],
    "data": ["views/wsv_einvoice_menus.xml"],
}
