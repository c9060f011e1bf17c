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

Scope changes and a retainer ride along. In mid-October the rail client approves
a change order in the portal (a senior safety-case review at 190.00 an hour)
and finance applies it: October's time invoice bills its 14 hours, 2,660.00. On the milestone engagement a
second change order (extra interfaces) is still waiting for the client while
Oscar logs 12 hours on its task: their 1,800.00 are at risk and billed nowhere.
A retainer started on 1 October (30 hours a month for 6,000.00, overage at
180.00 an hour) draws down 36.5 approved hours: each burn alert fires once, and
October's invoice bills the fee and the 6.5 hours of overage, 7,170.00.
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
        cls.eng_retainer = cls._retainer_engagement()
        engagements = cls.eng_time | cls.eng_milestones | cls.eng_unaccepted | cls.eng_expense | cls.eng_retainer
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
    def _retainer_engagement(cls):
        """A retainer from 1 October: 30 hours a month for 6,000.00 (12 months), unused hours rolled over
        up to 10, each hour beyond the month's allowance at 180.00."""
        cls.product_retainer = cls.env["product.product"].create(
            {
                "name": "Advisory retainer (monthly)",
                "type": "service",
                "list_price": 6000.0,
                "uom_id": cls.env.ref("uom.product_uom_unit").id,
                "uom_po_id": cls.env.ref("uom.product_uom_unit").id,
                "invoice_policy": "order",
                "service_type": "manual",
                "service_tracking": "task_in_project",
            }
        )
        client = cls.env["res.partner"].create(
            {"name": "Wingtip Advisory", "is_company": True, "email": "ap@wingtip.example.com"}
        )
        order = cls.env["sale.order"].create(
            {
                "partner_id": client.id,
                "user_id": cls.controller.id,
                "ps_billing_model": "retainer",
                "ps_retainer_hours": 30.0,
                "ps_retainer_rollover": True,
                "ps_retainer_rollover_cap": 10.0,
                "ps_retainer_overage_rate": 180.0,
                "order_line": [Command.create({"product_id": cls.product_retainer.id, "product_uom_qty": 12.0})],
            }
        )
        order.action_confirm()
        order.date_order = "2026-10-01 09:00:00"
        order.order_line.project_id.write({"user_id": cls.project_manager.id})
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

    def _retainer_alerts(self, period):
        burn = self.env.ref("ps_billing_readiness.mail_activity_type_retainer_burn")
        return self.env["mail.activity"].search(
            [("activity_type_id", "=", burn.id), ("res_model", "=", "ps.retainer.period"), ("res_id", "=", period.id)]
        )

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
        # The retainer: Oscar advises Wingtip in the second half of the month, 36.5 hours of 30 included.
        oscar_retainer = log.browse()
        for day, hours in ((15, 8.0), (16, 8.0), (19, 8.0), (20, 8.0), (21, 4.5)):
            oscar_retainer |= self._log_time(
                self.employee_oscar, hours, date(2026, 10, day), task=self.eng_retainer.order_line.task_id
            )

        # Change orders. On the rail engagement, a senior safety-case review sold by the hour: the client
        # approves it in the portal, finance applies it (a new sales line), and Oscar works 14 hours on it.
        hour = self.env.ref("uom.product_uom_hour")
        review = self.env["product.product"].create(
            {
                "name": "Safety case review (senior, by the hour)",
                "type": "service",
                "list_price": 190.0,
                "uom_id": hour.id,
                "uom_po_id": hour.id,
                "invoice_policy": "delivery",
                "service_type": "timesheet",
                "service_tracking": "task_in_project",
            }
        )
        Change = self.env["ps.change.order"].with_user(self.project_manager)
        with freeze_time("2026-10-14 09:00:00"):
            rail_change = Change.create(
                {
                    "sale_order_id": self.eng_time.id,
                    "reason": "The client wants the safety case reviewed by a senior engineer.",
                    "line_ids": [
                        Command.create(
                            {"change_type": "add_line", "product_id": review.id, "quantity": 40.0, "price_unit": 190.0}
                        )
                    ],
                }
            )
            rail_change.action_submit()
        with freeze_time("2026-10-16 14:00:00"):
            # What the portal's approve button does for the client's contact, after its access check.
            rail_change.sudo()._ps_portal_approve(self.client_contact, "Nora North", ip="203.0.113.7")
        with freeze_time("2026-10-19 09:00:00"):
            rail_change.with_user(self.controller).action_apply()
        self.assertEqual((rail_change.name, rail_change.state), ("CO-1", "applied"))
        review_line = self.eng_time.order_line.filtered(lambda line: line.product_id == review)
        self.assertEqual((review_line.product_uom_qty, review_line.price_unit), (40.0, 190.0))
        oscar_review = self._log_time(self.employee_oscar, 8.0, date(2026, 10, 26), task=review_line.task_id)
        oscar_review |= self._log_time(self.employee_oscar, 6.0, date(2026, 10, 27), task=review_line.task_id)

        # On the milestone engagement, two more interfaces (40 hours at 150.00) wait for the client
        # while Oscar logs 12 hours on their task.
        interfaces = self.env["project.task"].create(
            {"name": "Extra station interfaces", "project_id": self._project(self.eng_milestones).id}
        )
        with freeze_time("2026-10-21 09:00:00"):
            pending_change = Change.create(
                {
                    "sale_order_id": self.eng_milestones.id,
                    "reason": "Two more station interfaces, asked for at the design review.",
                    "task_ids": [Command.set(interfaces.ids)],
                    "line_ids": [
                        Command.create(
                            {
                                "change_type": "add_line",
                                "product_id": self.product_time_materials.id,
                                "quantity": 40.0,
                                "price_unit": 150.0,
                            }
                        )
                    ],
                }
            )
            pending_change.action_submit()
        oscar_change = self._log_time(self.employee_oscar, 8.0, date(2026, 10, 22), task=interfaces)
        oscar_change |= self._log_time(self.employee_oscar, 4.0, date(2026, 10, 23), task=interfaces)

        with freeze_time("2026-10-29 17:00:00"):
            carla_lines.with_user(self.consultant).action_ps_submit()
            (oscar_lines | oscar_retainer | oscar_change | oscar_review).with_user(self.oscar).action_ps_submit()

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
            (carla_lines - rejected | oscar_lines | oscar_retainer | oscar_change | oscar_review).with_user(
                self.project_manager
            ).action_ps_approve()
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
        # And Oscar's 14 hours on the line of the applied change order: 248 hours at 150.00, 14 at 190.00.
        review_billed = time_draft.invoice_line_ids.filtered(lambda line: line.product_id == review)
        self.assertEqual((review_billed.quantity, review_billed.price_subtotal), (14.0, 2660.0))
        self.assertEqual(time_draft.amount_untaxed, 39860.0)
        billed = self.env["account.analytic.line"].search([("timesheet_invoice_id", "=", time_draft.id)])
        self.assertEqual(billed, (carla_lines - rejected) | oscar_lines | oscar_review, "not the rejected day")
        self.assertFalse(rejected.timesheet_invoice_id)

        # The milestone draft bills the accepted design milestone only (40 % of 10,000).
        milestone_draft = ready_milestones.invoice_id
        self.assertEqual(milestone_draft.amount_untaxed, 4000.0)
        self.assertEqual(milestone_draft.invoice_line_ids.quantity, 0.4)

        # The pending change order changed nothing billable: its 12 hours (1,800.00) are at risk, unbilled.
        self.assertEqual(pending_change.state, "submitted")
        self.assertEqual(self.eng_milestones.order_line.product_id, self.product_milestone)
        at_risk = ready_milestones.finding_ids.filtered(lambda f: f.check_code == "change_order_pending")
        self.assertEqual((at_risk.severity, at_risk.amount_at_risk), ("warning", 1800.0))
        self.assertEqual((at_risk.res_model, at_risk.res_id), ("ps.change.order", pending_change.id))
        self.assertFalse(oscar_change.timesheet_invoice_id)
        self.assertNotIn(self.product_time_materials, milestone_draft.invoice_line_ids.product_id)

        # The retainer's October: 36.5 approved hours of 30, each burn alert once (the project manager's
        # and the salesperson's activity name the highest), and one invoice of the fee and the overage.
        ready_retainer = self._readiness(self.eng_retainer)
        self.assertEqual(ready_retainer.state, "invoiced")
        october = self.eng_retainer.ps_retainer_period_ids.filtered(lambda p: p.period_start == OCTOBER[0])
        self.assertEqual(
            (october.hours_available, october.hours_used, october.hours_overage, october.hours_rollover_out),
            (30.0, 36.5, 6.5, 0.0),
        )
        self.assertEqual((october.amount_overage, october.alerted_threshold), (1170.0, 100))
        alerts = self._retainer_alerts(october)
        self.assertEqual((len(alerts), alerts.user_id), (2, self.project_manager | self.controller))
        self.assertTrue(all("at 100%" in summary for summary in alerts.mapped("summary")))
        retainer_draft = ready_retainer.invoice_id
        self.assertEqual(october.invoice_id, retainer_draft)
        fee = retainer_draft.invoice_line_ids.filtered(lambda line: line.product_id == self.product_retainer)
        overage = retainer_draft.invoice_line_ids - fee
        self.assertEqual((fee.quantity, fee.price_subtotal), (1.0, 6000.0))
        self.assertEqual((overage.quantity, overage.price_unit, overage.price_subtotal), (6.5, 180.0, 1170.0))
        self.assertEqual(retainer_draft.amount_untaxed, 7170.0)
        if "ps.billing.event" in self.env:
            events = self.env["ps.billing.event"].search(
                [("event_type", "=", "retainer.threshold"), ("sale_order_id", "=", self.eng_retainer.id)]
            )
            self.assertEqual(len(events), 4, "50, 75, 90 and 100 %, once each")

        # The matrix: the large time draft waits for a finance controller, the small one goes straight through.
        self.assertEqual(time_draft.ps_approval_state, "pending")
        self.assertEqual(milestone_draft.ps_approval_state, "not_required")
        self.assertEqual(retainer_draft.ps_approval_state, "pending")
        with self.assertRaises(UserError):
            time_draft.with_user(self.controller).action_post()
        # The project manager is an approver of the rule, but he approved the billed time:
        # segregation of duties keeps him out.
        with self.assertRaisesRegex(UserError, "Segregation of duties"):
            time_draft.with_user(self.project_manager).action_ps_approve(comment="Looks right")
        time_draft.with_user(self.controller).action_ps_approve(comment="Hours match the approved timesheets")
        self.assertEqual(time_draft.ps_approval_state, "approved")
        retainer_draft.with_user(self.controller).action_ps_approve(comment="Fee and overage as drawn down")
        drafts = time_draft | milestone_draft | retainer_draft
        drafts.with_user(self.controller).action_post()
        self.assertEqual(set(drafts.mapped("state")), {"posted"})

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
        self.assertEqual(self._retainer_alerts(october), alerts, "each burn alert once")
        self.assertEqual(self.eng_retainer.ps_retainer_period_ids.filtered("invoice_id"), october)
