"""The feature modules' business events (ps_billing_events), emitted through the core's hook: approval
requested, approved and rejected; milestones reached, accepted and rejected; one timesheets.approved per
approval action; timesheets.missing per consultant and period."""

import json
from datetime import date

from freezegun import freeze_time

from odoo.addons.ps_billing_approvals.tests.common import ApprovalCase
from odoo.tests import tagged

TODAY = date(2026, 11, 10)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestBillingEventsOfFeatures(ApprovalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["ps.billing.event"]

    def _new_events(self, before, event_type=None):
        domain = [("id", ">", before)]
        if event_type:
            domain.append(("event_type", "=", event_type))
        return self.Event.search(domain, order="id")

    def _last_id(self):
        return self.Event.search([], limit=1, order="id desc").id or 0

    def test_approval_requested_approved_and_rejected(self):
        self._rule("Everything", amount_min=1.0)
        before = self._last_id()
        approved = self._draft(untaxed=1200.0)
        approved.with_user(self.controller).action_ps_request_approval()
        approved.with_user(self.director).action_ps_approve()
        rejected = self._draft(untaxed=1300.0)
        rejected.with_user(self.controller).action_ps_request_approval()
        rejected.with_user(self.director).action_ps_reject("Wrong rate")
        events = self._new_events(before)
        self.assertEqual(
            [(e.event_type, e.res_id) for e in events if e.event_type.startswith("invoice.")],
            [
                ("invoice.approval_requested", approved.id),
                ("invoice.approved", approved.id),
                ("invoice.approval_requested", rejected.id),
                ("invoice.rejected", rejected.id),
            ],
        )
        self.assertEqual(json.loads(events[-1].body)["data"]["amount_untaxed"], 1300.0)

    def test_milestone_reached_accepted_and_rejected(self):
        self.project.allow_milestones = True
        design, build = self.env["project.milestone"].create(
            [
                {"name": "Design", "project_id": self.project.id, "sale_line_id": self.line_milestone.id},
                {"name": "Build", "project_id": self.project.id, "sale_line_id": self.line_milestone.id},
            ]
        )
        before = self._last_id()
        (design | build).with_user(self.project_manager).write({"is_reached": True})
        (design | build).with_user(self.project_manager).write({"is_reached": True})
        design.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")
        build.with_user(self.project_manager).action_ps_reject("Not what was ordered")
        events = self._new_events(before)
        self.assertEqual(
            [(e.event_type, e.res_id) for e in events if e.event_type.startswith("milestone.")],
            [
                ("milestone.reached", design.id),
                ("milestone.reached", build.id),
                ("milestone.accepted", design.id),
                ("milestone.rejected", build.id),
            ],
        )
        self.assertEqual(events.filtered(lambda e: e.event_type == "milestone.accepted").sale_order_id, self.engagement)
        data = json.loads(events.filtered(lambda e: e.event_type == "milestone.reached")[0].body)["data"]
        self.assertNotIn("Nora", json.dumps(data), "no signatory's name in the payload")

    def test_one_timesheets_approved_event_per_approval_action(self):
        lines = self._log_time(self.employee_consultant, 3.0, "2026-11-02") | self._log_time(
            self.employee_consultant, 4.0, "2026-11-03"
        )
        lines.with_user(self.consultant).action_ps_submit()
        before = self._last_id()
        lines.with_user(self.project_manager).action_ps_approve()
        events = self._new_events(before, "timesheets.approved")
        self.assertEqual(len(events), 1)
        data = json.loads(events.body)["data"]
        self.assertEqual(sorted(data["ids"]), sorted(lines.ids))
        self.assertEqual(data["hours"], 7.0)
        self.assertEqual(data["by_user_id"], self.project_manager.id)

    def test_timesheets_missing_per_consultant_and_period_once(self):
        Compliance = self.env["ps.timesheet.compliance"]
        self.company.ps_timesheet_reminder_days = 7
        records = Compliance._scan_employees(self.employee_consultant, TODAY)
        missing = records.filtered(lambda r: r.state == "missing")
        self.assertTrue(missing, "the consultant logged nothing this period")
        before = self._last_id()
        missing._job_remind_consultants_batch()
        missing._job_remind_consultants_batch()
        events = self._new_events(before, "timesheets.missing")
        self.assertEqual(len(events), len(missing), "one event per consultant and period, once")
        data = json.loads(events[0].body)["data"]
        self.assertEqual(data["employee_id"], self.employee_consultant.id)
        self.assertGreater(data["missing_hours"], 0)
        self.assertNotIn("carla@example.com", events[0].body)
