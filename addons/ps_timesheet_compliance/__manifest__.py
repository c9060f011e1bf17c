# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Timesheet Compliance",
    "summary": "Submit and approve timesheets, invoice approved time only, remind before the cutoff",
    "version": "17.0.1.1.0",
    "category": "Services/Billing Control",
    "website": "https://github.com/billing-control/billing-control",
    "author": "Billing Control",
    "maintainers": ["billing-control"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["ps_billing_readiness"],
    "data": [
        "security/ps_timesheet_compliance_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/mail_template_data.xml",
        "data/ps_readiness_check_data.xml",
        "data/queue_job_data.xml",
        "data/ir_cron_data.xml",
        "data/ir_actions_server_data.xml",
        "views/account_analytic_line_views.xml",
        "views/ps_timesheet_compliance_views.xml",
        "views/hr_employee_views.xml",
        "views/res_config_settings_views.xml",
        "views/ps_timesheet_compliance_menus.xml",
    ],
    "demo": [
        "demo/ps_timesheet_compliance_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "ps_timesheet_compliance/static/tests/tours/*.js",
        ],
    },
    "pre_init_hook": "pre_init_hook",
    "post_init_hook": "post_init_hook",
}
