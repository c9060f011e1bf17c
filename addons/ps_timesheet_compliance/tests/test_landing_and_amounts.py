# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from .common import TimesheetComplianceCase


class TestLandingAndAmounts(TimesheetComplianceCase):
    def test_each_role_lands_on_its_timesheets(self):
        def landing(user):
            return self.env["ps.billing.readiness"].with_user(user)._ps_get_landing_action()["xml_id"]

        self.assertEqual(landing(self.consultant), "ps_timesheet_compliance.account_analytic_line_action_my")
        self.assertEqual(
            landing(self.project_manager), "ps_timesheet_compliance.account_analytic_line_action_to_approve"
        )
        self.assertEqual(landing(self.controller), "ps_billing_readiness.ps_billing_readiness_action")

    def _october(self):
        with freeze_time("2026-11-10"):
            return self._evaluate().filtered(lambda r: r.period_start == self.october[0])

    def test_time_waiting_for_approval_and_unconfirmed_terms_count_once(self):
        """Where all time is invoiced, approved or not, time waiting for approval is part of the
        deliverable that the unconfirmed terms hold back: its money counts once."""
        self.company.ps_timesheet_approved_only = False
        approved = self._log_time(self.employee_consultant, 8.0, "2026-10-05")
        waiting = self._log_time(self.employee_consultant, 4.0, "2026-10-06")
        self._submit(approved | waiting)
        self._approve(approved)
        readiness = self._october()
        self.assertEqual(readiness.amount_deliverable, 1800.0)
        amounts = {f.check_code: f.amount_at_risk for f in readiness.finding_ids}
        self.assertEqual(amounts, {"timesheets_approved": 600.0, "terms_confirmed": 1200.0})
        self.assertEqual(readiness.amount_at_risk, 1800.0)

    def test_where_only_approved_time_is_invoiced_waiting_time_adds_up(self):
        self.company.ps_timesheet_approved_only = True
        approved = self._log_time(self.employee_consultant, 8.0, "2026-10-05")
        waiting = self._log_time(self.employee_consultant, 4.0, "2026-10-06")
        self._submit(approved | waiting)
        self._approve(approved)
        readiness = self._october()
        self.assertEqual(readiness.amount_deliverable, 1200.0)
        amounts = {f.check_code: f.amount_at_risk for f in readiness.finding_ids}
        self.assertEqual(amounts, {"timesheets_approved": 600.0, "terms_confirmed": 1200.0})
        self.assertEqual(readiness.amount_at_risk, 1800.0)
