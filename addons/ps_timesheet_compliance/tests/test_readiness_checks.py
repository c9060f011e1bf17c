# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import TimesheetComplianceCase


@tagged("post_install", "-at_install")
class TestTimesheetReadinessChecks(TimesheetComplianceCase):
    """timesheets_approved (blocking) and timesheets_missing (warning) on the engagement's periods."""

    def _october(self):
        with freeze_time("2026-11-10"):
            return self._evaluate().filtered(lambda r: r.period_start == self.october[0])

    def _november(self):
        with freeze_time("2026-11-24"):
            return self._evaluate(day=date(2026, 11, 24)).filtered(lambda r: r.period_start == date(2026, 11, 1))

    def _findings(self, readiness, code):
        return readiness.finding_ids.filtered(lambda f: f.check_code == code)

    # timesheets_approved ----------------------------------------------------
    def test_timesheets_approved_blocks_submitted_and_draft_time(self):
        self._confirm_terms()
        approved = self._log_time(self.employee_consultant, 8.0, "2026-10-05")
        submitted = self._log_time(self.employee_consultant, 4.0, "2026-10-06")
        self._log_time(self.employee_consultant, 2.0, "2026-10-07")
        self._submit(approved | submitted)
        self._approve(approved)
        readiness = self._october()
        finding = self._findings(readiness, "timesheets_approved")
        self.assertEqual(readiness.state, "blocked")
        self.assertEqual(finding.severity, "blocking")
        self.assertEqual(finding.amount_at_risk, 6.0 * 150.0, "hours × the sale line price")
        self.assertIn("Carla Consultant", finding.message)
        self.assertIn("4.00 hours waiting for approval", finding.message)
        self.assertIn("2.00 hours not submitted", finding.message)
        self.assertEqual(readiness.amount_deliverable, 8.0 * 150.0, "only approved time is deliverable")

    def test_timesheets_approved_passes_when_all_time_is_approved(self):
        self._confirm_terms()
        lines = self._log_time(self.employee_consultant, 8.0, "2026-10-05") | self._log_time(
            self.employee_consultant, 4.0, "2026-10-06"
        )
        self._submit(lines)
        self._approve(lines)
        readiness = self._october()
        self.assertFalse(self._findings(readiness, "timesheets_approved"))
        self.assertEqual(readiness.state, "ready")
        self.assertEqual(readiness.amount_ready, 12.0 * 150.0)

    def test_timesheets_approved_ignores_rejected_and_later_time(self):
        self._confirm_terms()
        rejected = self._log_time(self.employee_consultant, 3.0, "2026-10-05")
        approved = self._log_time(self.employee_consultant, 8.0, "2026-10-06")
        self._submit(rejected | approved)
        self._approve(approved)
        self._reject(rejected)
        self._log_time(self.employee_consultant, 5.0, "2026-11-03")  # November's, not October's
        readiness = self._october()
        self.assertFalse(self._findings(readiness, "timesheets_approved"))

    def _second_engagement(self):
        """A second engagement of the client, with its own project and task, its hour sold at 200."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product_time_materials.id, "product_uom_qty": 50.0, "price_unit": 200.0}
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = "2026-09-15 09:00:00"
        order.order_line.project_id.user_id = self.project_manager
        self._confirm_terms(order)
        return order, order.order_line.task_id

    def test_timesheets_approved_in_one_batch_reports_each_engagement_its_own_time(self):
        self._confirm_terms()
        second, second_task = self._second_engagement()
        self._log_time(self.employee_consultant, 4.0, "2026-10-05")
        self._log_time(self.employee_other_consultant, 2.0, "2026-10-06", task=second_task)
        with freeze_time("2026-11-10"):
            records = self._evaluate(orders=self.engagement | second)
        october = records.filtered(lambda r: r.period_start == self.october[0])
        self.assertEqual(len(october), 2, "both engagements are evaluated in the same batch")
        first_finding = self._findings(
            october.filtered(lambda r: r.sale_order_id == self.engagement), "timesheets_approved"
        )
        second_finding = self._findings(october.filtered(lambda r: r.sale_order_id == second), "timesheets_approved")
        self.assertEqual(len(first_finding), 1)
        self.assertEqual(len(second_finding), 1)
        self.assertIn("Carla Consultant has 0.00 hours waiting for approval and 4.00", first_finding.message)
        self.assertEqual(first_finding.amount_at_risk, 4.0 * 150.0)
        self.assertIn("Oscar Other has 0.00 hours waiting for approval and 2.00", second_finding.message)
        self.assertEqual(second_finding.amount_at_risk, 2.0 * 200.0, "the second engagement's own price")

    # timesheets_missing -----------------------------------------------------
    def _regular_until(self, employee, monday, weeks):
        for index in range(weeks):
            self._week(employee, monday=date.fromordinal(monday.toordinal() + 7 * index))

    def test_timesheets_missing_warns_regular_consultant_short_this_period(self):
        self._confirm_terms()
        self._regular_until(self.employee_consultant, date(2026, 10, 19), 2)  # the two last weeks of October
        self._week(self.employee_consultant, monday=date(2026, 11, 2), days=2)
        readiness = self._november()
        findings = self._findings(readiness, "timesheets_missing")
        self.assertEqual(len(findings), 1, "one finding per consultant and period, not one per week")
        self.assertEqual(findings.severity, "warning")
        self.assertIn("Carla Consultant", findings.message)
        # The weeks over by 24 November: 26 October (full), 2 November (16 of 40 hours), 9 and 16 November (none).
        self.assertIn("missing 104.00 of 160.00 hours", findings.message)

    def test_timesheets_missing_passes_when_regulars_logged_their_time(self):
        self._confirm_terms()
        self._regular_until(self.employee_consultant, date(2026, 10, 19), 5)  # to the week of 16 November
        readiness = self._november()
        self.assertFalse(self._findings(readiness, "timesheets_missing"))

    def test_timesheets_missing_ignores_people_who_never_logged_on_the_project(self):
        self._confirm_terms()
        self._regular_until(self.employee_consultant, date(2026, 10, 19), 5)
        readiness = self._november()
        self.assertNotIn("Oscar Other", " ".join(readiness.finding_ids.mapped("message")))

    def test_timesheets_missing_severity_is_configurable(self):
        self._confirm_terms()
        self.env.ref("ps_timesheet_compliance.check_timesheets_missing").severity = "blocking"
        self._regular_until(self.employee_consultant, date(2026, 10, 19), 2)
        self._week(self.employee_consultant, monday=date(2026, 11, 2), days=2)
        readiness = self._november()
        self.assertEqual(set(self._findings(readiness, "timesheets_missing").mapped("severity")), {"blocking"})

    def test_timesheets_missing_in_one_batch_names_each_projects_own_regulars(self):
        self._confirm_terms()
        second, second_task = self._second_engagement()
        self._regular_until(self.employee_consultant, date(2026, 10, 19), 5)  # full weeks on the first project
        for monday in (date(2026, 10, 19), date(2026, 10, 26)):
            self._week(self.employee_other_consultant, monday=monday, task=second_task)
        self._week(self.employee_other_consultant, monday=date(2026, 11, 2), days=2, task=second_task)
        with freeze_time("2026-11-24"):
            records = self._evaluate(orders=self.engagement | second, day=date(2026, 11, 24))
        november = records.filtered(lambda r: r.period_start == date(2026, 11, 1))
        self.assertEqual(len(november), 2, "both engagements are evaluated in the same batch")
        first = self._findings(november.filtered(lambda r: r.sale_order_id == self.engagement), "timesheets_missing")
        second_findings = self._findings(november.filtered(lambda r: r.sale_order_id == second), "timesheets_missing")
        self.assertFalse(first, "Oscar never logged on the first project: he is not its regular")
        self.assertEqual(len(second_findings), 1)
        self.assertIn("Oscar Other", second_findings.message)
        self.assertIn("missing 104.00 of 160.00 hours", second_findings.message)
