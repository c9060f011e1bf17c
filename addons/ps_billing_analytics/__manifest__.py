# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Billing Control Analytics",
    "summary": "Revenue operations KPIs, monthly snapshots, a controller dashboard and advisory anomaly triage",
    "version": "17.0.1.0.0",
    "category": "Services/Billing Control",
    "website": "https://github.com/billing-control/billing-control",
    "author": "Billing Control",
    "maintainers": ["billing-control"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["ps_billing_readiness", "spreadsheet_dashboard"],
    "external_dependencies": {"python": ["scikit-learn"]},
    "data": [
        "security/ps_billing_analytics_security.xml",
        "security/ir.model.access.csv",
        "data/ps_exception_flag_data.xml",
        "data/ir_cron_data.xml",
        "data/dashboards.xml",
        "views/ps_kpi_snapshot_views.xml",
        "views/ps_invoice_anomaly_views.xml",
        "wizards/ps_kpi_recompute_views.xml",
        "views/ps_billing_analytics_menus.xml",
    ],
    "demo": [
        "demo/ps_billing_analytics_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "ps_billing_analytics/static/tests/tours/*.js",
        ],
    },
}
