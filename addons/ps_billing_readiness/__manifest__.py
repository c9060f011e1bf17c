# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Billing Readiness",
    "summary": "Know before month-end which engagements are ready to invoice",
    "version": "17.0.1.0.0",
    "category": "Services/Billing Control",
    "website": "https://github.com/billing-control/billing-control",
    "author": "Billing Control",
    "maintainers": ["billing-control"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "application": True,
    "installable": True,
    "depends": [
        "sale_timesheet",
        "sale_project",
        "sale_expense",
        "base_automation",
        # OCA (PyPI odoo-addon-queue_job): the month-end runs as jobs, on any node of a cluster.
        "queue_job",
    ],
    "data": [
        "security/ps_billing_readiness_security.xml",
        "security/ir.model.access.csv",
        "data/ps_billing_model_data.xml",
        "data/ps_readiness_check_data.xml",
        "data/ps_exception_flag_data.xml",
        "data/mail_activity_type_data.xml",
        "data/queue_job_data.xml",
        "data/ir_cron_data.xml",
        "views/ps_billing_readiness_views.xml",
        "views/ps_readiness_check_views.xml",
        "views/ps_unbilled_wip_report_views.xml",
        "views/res_config_settings_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "wizards/ps_readiness_draft_anyway_views.xml",
        "views/ps_billing_readiness_menus.xml",
        "data/base_automation_data.xml",
    ],
    "demo": [
        "demo/resource_calendar_demo.xml",
        "demo/hr_department_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/product_product_demo.xml",
        "demo/ps_demo_firm_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "ps_billing_readiness/static/tests/tours/*.js",
        ],
    },
}
