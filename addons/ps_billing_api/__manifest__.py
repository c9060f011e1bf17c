# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Billing API",
    "summary": "Time and PSA data in: an idempotent, validated REST API with an OpenAPI contract",
    "version": "17.0.1.0.0",
    "category": "Services/Billing Control",
    "website": "https://github.com/billing-control/billing-control",
    "author": "Billing Control",
    "maintainers": ["billing-control"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    # The outer ring (DESIGN): the core, its event outbox and OCA infrastructure only; the feature
    # modules (timesheet approval, milestone acceptance) are reached through the core's hooks.
    "depends": ["ps_billing_readiness", "ps_billing_events", "fastapi"],
    "external_dependencies": {"python": ["fastapi", "pydantic"]},
    "data": [
        "security/ps_billing_api_security.xml",
        "security/ir.model.access.csv",
        "data/ir_config_parameter_data.xml",
        "data/ir_cron_data.xml",
        "data/fastapi_endpoint_data.xml",
        "views/ps_sync_mapping_views.xml",
        "views/ps_api_idempotency_key_views.xml",
        "views/ps_billing_api_menus.xml",
    ],
    "demo": ["demo/ps_billing_api_demo.xml"],
}
