{
    "name": "WSV CRM: SAP Bridge",
    "summary": "Send contracts to SAP as sales orders over SOAP, with outbox jobs and sync-back",
    "version": "18.0.1.1.0",
    "category": "Sales/Sales",
    "website": "https://wsv.example.com/crm",
    "author": "WSV",
    "license": "AGPL-3",
    "depends": ["wsv_fulfillment", "queue_job"],
    "external_dependencies": {"python": ["zeep", "requests"]},
    "data": [
        "security/security.xml",
        "security/ir.model.access.csv",
        "data/wsv_sap_bridge_data.xml",
        "views/wsv_sap_views.xml",
        "views/wsv_sap_bridge_menus.xml",
    ],
    "demo": ["demo/wsv_sap_bridge_demo.xml"],
}
