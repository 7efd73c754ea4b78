{
    "name": "WSV CRM: Fulfillment and Receivables",
    "summary": "Delivery release, receivable schedules, collections, alerts and targets",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://wsv.example.com/crm",
    "author": "WSV",
    "license": "LGPL-3",
    "depends": ["wsv_contract", "account"],
    "data": [
        "security/security.xml",
        "views/wsv_fulfillment_menus.xml",
    ],
}
