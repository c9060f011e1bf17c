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
    "data": [],
}
