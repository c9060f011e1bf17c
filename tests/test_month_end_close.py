"""A month-end close of a small firm, end to end, through the public actions only.

October 2026. Two consultants log time on a time-and-materials engagement;
Oscar falls short and is reminded once, then escalated to his manager. The
project manager approves the time but one day, which he rejects. On a
milestone engagement the first milestone is reached and accepted with
evidence; on another the milestone is reached and stays unaccepted. A third
engagement's project carries an expense linked to no sales order. After the
cutoff the scheduled actions evaluate readiness, draft the ready engagements,
the approval matrix routes the drafts, the controller approves and posts.
Rerunning every scheduled action then changes nothing.
"""

import base64
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.addons.ps_billing_readiness.tests.common import (
    GROUP_CONSULTANT,
    GROUP_PROJECT_MANAGER,
    BillingControlCase,
    run_jobs,
)
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

SUITE = ("ps_billing_readiness", "ps_timesheet_compliance", "ps_milestone_billing", "ps_billing_approvals")
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
# Scheduled actions in the order a night of cron runs them (the scan feeds the reminders,
# the evaluation feeds the drafting).
CRON_ORDER = (
    "ps_timesheet_compliance.ir_cron_scan_compliance",
    "ps_timesheet_compliance.ir_cron_remind_consultants",
    "ps_timesheet_compliance.ir_cron_escalate_to_managers",
    "ps_timesheet_compliance.ir_cron_remind_approvers",
    "ps_milestone_billing.ir_cron_escalate_awaiting_acceptance",
    # Deemed acceptance, evaluation, drafting and escalation, in that order, in one run.
    "ps_billing_readiness.ir_cron_evaluate_readiness",
    "ps_billing_approvals.ir_cron_ps_approval_remind_escalate",
)


def october_weekdays():
    day = OCTOBER[0]
    while day <= OCTOBER[1]:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


@tagged("post_install", "-at_install")
class TestMonthEndClose(BillingControlCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        company.write(
            {
                "ps_billing_cutoff_day": 3,
                "ps_timesheet_period": "monthly",
                "ps_timesheet_cutoff_days": 1,
                "ps_timesheet_reminder_days": 2,
                "ps_timesheet_escalation_days": 1,
                "ps_timesheet_approved_only": True,
            }
        )
        cls.other_manager = new_test_user(
            cls.env, login="me_olga", name="Olga Other", groups=GROUP_PROJECT_MANAGER, email="olga@example.com"
        )
        cls.oscar = new_test_user(
            cls.env, login="me_oscar", name="Oscar Short", groups=GROUP_CONSULTANT, email="oscar@example.com"
        )
        Employee = cls.env["hr.employee"]
        cls.employee_olga = Employee.create({"name": "Olga Other", "user_id": cls.other_manager.id})
        cls.employee_oscar = Employee.create(
            {
                "name": "Oscar Short",
                "user_id": cls.oscar.id,
                "hourly_cost": 45.0,
                "parent_id": cls.employee_olga.id,
            }
        )
        # Managers and controllers do not fill timesheets here: only the consultants are watched.
        (cls.employee_manager | cls.employee_controller | cls.employee_olga).ps_timesheet_required = False
        # The firm's own matrix: large invoices need the engagement lead or the controller.
        cls.env["ps.approval.rule"].search([]).active = False
        cls.env["ps.approval.rule"].create(
            {
                "name": "Over 5,000: engagement lead or controller",
                "level": 1,
                "amount_min": 5000.0,
                "approver_type": "users",
                "user_ids": [Command.set((cls.project_manager | cls.controller).ids)],
            }
        )
        cls.clients = cls.env["res.partner"].create(
            [
                {"name": "Contoso Rail", "is_company": True, "email": "ap@contoso.example.com"},
                {"name": "Fabrikam Health", "is_company": True, "email": "ap@fabrikam.example.com"},
                {"name": "Tailspin Toys", "is_company": True, "email": "ap@tailspin.example.com"},
            ]
        )
        cls.eng_time = cls._engagement(cls.client, cls.product_time_materials, 400.0)
        cls.eng_milestones = cls._engagement(cls.clients[0], cls.product_milestone, 1.0, price=10000.0)
        cls.eng_unaccepted = cls._engagement(cls.clients[1], cls.product_milestone, 1.0, price=8000.0)
        cls.eng_expense = cls._engagement(cls.clients[2], cls.product_time_materials, 100.0)
        engagements = cls.eng_time | cls.eng_milestones | cls.eng_unaccepted | cls.eng_expense
        cls.eng_milestones.ps_milestone_evidence_required = True
        engagements.with_user(cls.controller).action_ps_confirm_terms()
        cls.engagements = engagements
        Milestone = cls.env["project.milestone"]
        cls.design, cls.build = Milestone.create(
            [
                {
                    "name": "Design signed off",
                    "project_id": cls._project(cls.eng_milestones).id,
                    "sale_line_id": cls.eng_milestones.order_line.id,
                    "quantity_percentage": 0.4,
                },
                {
                    "name": "Build delivered",
                    "project_id": cls._project(cls.eng_milestones).id,
                    "sale_line_id": cls.eng_milestones.order_line.id,
                    "quantity_percentage": 0.6,
                },
            ]
        )
        cls.go_live = Milestone.create(
            {
                "name": "Go-live",
                "project_id": cls._project(cls.eng_unaccepted).id,
                "sale_line_id": cls.eng_unaccepted.order_line.id,
                "quantity_percentage": 1.0,
            }
        )

    @classmethod
    def _engagement(cls, partner, product, qty, price=None):
        line = {"product_id": product.id, "product_uom_qty": qty}
        if price is not None:
            line["price_unit"] = price
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": cls.controller.id,
                "order_line": [Command.create(line)],
            }
        )
        order.action_confirm()
        order.date_order = "2026-09-01 09:00:00"
        order.order_line.project_id.write({"user_id": cls.project_manager.id, "allow_milestones": True})
        return order

    @classmethod
    def _project(cls, order):
        return order.order_line.project_id[:1]

    def _run_all_crons(self):
        """Run each scheduled action as the cron thread would, then the jobs it enqueued, as the job runner would."""
        for xmlid in CRON_ORDER:
            run_jobs(self.env.ref(xmlid).method_direct_trigger)

    def _suite_crons(self):
        names = self.env["ir.model.data"].search([("model", "=", "ir.cron"), ("module", "in", SUITE)])
        return self.env["ir.cron"].browse(names.mapped("res_id"))

    def _footprint(self):
        """What scheduled actions create: drafts, reminders, approval requests, activities, mails."""
        return {
            "drafts": self.env["account.move"].search_count([("ps_readiness_id", "!=", False)]),
            "reminders": self.env["ps.timesheet.reminder"].search_count([]),
            "requests": self.env["ps.approval.request"].search_count([]),
            "activities": self.env["mail.activity"].search_count([]),
            "mails": self.env["mail.mail"].search_count([]),
            "readiness": self.env["ps.billing.readiness"].search_count([]),
            "findings": self.env["ps.readiness.finding"].search_count([]),
        }

    def _readiness(self, order):
        return self.env["ps.billing.readiness"].search(
            [
                ("sale_order_id", "=", order.id),
                ("period_start", "=", OCTOBER[0]),
            ]
        )

    def test_month_end_close(self):
        self.assertEqual(set(CRON_ORDER), set(self._suite_crons().mapped(lambda c: c.get_external_id()[c.id])))
        task = self.eng_time.order_line.task_id
        log = self.env["account.analytic.line"]

        # October: Carla logs every weekday, Oscar only half the month -------------------
        carla_lines = log.browse()
        for day in october_weekdays():
            carla_lines |= self._log_time(self.employee_consultant, 8.0, day, task=task, name="Rail signalling study")
        oscar_lines = log.browse()
        for day in list(october_weekdays())[:10]:
            oscar_lines |= self._log_time(self.employee_oscar, 8.0, day, task=task, name="Interlocking design")
        with freeze_time("2026-10-29 17:00:00"):
            carla_lines.with_user(self.consultant).action_ps_submit()
            oscar_lines.with_user(self.oscar).action_ps_submit()

        # Milestones: design reached with evidence and accepted; go-live reached, not accepted.
        with freeze_time("2026-10-12"):
            self.design.with_user(self.project_manager).write({"is_reached": True})
            self.env.flush_all()
        self.env["ir.attachment"].create(
            {
                "name": "design_acceptance.pdf",
                "res_model": "project.milestone",
                "res_id": self.design.id,
                "datas": base64.b64encode(b"%PDF-1.4 signed by Contoso"),
            }
        )
        with freeze_time("2026-10-15 10:00:00"):
            self.design.with_user(self.project_manager).action_ps_accept(signatory_name="Carol Contoso")
        with freeze_time("2026-10-20"):
            self.go_live.with_user(self.project_manager).write({"is_reached": True})
            self.env.flush_all()
        self.assertEqual(self.design.ps_acceptance_state, "accepted")
        self.assertEqual(self.go_live.ps_acceptance_state, "awaiting")

        # An expense charged to a project, linked to no sales order.
        expense_product = self.env["product.product"].create(
            {
                "name": "Site visit travel",
                "type": "service",
                "can_be_expensed": True,
                "expense_policy": "cost",
            }
        )
        unlinked = self.env["hr.expense"].create(
            {
                "name": "Flight to Tailspin",
                "employee_id": self.employee_consultant.id,
                "product_id": expense_product.id,
                "total_amount_currency": 640.0,
                "date": date(2026, 10, 14),
                "analytic_distribution": {str(self._project(self.eng_expense).analytic_account_id.id): 100},
            }
        )

        # Two days before the cutoff: reminders go to whoever is short --------------------
        with freeze_time("2026-10-30 07:00:00"):
            self._run_all_crons()
        consultants = self.employee_consultant | self.employee_oscar
        consultant_reminders = self.env["ps.timesheet.reminder"].search(
            [
                ("period_start", "=", OCTOBER[0]),
                ("kind", "=", "consultant"),
                ("employee_id", "in", consultants.ids),
            ]
        )
        self.assertEqual(consultant_reminders.employee_id, self.employee_oscar, "only Oscar is short")
        self.assertEqual(len(consultant_reminders), 1)
        self.assertTrue(
            self.env["mail.mail"].search([("mail_message_id", "=", consultant_reminders.mail_message_id.id)]),
            "Oscar's reminder is in the mail queue",
        )

        # The project manager approves October, but one day of Carla's, which he rejects.
        rejected = carla_lines[3]
        with freeze_time("2026-11-02 08:00:00"):
            (carla_lines - rejected | oscar_lines).with_user(self.project_manager).action_ps_approve()
            action = rejected.with_user(self.project_manager).action_ps_reject()
            self.env[action["res_model"]].with_user(self.project_manager).with_context(**action["context"]).create(
                {"reason": "Logged on the wrong engagement"}
            ).action_reject()
        self.assertEqual(rejected.ps_state, "rejected")

        # After the timesheet cutoff: one escalation to Oscar's manager ---------------------
        with freeze_time("2026-11-02 07:00:00"):
            self._run_all_crons()
        escalations = self.env["ps.timesheet.reminder"].search(
            [
                ("kind", "=", "escalation"),
                ("period_start", "=", OCTOBER[0]),
                ("employee_id", "in", consultants.ids),
            ]
        )
        self.assertEqual(escalations.user_id, self.other_manager)
        self.assertEqual(escalations.employee_id, self.employee_oscar)

        # After the billing cutoff (3 November): evaluate, draft, route --------------------
        with freeze_time("2026-11-04 06:00:00"):
            self._run_all_crons()

        ready_time, ready_milestones = self._readiness(self.eng_time), self._readiness(self.eng_milestones)
        blocked_go_live, blocked_expense = self._readiness(self.eng_unaccepted), self._readiness(self.eng_expense)
        self.assertEqual((ready_time.state, ready_milestones.state), ("invoiced", "invoiced"))
        self.assertEqual((blocked_go_live.state, blocked_expense.state), ("blocked", "blocked"))
        self.assertEqual(
            set(blocked_go_live.finding_ids.filtered(lambda f: f.severity == "blocking").mapped("check_code")),
            {"milestones_accepted"},
        )
        self.assertEqual(
            set(blocked_expense.finding_ids.filtered(lambda f: f.severity == "blocking").mapped("check_code")),
            {"expenses_unlinked"},
        )
        finding = blocked_expense.finding_ids.filtered(lambda f: f.check_code == "expenses_unlinked")
        self.assertEqual((finding.res_model, finding.res_id), ("hr.expense", unlinked.id))
        self.assertFalse(blocked_go_live.invoice_id or blocked_expense.invoice_id, "blocked engagements get no draft")

        # The time draft bills exactly the approved hours: 21 of Carla's days + 10 of Oscar's.
        time_draft = ready_time.invoice_id
        approved_hours = 8.0 * (len(carla_lines) - 1 + len(oscar_lines))
        time_line = time_draft.invoice_line_ids.filtered(lambda line: line.product_id == self.product_time_materials)
        self.assertEqual(time_line.quantity, approved_hours)
        self.assertEqual(time_draft.amount_untaxed, approved_hours * 150.0)
        billed = self.env["account.analytic.line"].search([("timesheet_invoice_id", "=", time_draft.id)])
        self.assertEqual(billed, (carla_lines - rejected) | oscar_lines, "the rejected day is not billed")
        self.assertFalse(rejected.timesheet_invoice_id)

        # The milestone draft bills the accepted design milestone only (40 % of 10,000).
        milestone_draft = ready_milestones.invoice_id
        self.assertEqual(milestone_draft.amount_untaxed, 4000.0)
        self.assertEqual(milestone_draft.invoice_line_ids.quantity, 0.4)

        # The matrix: the large time draft waits for a finance controller, the small one goes straight through.
        self.assertEqual(time_draft.ps_approval_state, "pending")
        self.assertEqual(milestone_draft.ps_approval_state, "not_required")
        with self.assertRaises(UserError):
            time_draft.with_user(self.controller).action_post()
        # The project manager is an approver of the rule, but he approved the billed time:
        # segregation of duties keeps him out.
        with self.assertRaisesRegex(UserError, "Segregation of duties"):
            time_draft.with_user(self.project_manager).action_ps_approve(comment="Looks right")
        time_draft.with_user(self.controller).action_ps_approve(comment="Hours match the approved timesheets")
        self.assertEqual(time_draft.ps_approval_state, "approved")
        (time_draft | milestone_draft).with_user(self.controller).action_post()
        self.assertEqual(set((time_draft | milestone_draft).mapped("state")), {"posted"})

        # Rerunning every scheduled action, twice, changes nothing -------------------------
        with freeze_time("2026-11-04 18:00:00"):
            before = self._footprint()
            self._run_all_crons()
            self._run_all_crons()
            self.assertEqual(self._footprint(), before)
        consultant_reminders = self.env["ps.timesheet.reminder"].search(
            [
                ("kind", "=", "consultant"),
                ("period_start", "=", OCTOBER[0]),
                ("employee_id", "in", consultants.ids),
            ]
        )
        self.assertEqual(len(consultant_reminders), 1, "still one reminder for October")
