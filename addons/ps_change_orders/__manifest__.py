# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Change Orders",
    "summary": "Scope changes reach billing only once the client approved them",
    "version": "17.0.1.0.0",
    "category": "Services/Billing Control",
    "website": "https://github.com/billing-control/billing-control",
    "author": "Billing Control",
    "maintainers": ["billing-control"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["ps_billing_readiness"],
    "data": [
        "security/ps_change_orders_security.xml",
        "security/ir.model.access.csv",
        "data/ps_readiness_check_data.xml",
        "views/ps_change_order_views.xml",
        "views/sale_order_views.xml",
        "views/portal_templates.xml",
        "wizards/ps_change_order_decision_views.xml",
        "views/ps_change_orders_menus.xml",
    ],
    "demo": [
        "demo/ps_change_order_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "ps_change_orders/static/tests/tours/*.js",
        ],
    },
}
