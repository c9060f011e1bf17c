# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The engagement of the core's test firm, its fee split over two milestones."""

import base64
from datetime import date

from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import BillingControlCase


class MilestoneBillingCase(BillingControlCase):
    """The milestone line (10,000) of the engagement is delivered by two milestones:
    "Design signed off" (40 %) and "Build delivered" (60 %). The engagement bills
    on milestones, so acceptance is required by default."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project.allow_milestones = True
        cls.project.milestone_ids.unlink()
        cls.milestone_design, cls.milestone_build = cls.env["project.milestone"].create(
            [
                {
                    "name": "Design signed off",
                    "project_id": cls.project.id,
                    "sale_line_id": cls.line_milestone.id,
                    "quantity_percentage": 0.4,
                },
                {
                    "name": "Build delivered",
                    "project_id": cls.project.id,
                    "sale_line_id": cls.line_milestone.id,
                    "quantity_percentage": 0.6,
                },
            ]
        )
        cls.reached_day = date(2026, 10, 12)

    @classmethod
    def _reach(cls, milestones, day=None):
        """Mark ``milestones`` reached on ``day`` (default: in October) as the project manager."""
        with freeze_time(day or cls.reached_day):
            milestones.with_user(cls.project_manager).write({"is_reached": True})
            # reached_date is computed when flushed: flush on the day it is reached.
            milestones.env.flush_all()
        return milestones

    @classmethod
    def _accept(cls, milestone, day="2026-10-20 10:00:00", signatory_name="Nora North"):
        """Accept ``milestone`` as the project manager on ``day`` (default: in October, the period evaluated)."""
        with freeze_time(day):
            milestone.with_user(cls.project_manager).action_ps_accept(signatory_name=signatory_name)
        return milestone

    @classmethod
    def _attach_evidence(cls, milestone, name="signed_report.pdf"):
        return cls.env["ir.attachment"].create(
            {
                "name": name,
                "res_model": "project.milestone",
                "res_id": milestone.id,
                "datas": base64.b64encode(b"Signed acceptance report"),
            }
        )

    def _activities(self, milestone, xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "project.milestone"),
                ("res_id", "=", milestone.id),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )
