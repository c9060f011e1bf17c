# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the milestone module tells the KPIs: unaccepted milestones are value the controls held back."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestMilestoneKpiHook(TransactionCase):
    def test_unaccepted_milestones_count_as_value_held_back(self):
        codes = self.env["ps.kpi.hook"]._ps_kpi_held_back_check_codes()
        self.assertIn("milestones_accepted", codes)
        # The code is the milestone module's own check: the KPI reads its blocking findings.
        check = self.env["ps.readiness.check"].search([("code", "=", "milestones_accepted")])
        self.assertEqual(check.mapped("code"), ["milestones_accepted"])
