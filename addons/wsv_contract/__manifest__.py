{
    "name": "WSV CRM: Contracts",
    "summary": "Contracts: templates, documents, payment milestones, review and approval",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://wsv.example.com/crm",
    "author": "WSV",
    "license": "LGPL-3",
    "depends": ["wsv_crm_customer", "sale_management", "sale_margin", "base_tier_validation"],
    "data": [
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "data/wsv_contract_data.xml",
        "views/product_template_views.xml",
        "views/sale_order_views.xml",
    ],
    "demo": ["demo/product_demo.xml"],
}
