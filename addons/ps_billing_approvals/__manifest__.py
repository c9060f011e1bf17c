# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Billing Approvals",
    "summary": "Route invoice drafts through an approval matrix before posting",
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
        "security/ps_billing_approvals_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/queue_job_data.xml",
        "data/ir_cron_data.xml",
        "views/ps_approval_rule_views.xml",
        "views/ps_approval_request_views.xml",
        "views/ps_approval_delegation_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/ps_approval_decision_views.xml",
        "wizards/ps_approval_simulate_views.xml",
        "views/ps_billing_approvals_menus.xml",
    ],
    "demo": [
        "demo/ps_approval_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "ps_billing_approvals/static/tests/tours/*.js",
        ],
    },
}
