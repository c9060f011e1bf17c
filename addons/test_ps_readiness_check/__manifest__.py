# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Billing Readiness: test check",
    "summary": "Tests only: a readiness check added from outside the core, as a module would",
    "version": "17.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/billing-control/billing-control",
    "author": "Billing Control",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["ps_billing_readiness"],
    "data": [
        "security/ir.model.access.csv",
        "data/ps_readiness_check_data.xml",
    ],
}
