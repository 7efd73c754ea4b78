{
    "name": "WSV CRM: Customers",
    "summary": "Customer master, duplicate check, grading, public pool and the WSV roles",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://wsv.example.com/crm",
    "author": "WSV",
    "license": "LGPL-3",
    "application": True,
    "depends": ["crm", "contacts", "sales_team", "mail"],
    "external_dependencies": {"python": ["python-stdnum"]},
    "data": [
        "security/security.xml",
        "views/wsv_menus.xml",
        "views/res_partner_views.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/crm_team_demo.xml",
        "demo/res_partner_demo.xml",
    ],
}
