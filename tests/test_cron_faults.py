"""Every scheduled action of the suite, interrupted in its second job and run again.

Each scheduled action is a dispatcher (OCA queue_job): it enqueues jobs on the billing channel,
one per batch. Each test builds at least three targets of one scheduled action, dispatches it
with ``limit=1`` under ``trap_jobs`` and performs its jobs one by one, as a job runner would. The
first job that handles targets completes (the runner commits it). The next job that handles
targets crashes after its work, before its commit: the savepoint around it rolls its work back
exactly as a crash before the commit would, and the jobs it enqueued with it; the runner requeues
it. The scheduled action is then dispatched again and every job performed until none is left, and
once more. Every target must then have been handled exactly once: one draft, reminder, request,
escalation or activity each, none missing.

The suite is installed with its demo firm: the targets are always found among the records the
test created, and the demo firm's own due work is taken out of the way (in the test's
transaction) so that the batches handle the test's targets.
"""

from collections import Counter
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.addons.ps_billing_approvals.tests.common import ApprovalCase
from odoo.addons.ps_billing_readiness.tests.common import GROUP_CONSULTANT, GROUP_PROJECT_MANAGER, BillingControlCase
from odoo.addons.ps_milestone_billing.tests.common import MilestoneBillingCase
from odoo.addons.ps_timesheet_compliance.tests.common import TimesheetComplianceCase
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import new_test_user, tagged

POWER_CUT = "power cut"
# More jobs than any test enqueues: a loop that does not end fails instead.
MAX_JOBS = 200


class CronFaultMixin:
    """Dispatch a scheduled action, crash its second job, then dispatch it again until it is done."""

    def _next_job(self, trap):
        """Return the first trapped job whose dependencies are done (none of them is still waiting)."""
        waiting = set(trap.enqueued_jobs)
        for job in trap.enqueued_jobs:
            if not job.depends_on & waiting:
                return job
        self.fail("every waiting job waits for another")

    def _perform_next(self, trap):
        """Take the next job off the queue and perform it; return its result as a Counter."""
        job = self._next_job(trap)
        trap.enqueued_jobs.remove(job)
        result = job.perform()
        if isinstance(result, dict):
            return Counter(result)
        return Counter({"count": result or 0})

    def _perform_all(self, trap):
        """Perform the trapped jobs, and those they enqueue, until none is left; return the sum of their results."""
        totals = Counter()
        for _index in range(MAX_JOBS):
            if not trap.enqueued_jobs:
                return totals
            totals.update(self._perform_next(trap))
        self.fail("the jobs come to an end")

    def _run_through_power_cut(self, dispatch, progress):
        """Dispatch ``dispatch`` (called with ``limit=1``), perform its jobs until one handles targets, crash the
        next one that handles targets before its commit, then dispatch it again and perform every job until
        none is left, and once more. Return (the sum of the results of the jobs that committed before the last
        dispatch, that of the last dispatch's jobs).

        ``progress`` returns how many of the test's targets are handled so far.
        """
        self.assertEqual(progress(), 0, "nothing is handled before the first job")
        self._activity_floor = self.env["mail.activity"].search([], order="id desc", limit=1).id
        with trap_jobs() as trap:
            dispatch(limit=1)
            self.assertTrue(trap.enqueued_jobs, "the dispatcher enqueues jobs")
            self.assertEqual(progress(), 0, "the dispatcher only enqueues")
            handled = Counter()
            for _index in range(MAX_JOBS):
                self.assertTrue(trap.enqueued_jobs, "a job handles some of the test's targets")
                handled.update(self._perform_next(trap))
                if progress():
                    break
            first_job = progress()
            at_crash = []
            for _index in range(MAX_JOBS):
                self.assertTrue(trap.enqueued_jobs, "a second job handles some of the test's targets")
                queue = list(trap.enqueued_jobs)
                try:
                    with self.env.cr.savepoint():
                        result = self._perform_next(trap)
                        if progress() > first_job:
                            at_crash.append(progress())
                            raise RuntimeError(POWER_CUT)  # where the job runner would commit the job
                except RuntimeError as error:
                    if str(error) != POWER_CUT:
                        raise
                    # The jobs it enqueued are rolled back with it; the runner requeues the job itself.
                    trap.enqueued_jobs[:] = queue
                    break
                handled.update(result)
            self.assertEqual(len(at_crash), 1, "the second job crashed once, at the point of its commit")
            self.assertGreater(at_crash[0], first_job, "the second job had done its work when it crashed")
            self.assertEqual(progress(), first_job, "the interrupted job left nothing behind")

            dispatch(limit=1)
            handled.update(self._perform_all(trap))
            done = progress()
            dispatch(limit=1)
            last = self._perform_all(trap)
        self.assertEqual(progress(), done, "one more dispatch handles nothing again")
        return handled, last

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

    def _assert_no_duplicate_activity(self):
        """No activity the run scheduled has a twin: the same type, for the same user, on the same record."""

        def key(activity):
            return (activity.res_model, activity.res_id, activity.activity_type_id.id, activity.user_id.id)

        scheduled = self.env["mail.activity"].search([("id", ">", self._activity_floor)])
        same = self.env["mail.activity"].search(
            [
                ("res_model", "in", list(set(scheduled.mapped("res_model")))),
                ("res_id", "in", scheduled.mapped("res_id")),
                ("user_id", "in", scheduled.user_id.ids),
            ]
        )
        counts = Counter(key(activity) for activity in same)
        self.assertFalse({k: n for k, n in counts.items() if n > 1 and k in set(map(key, scheduled))})

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
        """Jobs of one engagement each; terms not confirmed, so every period is blocked."""
        with freeze_time(self.today):
            # The demo firm's engagements count as evaluated today.
            others = self.env["sale.order"].search([("state", "=", "sale"), ("id", "not in", self.orders.ids)])
            others.write({"ps_readiness_dirty": False, "ps_readiness_evaluated_on": self.today})
            self.orders.write({"ps_readiness_dirty": False})

            def evaluated():
                return len(self.orders.filtered(lambda order: order.ps_readiness_evaluated_on == self.today))

            _handled, last = self._run_through_power_cut(self.Readiness._cron_billing_run, progress=evaluated)

        self.assertEqual(last["evaluated"], 0, "one more run evaluates nothing")
        self.assertEqual(evaluated(), 3, "every engagement is evaluated")
        records = self._readiness()
        periods = Counter((record.sale_order_id.id, record.period_start) for record in records)
        expected = {(order.id, start): 1 for order in self.orders for start in (date(2026, 10, 1), date(2026, 11, 1))}
        self.assertEqual(dict(periods), expected, "one readiness record per engagement and period")
        self.assertEqual(set(records.mapped("state")), {"blocked"})
        self._assert_no_duplicate_activity()

    def test_drafting_interrupted_resumes_with_one_draft_and_one_request_per_period(self):
        """Jobs of one engagement's ready periods whose cutoff passed; each draft goes through the approval
        matrix."""
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

            handled, last = self._run_through_power_cut(
                self.Readiness._cron_billing_run, progress=lambda: len(october.filtered("invoice_id"))
            )

        self.assertEqual(handled["drafted"], 3, "the jobs that committed drafted each period once")
        self.assertEqual(last["drafted"], 0, "one more run drafts nothing")
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
        self._assert_no_duplicate_activity()

    def test_escalation_of_blocked_interrupted_resumes_escalating_each_period_once(self):
        """Jobs of one period blocked longer than the company's delay (3 days by default)."""
        with freeze_time(self.today):
            self._evaluate(self.orders)
        records = self._readiness()
        self.assertEqual(len(records), 6)
        self.assertEqual(set(records.mapped("state")), {"blocked"})
        escalation_day = self.today + timedelta(days=self.company.ps_escalation_days)
        with freeze_time(escalation_day):
            others = self.Readiness.search([("state", "=", "blocked"), ("escalated_on", "=", False)]) - records
            others.write({"escalated_on": escalation_day})

            handled, last = self._run_through_power_cut(
                self.Readiness._cron_billing_run, progress=lambda: len(records.filtered("escalated_on"))
            )

        self.assertEqual(handled["escalated"], 6, "the jobs that committed escalated each period once")
        self.assertEqual(last["escalated"], 0, "one more run escalates nothing")
        self.assertEqual(set(records.mapped("escalated_on")), {escalation_day}, "every blocked period is escalated")
        self.assertEqual(set(records.mapped("state")), {"blocked"})
        # Owners and controllers hear of it in their digest: refreshed in place, never a second one.
        self._assert_no_duplicate_activity()


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
        """Jobs of one employee each; an employee scanned today is done."""
        today = date(2026, 11, 5)
        with freeze_time(today):

            def scanned():
                current = self._compliance().filtered(lambda r: r.period_start <= today <= r.period_end)
                return len(current.filtered(lambda r: r.scanned_on >= datetime(2026, 11, 5)))

            handled, last = self._run_through_power_cut(self.Compliance._cron_scan_compliance, progress=scanned)
        self.assertEqual((handled["scanned"], last["scanned"]), (3, 0), "each consultant scanned once")
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
        """Jobs of one short consultant each before the cutoff; each is reminded once per period."""
        today = date(2026, 11, 7)
        with freeze_time(today):
            records = self.Compliance._scan_employees(self.consultants, today)
            due = records.filtered(lambda r: r.period_start == self.monday)
            self.assertEqual(set(due.mapped("state")), {"missing"})
            self._leave_only(due, [("state", "=", "missing"), ("cutoff_date", ">=", today), ("user_id", "!=", False)])

            handled, last = self._run_through_power_cut(
                self.Compliance._cron_remind_consultants,
                progress=lambda: len(self._reminders("consultant")),
            )
        self.assertEqual((handled["reminded"], last["reminded"]), (3, 0), "each consultant reminded once")

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
        """Jobs of one manager's late people each (a manager's people stay in one job) after the cutoff."""
        today = date(2026, 11, 10)
        with freeze_time(today):
            records = self.Compliance._scan_employees(self.consultants, today)
            late = records.filtered(lambda r: r.state == "late")
            self.assertEqual(late.employee_id, self.consultants)
            self._leave_only(late, [("state", "=", "late"), ("manager_user_id", "!=", False)])

            handled, last = self._run_through_power_cut(
                self.Compliance._cron_escalate_to_managers,
                progress=lambda: len(self._reminders("escalation")),
            )
        self.assertEqual((handled["escalated"], last["escalated"]), (3, 0), "each manager told once")

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
        """Jobs of one approver each; each consultant's time waits for their own manager (the project has none)."""
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

            handled, last = self._run_through_power_cut(
                self.Reminder._cron_remind_approvers,
                progress=lambda: len(self._reminders("approval")),
            )
        self.assertEqual((handled["reminded"], last["reminded"]), (3, 0), "each approver reminded once")

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
        """Jobs of one milestone each past its deemed-acceptance date (10 days after reaching)."""
        self.engagement.ps_deemed_acceptance_days = 10
        self._reach_all()
        today = date(2026, 10, 25)
        with freeze_time(today):
            self._leave_only(
                [("ps_acceptance_state", "=", "awaiting"), ("ps_deemed_acceptance_date", "<=", today)],
                {"ps_awaiting_since": today},
            )
            handled, last = self._run_through_power_cut(
                self.Milestone._cron_ps_deemed_acceptance,
                progress=lambda: len(self.milestones.filtered(lambda m: m.ps_acceptance_state == "accepted")),
            )
        self.assertEqual((handled["accepted"], last["accepted"]), (3, 0), "each milestone accepted once")

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
        """Jobs of one milestone each awaiting acceptance longer than the company's delay (7 days)."""
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
            handled, last = self._run_through_power_cut(
                self.Milestone._cron_ps_escalate_awaiting,
                progress=lambda: len(self.milestones.filtered("ps_escalated_on")),
            )
        self.assertEqual((handled["escalated"], last["escalated"]), (3, 0), "each milestone escalated once")

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

    Each job reminds, then escalates, the stalled approvals of its batch, and commits them.
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
        """Jobs of one stalled approval each: each is reminded once and escalated once to the consultant's
        manager."""
        self.assertEqual(len(self.requests), 3)
        self.assertEqual(set(self.requests.mapped("state")), {"pending"})
        Request = self.env["ps.approval.request"]
        with freeze_time("2026-11-16 06:00:00"):
            now = fields.Datetime.now()
            others = Request.search([("state", "=", "pending")]) - self.requests
            others.write({"reminded_on": now, "escalated_on": now})

            handled, last = self._run_through_power_cut(
                Request._cron_remind_and_escalate,
                progress=lambda: len(self.requests.filtered("reminded_on"))
                + len(self.requests.filtered("escalated_on")),
            )
        self.assertEqual((handled["reminded"], handled["escalated"]), (3, 3), "each approval handled once")
        self.assertEqual((last["reminded"], last["escalated"]), (0, 0))

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
