# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Installing the module into a firm that bills milestones must not stop billing them when reached."""

from odoo.addons.ps_milestone_billing.hooks import _apply_install_policies
from odoo.tests import tagged

from .common import MilestoneBillingCase


@tagged("post_install", "-at_install")
class TestInstallPolicies(MilestoneBillingCase):
    def test_a_company_that_bills_milestones_keeps_billing_them_when_reached(self):
        self._confirm_terms()
        self.assertTrue(self.engagement.ps_milestone_acceptance_required)
        self._reach(self.milestone_design)
        self.assertEqual(self.line_milestone.qty_delivered, 0.0, "with the policy on, reaching delivers nothing")
        _apply_install_policies(self.env, [self.company.id], with_demo=False)
        self.assertFalse(self.company.ps_milestone_acceptance_required)
        self.assertFalse(self.engagement.ps_milestone_acceptance_required)
        self.assertTrue(self.engagement.ps_terms_confirmed, "finance's confirmation of the terms stays")
        self.assertAlmostEqual(self.line_milestone.qty_delivered, 0.4)
        new = self.engagement.copy()
        self.assertFalse(new.ps_milestone_acceptance_required, "new engagements follow the company's policy")

    def test_a_trial_database_with_demo_data_keeps_the_policy_on(self):
        self.assertFalse(_apply_install_policies(self.env, [self.company.id], with_demo=True))
        self.assertTrue(self.company.ps_milestone_acceptance_required)
