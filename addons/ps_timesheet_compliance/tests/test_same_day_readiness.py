# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The timesheet checks' findings come and go the same day: submitting, approving, rejecting
and deleting time marks the engagement, and the billing run re-evaluates it."""

from datetime import date, timedelta

from odoo.addons.ps_billing_readiness.tests.common import run_jobs
from odoo.tests import tagged

from .common import TimesheetComplianceCase

TODAY = "2026-11-10 09:00:00"


@tagged("post_install", "-at_install")
class TestSameDayTimesheetReadiness(TimesheetComplianceCase):
    def _draft_time(self, lines):
        def make():
            lines.append(self._log_time(self.employee_consultant, 8.0, "2026-10-20"))

        return make

    def test_approving_time_clears_the_finding_the_same_day(self):
        lines = []
        self._assert_finding_comes_and_goes(
            "timesheets_approved",
            self._draft_time(lines),
            lambda: (self._submit(lines[0]), self._approve(lines[0])),
            TODAY,
        )

    def test_submitting_time_keeps_it_waiting_and_rejecting_it_clears_it(self):
        lines = []

        def submit_then_reject():
            self._submit(lines[0])
            run_jobs(self.env["ps.billing.readiness"]._cron_billing_run)
            record = self.env["ps.billing.readiness"].search(
                [("sale_order_id", "=", self.engagement.id), ("period_start", "=", self.october[0])]
            )
            finding = record.finding_ids.filtered(lambda f: f.check_code == "timesheets_approved")
            self.assertIn("8.00 hours waiting for approval", finding.message, "submitted the same day")
            self._reject(lines[0])

        self._assert_finding_comes_and_goes("timesheets_approved", self._draft_time(lines), submit_then_reject, TODAY)

    def test_deleting_time_clears_the_finding_the_same_day(self):
        lines = []
        self._assert_finding_comes_and_goes(
            "timesheets_approved", self._draft_time(lines), lambda: lines[0].unlink(), TODAY
        )

    def test_missing_time_comes_and_goes_the_same_day(self):
        self._confirm_terms()
        for index in range(5):  # a regular from 19 October to the week of 16 November
            self._week(self.employee_consultant, monday=date(2026, 10, 19) + timedelta(weeks=index))
        week_of_9th = self.Line.search(
            [
                ("employee_id", "=", self.employee_consultant.id),
                ("date", ">=", "2026-11-09"),
                ("date", "<=", "2026-11-13"),
            ]
        )
        kept = {}

        def delete_a_week():
            kept["vals"] = week_of_9th.read(["name", "date", "unit_amount"])
            week_of_9th.unlink()

        def log_it_again():
            for vals in kept["vals"]:
                self._log_time(self.employee_consultant, vals["unit_amount"], vals["date"], name=vals["name"])

        self._assert_finding_comes_and_goes(
            "timesheets_missing", delete_a_week, log_it_again, "2026-11-24 09:00:00", period_start=date(2026, 11, 1)
        )
