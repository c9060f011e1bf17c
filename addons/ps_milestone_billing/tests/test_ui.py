# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import MilestoneBillingCase


@tagged("post_install", "-at_install")
class TestMilestoneUi(HttpCase, MilestoneBillingCase):
    def test_project_manager_reaches_attaches_evidence_and_accepts_milestone(self):
        self.engagement.ps_milestone_evidence_required = True
        milestone = self.milestone_design
        self.start_tour(
            f"/web#model=project.milestone&id={milestone.id}&view_type=form",
            "ps_milestone_acceptance",
            login=self.project_manager.login,
        )
        self.env.invalidate_all()
        self.assertEqual(milestone.ps_acceptance_state, "accepted")
        self.assertEqual(milestone.ps_accepted_by_name, "Nora North")
        self.assertEqual(milestone._ps_get_evidence().mapped("name"), ["acceptance_report.txt"])
