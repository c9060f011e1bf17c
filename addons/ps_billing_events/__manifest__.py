# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Billing Events",
    "summary": "Business events out: a transactional outbox and signed, retried, replayable webhooks",
    "version": "17.0.1.0.0",
    "category": "Services/Billing Control",
    "website": "https://github.com/billing-control/billing-control",
    "author": "Billing Control",
    "maintainers": ["billing-control"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    # The outer ring (DESIGN): the core and OCA infrastructure only; the feature modules emit
    # their events through the core's hook (ps.billing.event.hook), never the other way round.
    "depends": ["ps_billing_readiness", "queue_job"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ps_billing_events_security.xml",
        "security/ir.model.access.csv",
        "data/ps_billing_event_type_data.xml",
        "data/mail_activity_type_data.xml",
        "data/queue_job_data.xml",
        "views/ps_billing_event_views.xml",
        "views/ps_webhook_delivery_views.xml",
        "views/ps_webhook_endpoint_views.xml",
        "views/ps_webhook_health_views.xml",
        "views/ps_billing_readiness_views.xml",
        "wizards/ps_webhook_secret_views.xml",
        "views/ps_billing_events_menus.xml",
    ],
    "demo": ["demo/ps_billing_events_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "ps_billing_events/static/tests/tours/*.js",
        ],
    },
}
