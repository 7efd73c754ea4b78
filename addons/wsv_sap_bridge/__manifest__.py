{
    "name": "WSV CRM: SAP Bridge",
    "summary": "Send contracts to SAP as sales orders over SOAP, with outbox jobs and sync-back",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://wsv.example.com/crm",
    "author": "WSV",
    "license": "AGPL-3",
    "depends": ["wsv_fulfillment", "queue_job"],
    "data": [
        "security/security.xml",
        "views/wsv_sap_bridge_menus.xml",
    ],
}
