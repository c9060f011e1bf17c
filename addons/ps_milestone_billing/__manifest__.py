# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Milestone Billing",
    "summary": "Bill milestones on client acceptance with evidence",
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
        "security/ps_milestone_billing_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/ps_readiness_check_data.xml",
        "data/queue_job_data.xml",
        "data/ir_cron_data.xml",
        "data/project_milestone_data.xml",
        "report/ps_package_acceptance_report.xml",
        "views/project_milestone_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/portal_templates.xml",
        "wizards/ps_milestone_decision_views.xml",
        "views/ps_milestone_billing_menus.xml",
        "data/base_automation_data.xml",
    ],
    "demo": [
        "demo/project_milestone_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "ps_milestone_billing/static/tests/tours/*.js",
        ],
    },
    "pre_init_hook": "pre_init_hook",
    "post_init_hook": "post_init_hook",
}
