"""The demo firm as a new user finds it: people who cost money, and a client who signs off in the portal.

The firm is generated on the day of installation (dates and hours follow that day), so the
figures checked here are those that do not depend on it: each line's cost against its
consultant's, the milestone's share of its fee.
"""

import re
from datetime import timedelta

from odoo.addons.ps_billing_readiness.models.ps_demo_firm_data import PEOPLE, ROLE_HOURLY_COST, ROLE_TITLE
from odoo.tests import HttpCase, tagged
from odoo.tools import float_compare

CORE = "ps_billing_readiness"


@tagged("post_install", "-at_install")
class TestDemoFirm(HttpCase):
    def _demo_employees(self):
        return self.env["hr.employee"].search([("user_id.login", "in", [f"demo.{key}" for key, *_rest in PEOPLE])])

    def test_every_demo_employee_costs_what_their_role_costs(self):
        employees = self._demo_employees()
        self.assertEqual(len(employees), len(PEOPLE))
        base_cost = {ROLE_TITLE[role]: cost for role, cost in ROLE_HOURLY_COST.items()}
        for employee in employees:
            with self.subTest(employee=employee.name):
                self.assertLessEqual(abs(employee.hourly_cost - base_cost[employee.job_title]), 4.0)
        consultant = employees.filtered(lambda e: e.user_id.login == "demo.lucas")
        self.assertEqual(consultant.hourly_cost, 52.0, "the seeded cost of a consultant (55 - 3)")

    def test_demo_timesheets_carry_their_consultants_cost(self):
        employees = self._demo_employees()
        lines = self.env["account.analytic.line"].search(
            [("employee_id", "in", employees.ids), ("project_id", "!=", False)]
        )
        self.assertGreater(len(lines), 1000)
        wrong = lines.filtered(
            lambda line: float_compare(line.amount, -line.unit_amount * line.employee_id.hourly_cost, 2) != 0
            or not line.amount
        )
        self.assertFalse(wrong, "every line is costed at its consultant's hourly cost")

    def test_client_contact_signs_off_the_awaiting_milestone_in_the_portal(self):
        peter = self.env["res.users"].search([("login", "=", "demo.peter")])
        self.assertTrue(peter.has_group("base.group_portal"))
        self.assertTrue(peter.share)
        self.assertEqual(peter.partner_id, self.env.ref(f"{CORE}.demo_partner_alder_contact"))
        milestone = self.env["project.milestone"].search([("name", "=", "Pilot stores live")])
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")
        self.assertEqual(milestone._ps_get_evidence().mapped("name"), ["Pilot stores go-live report.txt"])
        line = milestone.sale_line_id
        self.assertEqual((line.product_uom_qty, line.price_unit), (1.0, 84000.0))
        self.assertEqual(line.qty_delivered, 0.3, "the diagnostic phase (30 %) is accepted")

        self.authenticate("demo.peter", "demo.peter")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["ps_milestone_count"]})
        self.assertEqual(counters["ps_milestone_count"], 1)
        listing = self.url_open("/my/milestones").text
        self.assertEqual(
            re.findall(r'href="/my/milestones/\d+">([^<]+)</a>', listing),
            ["Pilot stores live", "Diagnostic and design"],
            "Alder & Finch's milestones only",
        )
        page = self.url_open(f"/my/milestones/{milestone.id}").text
        self.assertIn("Pilot stores go-live report.txt", page)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(
            f"/my/milestones/{milestone.id}/accept",
            data={"csrf_token": token, "signatory_name": "Peter Lund", "comment": "Twelve stores live"},
        )
        self.assertEqual(response.status_code, 200)

        self.env.invalidate_all()
        self.assertEqual(milestone.ps_acceptance_state, "accepted")
        self.assertEqual(milestone.ps_accepted_by_partner_id, peter.partner_id)
        self.assertEqual(line.qty_delivered, 0.7)
        self.assertEqual(line.currency_id.round(line.qty_delivered * line.price_unit), 58800.0)

    def test_each_owner_of_blocked_demo_periods_finds_one_digest_listing_them(self):
        # The demo's evaluation ends as the billing run does: with the owners' digests refreshed.
        blocked = self.env["ps.billing.readiness"].search([("state", "=", "blocked"), ("owner_id", "!=", False)])
        self.assertTrue(blocked, "the demo firm has periods to clear")
        digest_type = self.env.ref(f"{CORE}.mail_activity_type_billing_digest")
        for owner in blocked.owner_id:
            with self.subTest(owner=owner.name):
                digests = self.env["ps.billing.digest"].search([("kind", "=", "owner"), ("user_id", "=", owner.id)])
                self.assertEqual(len(digests), 1)
                self.assertEqual(digests.readiness_ids, blocked.filtered(lambda r, owner=owner: r.owner_id == owner))
                activities = self.env["mail.activity"].search(
                    [("res_model", "=", "ps.billing.digest"), ("res_id", "=", digests.id)]
                )
                self.assertEqual(activities.activity_type_id, digest_type)
                self.assertEqual((len(activities), activities.user_id), (1, owner))

    def test_the_demo_evaluation_wrote_its_business_events(self):
        # Whichever module installs last evaluates the demo, the events module too: the periods that
        # evaluation turned blocked are the outbox's first events (on a database where the core was
        # installed and evaluated before the other modules, as bin/test builds them, only those).
        events = self.env["ps.billing.event"].search([("event_type", "=", "readiness.blocked")])
        self.assertTrue(events, "the demo's evaluation wrote business events")
        periods = self.env["ps.billing.readiness"].browse(events.mapped("res_id"))
        self.assertEqual(set(periods.mapped("state")), {"blocked"})
        self.assertEqual(events.sale_order_id, periods.sale_order_id)
        self.assertTrue(all(event.sequence_number >= 1 for event in events), "numbered per engagement")

    def test_demo_retainer_is_drawn_down_period_by_period(self):
        retainer = self.env["sale.order"].search([("ps_billing_model", "=", "retainer"), ("ps_retainer_hours", ">", 0)])
        self.assertEqual(len(retainer), 1, "the demo firm has one retainer with hours")
        self.assertEqual(
            (retainer.ps_retainer_hours, retainer.ps_retainer_rollover_cap, retainer.ps_retainer_overage_rate),
            (300.0, 40.0, 240.0),
        )
        periods = retainer.ps_retainer_period_ids.sorted("period_start")
        self.assertGreaterEqual(len(periods), 3, "its periods from its start to today")
        self.assertTrue(any(periods.mapped("hours_used")), "the demo's approved time draws it down")
        self.assertTrue(periods.filtered("invoice_id"), "a past period is invoiced, its figures frozen")
        for previous, period in zip(periods[:-1], periods[1:], strict=True):
            with self.subTest(period=period.name):
                self.assertEqual(period.period_start, previous.period_end + timedelta(days=1))
                self.assertEqual(period.hours_rollover_in, previous.hours_rollover_out)
        burn = self.env.ref(f"{CORE}.mail_activity_type_retainer_burn")
        for period in periods:
            with self.subTest(period=period.name):
                self.assertLessEqual(period.hours_rollover_out, 40.0, "the rollover cap")
                self.assertEqual(period.hours_available, 300.0 + period.hours_rollover_in)
                self.assertEqual(period.amount_overage, period.currency_id.round(period.hours_overage * 240.0))
                reached = [t for t in (50, 75, 90, 100) if period.burn_percent >= t]
                self.assertEqual(period.alerted_threshold, reached[-1] if reached else 0)
                alerts = self.env["mail.activity"].search(
                    [
                        ("res_model", "=", "ps.retainer.period"),
                        ("res_id", "=", period.id),
                        ("activity_type_id", "=", burn.id),
                    ]
                )
                self.assertEqual(bool(alerts), bool(reached), "an alert once a threshold is reached")
                if alerts:
                    self.assertIn(retainer.user_id, alerts.user_id, "the salesperson is alerted")

    def test_demo_change_order_waits_for_the_client_in_the_portal(self):
        change = self.env["ps.change.order"].search([])
        self.assertEqual(len(change), 1, "the demo firm has one change order")
        self.assertEqual((change.name, change.state), ("CO-1", "submitted"))
        self.assertEqual(change.partner_id, self.env.ref(f"{CORE}.demo_partner_alder"))
        hours = change.line_ids.filtered(lambda line: line.change_type == "change_quantity")
        self.assertEqual((hours.sale_line_id.product_uom_qty, hours.quantity), (160.0, 220.0))
        milestone = change.line_ids - hours
        self.assertEqual((milestone.name, milestone.price_unit), ("Third pilot region live", 18000.0))
        self.assertEqual(change.amount_change, 18000.0 + 60 * 150.0)
        self.assertIn("Third pilot region live", change.diff_html)
        self.assertEqual(change._ps_get_evidence().mapped("name"), ["steering_committee_minutes.pdf"])
        self.assertEqual(len(change.sale_order_id.order_line), 2, "nothing of it is on the engagement yet")

        self.authenticate("demo.peter", "demo.peter")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["ps_change_order_count"]})
        self.assertEqual(counters["ps_change_order_count"], 1)
        self.assertIn(f'href="/my/change_orders/{change.id}"', self.url_open("/my/change_orders").text)
        page = self.url_open(f"/my/change_orders/{change.id}").text
        self.assertIn("steering_committee_minutes.pdf", page)
        self.assertIn("o_ps_portal_approve", page)

    def test_controller_sends_a_demo_invoice_and_the_client_mail_carries_its_backup_package(self):
        """The demo controller posts a demo draft of time and expenses and sends it with Odoo's Send &
        Print: the client's e-mail carries the invoice and its backup package, receipts included."""
        controller = self.env.ref(f"{CORE}.group_finance_controller").users.filtered(
            lambda user: user.login.startswith("demo.")
        )[:1]
        drafts = self.env["account.move"].search([("move_type", "=", "out_invoice"), ("state", "=", "draft")])
        move = next(move for move in drafts if move.timesheet_ids and move._ps_get_package_expenses())
        # Through the demo firm's approval matrix first, level by level, by approvers who did not draft it.
        move.with_user(controller).action_ps_request_approval()
        for _level in range(5):
            for request in move.ps_approval_request_ids.filtered(lambda request: request.state == "pending"):
                approver = (request.approver_ids - move.create_uid)[:1]
                request.with_user(approver).action_ps_approve("Checked against the engagement")
        self.assertIn(move.ps_approval_state, ("approved", "not_required"))
        move.with_user(controller).action_post()
        action = move.with_user(controller).action_invoice_sent()
        wizard = (
            self.env["account.move.send"]
            .with_user(controller)
            .with_context(**action["context"], active_model="account.move", mail_notify_force_send=False)
            .create({})
        )
        wizard.action_send_and_print()
        package = move.ps_package_id
        self.assertTrue(package, "the package is stored on the invoice")
        self.assertEqual(package.part_ids.mapped("name")[:1], [f"Invoice {move.name}"])
        self.assertIn("Expense receipts", package.part_ids.mapped("name"))
        mail = self.env["mail.mail"].search([("mail_message_id", "=", move.ps_sent_message_id.id)])
        self.assertIn(move.partner_id.commercial_partner_id, mail.recipient_ids.commercial_partner_id)
        sent = mail.attachment_ids.filtered(lambda attachment: attachment.checksum == package.attachment_id.checksum)
        self.assertEqual(sent.mapped("name"), [package.attachment_id.name], "the e-mail carries the package's bytes")
        self.assertEqual(sent.raw[:5], b"%PDF-")

    def test_demo_client_reply_is_classified_and_left_for_a_controller_to_decide(self):
        """The demo firm's client reply asking for a PO number came in through the mail gateway: it is
        classified as a PO / reference dispute, advisory only (no dispute opened by the classifier)."""
        suggestion = self.env["ps.dispute.suggestion"].search([], limit=1)
        self.assertEqual(suggestion.reason_id.code, "po_reference")
        self.assertGreater(suggestion.confidence, 0.8)
        self.assertIn(suggestion.message_id, suggestion.invoice_id.message_ids)
        self.assertFalse(suggestion.dispute_id, "the classifier opens no dispute")
