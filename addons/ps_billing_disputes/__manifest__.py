# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Invoice Disputes",
    "summary": "Disputes on invoices with reason codes, credit notes that say why, and an advisory reply classifier",
    "version": "17.0.1.0.0",
    "category": "Services/Billing Control",
    "website": "https://github.com/billing-control/billing-control",
    "author": "Billing Control",
    "maintainers": ["billing-control"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["ps_billing_readiness"],
    "external_dependencies": {"python": ["scikit-learn"]},
    "data": [
        "security/ps_billing_disputes_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/ps_dispute_reason_data.xml",
        "views/ps_dispute_reason_views.xml",
        "views/ps_billing_dispute_views.xml",
        "views/ps_dispute_suggestion_views.xml",
        "views/ps_dispute_classifier_views.xml",
        "views/account_move_views.xml",
        "wizards/ps_dispute_decision_views.xml",
        "wizards/account_move_reversal_views.xml",
        "views/ps_billing_disputes_menus.xml",
    ],
    "demo": [
        "demo/ps_billing_dispute_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "ps_billing_disputes/static/tests/tours/*.js",
        ],
    },
    # The labelled replies the classifier learns from, read by ps.dispute.classifier at install.
    "oca_data_manual": ["data/dispute_emails.csv"],
    "post_init_hook": "post_init_hook",
}
