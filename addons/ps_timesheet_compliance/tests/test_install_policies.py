# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Installing the module into a firm's database must not stop the invoicing of its delivered time."""

from odoo.addons.ps_timesheet_compliance.hooks import (
    _apply_install_policies,
    _companies_with_unbilled_time,
    post_init_hook,
)
from odoo.tests import tagged

from .common import TimesheetComplianceCase


@tagged("post_install", "-at_install")
class TestInstallPolicies(TimesheetComplianceCase):
    def test_a_company_with_unbilled_time_keeps_invoicing_it(self):
        self._confirm_terms()
        self._log_time(self.employee_consultant, 3.0, "2026-10-12")
        self.assertEqual(self.line_time_materials.qty_delivered, 0.0, "with the policy on, draft time waits")
        self.env.flush_all()
        empty = self.env["res.company"].create({"name": "A firm without time"})
        history = _companies_with_unbilled_time(self.env.cr)
        self.assertIn(self.company.id, history)
        self.assertNotIn(empty.id, history, "only companies whose sold time waits for an invoice")
        self.assertIn(self.company, _apply_install_policies(self.env, history, with_demo=False))
        self.assertFalse(self.company.ps_timesheet_approved_only)
        self.assertTrue(empty.ps_timesheet_approved_only, "a company without history keeps the policy")
        self.assertEqual(self.line_time_materials.qty_delivered, 3.0, "the time is invoiceable as before")
        invoice = self.engagement._create_invoices()
        self.assertEqual(invoice.amount_untaxed, 450.0)

    def test_a_trial_database_with_demo_data_keeps_the_policy_on(self):
        self.assertFalse(_apply_install_policies(self.env, [self.company.id], with_demo=True))
        self.assertTrue(self.company.ps_timesheet_approved_only)

    def test_time_invoiced_before_the_installation_counts_as_approved(self):
        """The post-install hook marks invoiced time approved through the bulk write, which tells the ORM."""
        self._confirm_terms()
        line = self._log_time(self.employee_consultant, 3.0, "2026-10-12")
        self._submit(line)
        self._approve(line)
        invoice = self.engagement._create_invoices()
        self.assertEqual(line.timesheet_invoice_id, invoice)
        draft = self._log_time(self.employee_consultant, 2.0, "2026-10-13")
        self.env.flush_all()
        # As before the installation: no approval state on anything.
        self.env.cr.execute(
            "UPDATE account_analytic_line SET ps_state = 'draft', ps_approved_on = NULL WHERE id IN %s",
            [(line.id, draft.id)],
        )
        self.env.invalidate_all()
        self.assertEqual(line.ps_state, "draft")
        post_init_hook(self.env)
        self.assertEqual(line.ps_state, "approved", "invoiced time counts as approved")
        self.assertTrue(line.ps_approved_on)
        self.assertEqual(draft.ps_state, "draft", "time not invoiced keeps waiting for approval")
        self.env.flush_all()
        self.env.cr.execute("SELECT ps_state FROM account_analytic_line WHERE id = %s", [line.id])
        self.assertEqual(self.env.cr.fetchone()[0], "approved")
