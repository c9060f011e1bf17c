"""Every scheduled action of the suite, interrupted in its second batch and run again.

Each test builds at least three targets of one scheduled action and runs it
batch by batch (``limit=1``). The first batch completes (in production Odoo
commits it at the end of the run). The second run crashes after its work,
before Odoo's commit: the savepoint around the run rolls its work back exactly
as a crash before the commit would. The action is then run until it finds nothing left, and once
more. Every target must then have been handled exactly once: one draft,
reminder, request or activity each, none missing.

The suite is installed with its demo firm: the targets are always found
among the records the test created, and the demo firm's own due work is taken
out of the way (in the test's transaction) so that each batch handles the
test's targets.
"""

from collections import Counter
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.addons.ps_billing_approvals.tests.common import ApprovalCase
from odoo.addons.ps_billing_readiness.tests.common import GROUP_CONSULTANT, GROUP_PROJECT_MANAGER, BillingControlCase
from odoo.addons.ps_milestone_billing.tests.common import MilestoneBillingCase
from odoo.addons.ps_timesheet_compliance.tests.common import TimesheetComplianceCase
from odoo.tests import new_test_user, tagged

POWER_CUT = "power cut"


class CronFaultMixin:
    """Run a scheduled action with a crash in its second batch, then until it is done.

    Every scheduled action of the suite handles one batch per run (``ps.cron.mixin``)
    and Odoo commits after each run: the crash comes after the second run's work,
    before that commit.
    """

    def _run_through_power_cut(self, cron, progress):
        """Run ``cron`` (called with ``limit=``) one batch, crash its second batch at the fault point,
        then rerun it until it finds nothing left, and once more.

        ``progress`` returns how many of the test's targets are handled so far.
        """
        self.assertEqual(progress(), 0, "nothing is handled before the first run")
        self.assertTrue(cron(limit=1), "the first batch finds work")
        first_batch = progress()
        self.assertGreater(first_batch, 0, "the first batch handled some of the test's targets")
        at_crash = []

        def power_cut(*_args, **_kwargs):
            at_crash.append(progress())
            raise RuntimeError(POWER_CUT)

        with self.assertRaisesRegex(RuntimeError, POWER_CUT), self.env.cr.savepoint():
            cron(limit=1)
            power_cut()  # where Odoo would commit the run
        self.assertEqual(len(at_crash), 1, "the second batch crashed once, at the point of its commit")
        self.assertGreater(at_crash[0], first_batch, "the second batch had done its work when it crashed")
        self.assertEqual(progress(), first_batch, "the interrupted batch left nothing behind")
        runs = 0
        while cron(limit=1):
            runs += 1
            self.assertLess(runs, 50, "the rerun comes to an end")
        self.assertEqual(cron(), 0, "one more run finds nothing left to do")

    def _activity_counts(self, records, xmlid):
        """Return Counter {(res_id, user id): open activities of type ``xmlid``} on ``records``."""
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )
        return Counter((activity.res_id, activity.user_id.id) for activity in activities)

    def _message_count(self, record, text):
        return len(record.message_ids.filtered(lambda message: text in (message.body or "")))


@tagged("post_install", "-at_install")
class TestReadinessCronFaults(CronFaultMixin, BillingControlCase):
    """Three fixed-fee engagements that started in September; "today" is 10 November."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Readiness = cls.env["ps.billing.readiness"]
        cls.orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": cls.client.id,
                    "user_id": cls.controller.id,
                    "order_line": [Command.create({"product_id": cls.product_fixed_fee.id, "product_uom_qty": 1.0})],
                }
                for _index in range(3)
            ]
        )
        cls.orders.action_confirm()
        cls.orders.date_order = "2026-09-15 09:00:00"

    def _readiness(self):
        return self.Readiness.search([("sale_order_id", "in", self.orders.ids)])

    def test_evaluation_interrupted_resumes_without_duplicate_period_or_activity(self):
        """Batches of engagements; terms not confirmed, so every period is blocked and gets its owner's activity."""
        with freeze_time(self.today):
            # The demo firm's engagements count as evaluated today.
            others = self.env["sale.order"].search([("state", "=", "sale"), ("id", "not in", self.orders.ids)])
            others.write({"ps_readiness_dirty": False, "ps_readiness_evaluated_on": self.today})
            self.orders.write({"ps_readiness_dirty": False})

            def evaluated():
                return len(self.orders.filtered(lambda order: order.ps_readiness_evaluated_on == self.today))

            self._run_through_power_cut(
                lambda limit=200: self.Readiness._evaluate_stale(self.today, limit)[0], progress=evaluated
            )

        self.assertEqual(evaluated(), 3, "every engagement is evaluated")
        records = self._readiness()
        periods = Counter((record.sale_order_id.id, record.period_start) for record in records)
        expected = {(order.id, start): 1 for order in self.orders for start in (date(2026, 10, 1), date(2026, 11, 1))}
        self.assertEqual(dict(periods), expected, "one readiness record per engagement and period")
        self.assertEqual(set(records.mapped("state")), {"blocked"})
        activities = self._activity_counts(records, "ps_billing_readiness.mail_activity_type_readiness_blocked")
        self.assertEqual(dict(activities), {(record.id, self.controller.id): 1 for record in records})

    def test_drafting_interrupted_resumes_with_one_draft_and_one_request_per_period(self):
        """Batches of ready periods whose cutoff passed; each draft goes through the approval matrix."""
        self.env["ps.approval.rule"].search([]).active = False
        rule = self.env["ps.approval.rule"].create(
            {
                "name": "Fault test: over 1,000",
                "level": 1,
                "amount_min": 1000.0,
                "approver_type": "users",
                "user_ids": [Command.set(self.controller.ids)],
            }
        )
        self._confirm_terms(self.orders)
        with freeze_time(self.today):
            self._evaluate(self.orders)
            october = self._readiness().filtered(lambda record: record.period_start == date(2026, 10, 1))
            self.assertEqual(len(october), 3)
            self.assertEqual(set(october.mapped("state")), {"ready"})
            others = self.Readiness.search(
                [("state", "=", "ready"), ("invoice_id", "=", False), ("cutoff_date", "<", self.today)]
            )
            (others - october).write({"state": "not_ready"})

            self._run_through_power_cut(
                lambda limit=200: self.Readiness._draft_due_periods(self.today, limit)[0],
                progress=lambda: len(october.filtered("invoice_id")),
            )

        drafts = self.env["account.move"].search([("ps_readiness_id", "in", october.ids)])
        self.assertEqual(
            dict(Counter(drafts.mapped("ps_readiness_id.id"))), dict.fromkeys(october.ids, 1), "one draft per period"
        )
        for record in october:
            self.assertEqual(record.state, "invoiced")
            self.assertEqual(record.invoice_id.ps_readiness_id, record)
        requests = self.env["ps.approval.request"].search([("move_id", "in", drafts.ids)])
        self.assertEqual(
            dict(Counter((request.move_id.id, request.rule_id.id) for request in requests)),
            {(draft.id, rule.id): 1 for draft in drafts},
            "one approval request per draft",
        )

    def test_escalation_of_blocked_interrupted_resumes_with_one_activity_per_controller(self):
        """Batches of periods blocked longer than the company's delay (3 days by default)."""
        with freeze_time(self.today):
            self._evaluate(self.orders)
        records = self._readiness()
        self.assertEqual(len(records), 6)
        self.assertEqual(set(records.mapped("state")), {"blocked"})
        escalation_day = self.today + timedelta(days=self.company.ps_escalation_days)
        controllers = self.env["sale.order"]._ps_get_finance_controllers()
        self.assertIn(self.controller, controllers)
        with freeze_time(escalation_day):
            others = self.Readiness.search([("state", "=", "blocked"), ("escalated_on", "=", False)]) - records
            others.write({"escalated_on": escalation_day})

            self._run_through_power_cut(
                lambda limit=200: self.Readiness._escalate_blocked_periods(escalation_day, limit)[0],
                progress=lambda: len(records.filtered("escalated_on")),
            )

        self.assertEqual(set(records.mapped("escalated_on")), {escalation_day}, "every blocked period is escalated")
        activities = self._activity_counts(records, "ps_billing_readiness.mail_activity_type_readiness_escalation")
        self.assertEqual(dict(activities), {(record.id, user.id): 1 for record in records for user in controllers})
        for record in records:
            self.assertEqual(self._message_count(record, "escalated to the finance controllers"), 1)


@tagged("post_install", "-at_install")
class TestTimesheetCronFaults(CronFaultMixin, TimesheetComplianceCase):
    """Three consultants, each with their own manager, log three days of five in the week of 2 November.

    Weekly periods: the cutoff of that week is Monday 9, consultants are
    reminded from Saturday 7, managers escalated from Tuesday 10, approvers
    reminded of time submitted three days before.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.third_manager = new_test_user(
            cls.env, login="bc_third_manager", name="Mia Manager", groups=GROUP_PROJECT_MANAGER, email="mia@example.com"
        )
        cls.third_consultant = new_test_user(
            cls.env, login="bc_third_consultant", name="Theo Third", groups=GROUP_CONSULTANT, email="theo@example.com"
        )
        Employee = cls.env["hr.employee"]
        cls.employee_third_manager = Employee.create({"name": cls.third_manager.name, "user_id": cls.third_manager.id})
        cls.employee_third_consultant = Employee.create(
            {
                "name": cls.third_consultant.name,
                "user_id": cls.third_consultant.id,
                "hourly_cost": 40.0,
                "parent_id": cls.employee_third_manager.id,
            }
        )
        cls.consultants = cls.employee_consultant | cls.employee_other_consultant | cls.employee_third_consultant
        cls.managers = {
            cls.employee_consultant: cls.project_manager,
            cls.employee_other_consultant: cls.other_manager,
            cls.employee_third_consultant: cls.third_manager,
        }
        cls.users = {
            cls.employee_consultant: cls.consultant,
            cls.employee_other_consultant: cls.other_consultant,
            cls.employee_third_consultant: cls.third_consultant,
        }
        cls.company.write(
            {
                "ps_timesheet_period": "weekly",
                "ps_timesheet_cutoff_days": 1,
                "ps_timesheet_reminder_days": 2,
                "ps_timesheet_escalation_days": 1,
                "ps_timesheet_approval_days": 3,
            }
        )
        cls.lines = {employee: cls._week(employee, days=3) for employee in cls.consultants}
        # Only the three consultants are watched: the managers, the controller and the demo firm are not.
        Compliance = cls.env["ps.timesheet.compliance"]
        watched = cls.env["hr.employee"].search(Compliance._get_scan_employee_domain())
        (watched - cls.consultants).ps_timesheet_required = False
        cls.Compliance = Compliance
        cls.Reminder = cls.env["ps.timesheet.reminder"]

    def _compliance(self):
        return self.Compliance.search([("employee_id", "in", self.consultants.ids)])

    def _reminders(self, kind):
        return self.Reminder.search([("kind", "=", kind), ("employee_id", "in", self.consultants.ids)])

    def _leave_only(self, records, domain):
        """Take the compliance records matching ``domain`` out of the way, but ``records``."""
        (self.Compliance.search(domain) - records).write({"state": "compliant"})

    def test_compliance_scan_interrupted_resumes_with_one_record_per_employee_and_period(self):
        """Batches of employees; an employee scanned today is done."""
        today = date(2026, 11, 5)
        with freeze_time(today):

            def scanned():
                current = self._compliance().filtered(lambda r: r.period_start <= today <= r.period_end)
                return len(current.filtered(lambda r: r.scanned_on >= datetime(2026, 11, 5)))

            self._run_through_power_cut(
                self.Compliance._cron_scan_compliance,
                progress=scanned,
            )
        self.assertEqual(scanned(), 3, "every consultant is scanned")
        periods = Counter((record.employee_id.id, record.period_start) for record in self._compliance())
        expected = {
            (employee.id, start): 1 for employee in self.consultants for start in (date(2026, 10, 26), self.monday)
        }
        self.assertEqual(dict(periods), expected, "one compliance record per employee and period")
        current = self._compliance().filtered(lambda r: r.period_start == self.monday)
        # Judged so far on Thursday: Monday to Wednesday expected (24 hours), and logged.
        self.assertEqual(current.mapped("expected_hours"), [24.0] * 3)
        self.assertEqual(current.mapped("missing_hours"), [0.0] * 3)

    def test_consultant_reminders_interrupted_resume_with_one_reminder_each(self):
        """Batches of short consultants before the cutoff; each is reminded once per period."""
        today = date(2026, 11, 7)
        with freeze_time(today):
            records = self.Compliance._scan_employees(self.consultants, today)
            due = records.filtered(lambda r: r.period_start == self.monday)
            self.assertEqual(set(due.mapped("state")), {"missing"})
            self._leave_only(due, [("state", "=", "missing"), ("cutoff_date", ">=", today), ("user_id", "!=", False)])

            self._run_through_power_cut(
                self.Compliance._cron_remind_consultants,
                progress=lambda: len(self._reminders("consultant")),
            )

        reminders = self._reminders("consultant")
        self.assertEqual(
            dict(Counter((r.employee_id.id, r.user_id.id, r.period_start) for r in reminders)),
            {(employee.id, self.users[employee].id, self.monday): 1 for employee in self.consultants},
            "one reminder per consultant and period",
        )
        for record in due:
            self.assertEqual(self._message_count(record, "Reminder sent to"), 1)
            mails = self.env["mail.mail"].search([("model", "=", record._name), ("res_id", "=", record.id)])
            self.assertEqual(len(mails), 1, "one email in the queue")

    def test_manager_escalations_interrupted_resume_with_one_escalation_and_activity_each(self):
        """Batches of managers (a manager's people stay in one batch) after the cutoff."""
        today = date(2026, 11, 10)
        with freeze_time(today):
            records = self.Compliance._scan_employees(self.consultants, today)
            late = records.filtered(lambda r: r.state == "late")
            self.assertEqual(late.employee_id, self.consultants)
            self._leave_only(late, [("state", "=", "late"), ("manager_user_id", "!=", False)])

            self._run_through_power_cut(
                self.Compliance._cron_escalate_to_managers,
                progress=lambda: len(self._reminders("escalation")),
            )

        escalations = self._reminders("escalation")
        self.assertEqual(
            dict(Counter((r.employee_id.id, r.user_id.id, r.period_start) for r in escalations)),
            {(r.employee_id.id, self.managers[r.employee_id].id, r.period_start): 1 for r in late},
            "one escalation per late employee and period",
        )
        activities = self._activity_counts(late, "ps_timesheet_compliance.mail_activity_type_timesheet_missing")
        # One activity per manager and period, on the record of its first (here: only) employee.
        self.assertEqual(dict(activities), {(r.id, self.managers[r.employee_id].id): 1 for r in late})

    def test_approver_reminders_interrupted_resume_with_one_reminder_per_approver_and_period(self):
        """Batches of approvers; each consultant's time waits for their own manager (the project has none)."""
        self.project.user_id = False
        with freeze_time("2026-11-05 17:00:00"):
            for employee, lines in self.lines.items():
                lines.with_user(self.users[employee]).action_ps_submit()
        with freeze_time("2026-11-10 06:00:00"):
            others = self.env["account.analytic.line"].search(
                [
                    ("ps_state", "=", "submitted"),
                    ("project_id", "!=", False),
                    ("ps_submitted_on", "<=", fields.Datetime.now()),
                    ("employee_id", "not in", self.consultants.ids),
                ]
            )
            others.sudo().write({"ps_submitted_on": fields.Datetime.now()})

            self._run_through_power_cut(
                self.Reminder._cron_remind_approvers,
                progress=lambda: len(self._reminders("approval")),
            )

        reminders = self._reminders("approval")
        self.assertEqual(
            dict(Counter((r.user_id.id, r.employee_id.id, r.period_start) for r in reminders)),
            {(self.managers[employee].id, employee.id, self.monday): 1 for employee in self.consultants},
            "one reminder per approver, employee and period",
        )
        for manager in self.managers.values():
            mails = self.env["mail.mail"].search(
                [
                    ("recipient_ids", "in", manager.partner_id.ids),
                    ("mail_message_id", "in", reminders.mail_message_id.ids),
                ]
            )
            self.assertEqual(len(mails), 1, "one email to each approver")


@tagged("post_install", "-at_install")
class TestMilestoneCronFaults(CronFaultMixin, MilestoneBillingCase):
    """Three milestones of the engagement reached on 12 October, awaiting the client's acceptance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.milestone_build.quantity_percentage = 0.3
        cls.milestone_handover = cls.env["project.milestone"].create(
            {
                "name": "Handover",
                "project_id": cls.project.id,
                "sale_line_id": cls.line_milestone.id,
                "quantity_percentage": 0.3,
            }
        )
        cls.milestones = cls.milestone_design | cls.milestone_build | cls.milestone_handover
        cls.Milestone = cls.env["project.milestone"]

    def _reach_all(self):
        self._reach(self.milestones)
        self.assertEqual(set(self.milestones.mapped("ps_acceptance_state")), {"awaiting"})

    def _leave_only(self, domain, vals):
        """Take the demo firm's milestones matching ``domain`` out of the way with ``vals``."""
        others = self.Milestone.search(domain) - self.milestones
        others.sudo().write(vals)

    def test_deemed_acceptance_interrupted_resumes_accepting_each_milestone_once(self):
        """Batches of milestones past their deemed-acceptance date (10 days after reaching)."""
        self.engagement.ps_deemed_acceptance_days = 10
        self._reach_all()
        today = date(2026, 10, 25)
        with freeze_time(today):
            self._leave_only(
                [("ps_acceptance_state", "=", "awaiting"), ("ps_deemed_acceptance_date", "<=", today)],
                {"ps_awaiting_since": today},
            )
            self._run_through_power_cut(
                self.Milestone._cron_ps_deemed_acceptance,
                progress=lambda: len(self.milestones.filtered(lambda m: m.ps_acceptance_state == "accepted")),
            )

        self.assertEqual(set(self.milestones.mapped("ps_acceptance_state")), {"accepted"})
        self.assertTrue(all(self.milestones.mapped("ps_deemed_accepted")))
        for milestone in self.milestones:
            self.assertEqual(self._message_count(milestone, "Deemed accepted"), 1)
        self.assertFalse(
            self._activity_counts(self.milestones, "ps_milestone_billing.mail_activity_type_collect_evidence"),
            "accepting closes the evidence activities",
        )
        self.assertAlmostEqual(self.line_milestone.qty_delivered, 1.0)

    def test_escalation_of_awaiting_interrupted_resumes_with_one_activity_per_controller(self):
        """Batches of milestones awaiting acceptance longer than the company's delay (7 days)."""
        self.company.ps_milestone_escalation_days = 7
        self._reach_all()
        today = date(2026, 10, 19)
        controllers = self.env["sale.order"]._ps_get_finance_controllers()
        self.assertIn(self.controller, controllers)
        with freeze_time(today):
            self._leave_only(
                [("ps_acceptance_state", "=", "awaiting"), ("ps_escalated_on", "=", False)],
                {"ps_escalated_on": today},
            )
            self._run_through_power_cut(
                self.Milestone._cron_ps_escalate_awaiting,
                progress=lambda: len(self.milestones.filtered("ps_escalated_on")),
            )

        self.assertEqual(set(self.milestones.mapped("ps_escalated_on")), {today})
        activities = self._activity_counts(
            self.milestones, "ps_milestone_billing.mail_activity_type_acceptance_escalation"
        )
        self.assertEqual(
            dict(activities), {(milestone.id, user.id): 1 for milestone in self.milestones for user in controllers}
        )
        for milestone in self.milestones:
            self.assertEqual(self._message_count(milestone, "escalated to the finance controllers"), 1)


@tagged("post_install", "-at_install")
class TestApprovalCronFaults(CronFaultMixin, ApprovalCase):
    """Three drafts waiting since 10 November for the consultant, who is reminded after 2 days and whose
    manager gets the approval after 5.

    Each run reminds, then escalates, one batch of each and commits them; a full batch triggers the
    next run.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"ps_approval_reminder_days": 2, "ps_approval_escalation_days": 5})
        cls._rule("Consultant check", approver=cls.consultant)
        with freeze_time("2026-11-10 09:00:00"):
            cls.moves = cls.env["account.move"].concat(*[cls._draft(untaxed=1000.0 * (i + 1)) for i in range(3)])
            for move in cls.moves:
                move.action_ps_request_approval()
        cls.requests = cls.moves.ps_approval_request_ids

    def test_reminders_and_escalations_interrupted_resume_once_each(self):
        """Batches of stalled approvals: each is reminded once and escalated once to the consultant's manager."""
        self.assertEqual(len(self.requests), 3)
        self.assertEqual(set(self.requests.mapped("state")), {"pending"})
        Request = self.env["ps.approval.request"]
        with freeze_time("2026-11-16 06:00:00"):
            now = fields.Datetime.now()
            others = Request.search([("state", "=", "pending")]) - self.requests
            others.write({"reminded_on": now, "escalated_on": now})

            self._run_through_power_cut(
                Request._cron_remind_and_escalate,
                progress=lambda: len(self.requests.filtered("reminded_on"))
                + len(self.requests.filtered("escalated_on")),
            )

        self.assertTrue(all(self.requests.mapped("reminded_on")), "every approval is reminded")
        self.assertTrue(all(self.requests.mapped("escalated_on")), "every approval is escalated")
        escalation_type = self.env.ref("ps_billing_approvals.mail_activity_type_ps_approval_escalation")
        for request in self.requests:
            move = request.move_id
            self.assertEqual(self._message_count(move, "Reminder:"), 1, "one reminder per approval")
            escalations = move.activity_ids.filtered(lambda a: a.activity_type_id == escalation_type)
            self.assertEqual(escalations.user_id, self.project_manager)
            self.assertEqual(len(escalations), 1, "one escalation activity per approval")
            self.assertEqual(request.approver_ids, self.consultant | self.project_manager)
            self.assertEqual(request.escalation_note.count("escalated to"), 1)
