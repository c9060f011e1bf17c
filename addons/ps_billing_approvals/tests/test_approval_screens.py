# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from freezegun import freeze_time
from lxml import etree

from odoo.addons.ps_billing_readiness.tests.common import run_jobs
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import ApprovalCase

APPROVAL_TYPE = "ps_billing_approvals.mail_activity_type_ps_approval"


class ApprovalScreensCase(ApprovalCase):
    """Two levels: Diana (director) approves drafts from 1,000, then Adam (administrator) those from 5,000.
    Fiona (controller) creates the drafts; Bill, a billing clerk, only invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(cls.env, login="bc_clerk", name="Bill Clerk", groups="account.group_account_invoice")
        cls.level_1 = cls._rule("From 1,000", amount_min=1000.0, approver=cls.director)
        cls.level_2 = cls._rule("From 5,000", level=2, amount_min=5000.0, approver=cls.administrator)

    def _buttons(self, move, user):
        """Return {(button name, label)} of the invoice form's header that ``user`` sees on ``move``: the
        view as ``user`` gets it (groups applied), its ``invisible`` expressions evaluated on the record."""
        move = move.with_user(user)
        move.invalidate_recordset()
        arch = etree.fromstring(move.get_views([(False, "form")])["views"]["form"]["arch"])
        buttons = arch.xpath("//header/button")
        names = set()
        for button in buttons:
            names |= set(re.findall(r"[a-z_]+", button.get("invisible") or ""))
        values = move.read([name for name in names if name in move._fields])[0]
        visible = set()
        for button in buttons:
            if not safe_eval(button.get("invisible") or "False", {**values, "context": {}, "uid": user.id}):
                visible.add((button.get("name"), button.get("string")))
        return visible

    def _flags(self, move, user):
        """Return (can approve, can post, needs a request) of ``move`` for ``user``."""
        move = move.with_user(user)
        move.invalidate_recordset()
        return move.ps_can_approve, move.ps_can_post, move.ps_needs_request


APPROVE = ("action_ps_open_decision_wizard", "Approve")
REJECT = ("action_ps_open_decision_wizard", "Reject")
REQUEST = ("action_ps_request_approval", "Request Approval")
CONFIRM = ("action_post", "Confirm")


@tagged("post_install", "-at_install")
class TestInvoiceFormButtons(ApprovalScreensCase):
    """The invoice form offers each user what the draft waits for: Approve / Reject to its awaited
    approvers, Request Approval when it needs one, Confirm only when it may be posted."""

    def test_draft_matching_the_matrix_offers_request_approval_and_no_confirm(self):
        move = self._draft(6000.0)
        for user in (self.controller, self.clerk):
            self.assertEqual(self._flags(move, user), (False, False, True), user.name)
            buttons = self._buttons(move, user)
            self.assertIn(REQUEST, buttons)
            self.assertNotIn(CONFIRM, buttons)
            self.assertNotIn(APPROVE, buttons)

    def test_straight_through_draft_offers_confirm_only(self):
        move = self._draft(500.0)
        self.assertEqual(self._flags(move, self.controller), (False, True, False))
        buttons = self._buttons(move, self.controller)
        self.assertIn(CONFIRM, buttons)
        self.assertNotIn(REQUEST, buttons)
        self.assertNotIn(APPROVE, buttons)

    def test_pending_draft_shows_approve_to_the_awaited_approver_only(self):
        move = self._draft(6000.0)
        move.with_user(self.controller).action_ps_request_approval()
        # Diana, awaited at level 1: Approve and Reject, no Confirm, no Request Approval.
        self.assertEqual(self._flags(move, self.director), (True, False, False))
        buttons = self._buttons(move, self.director)
        self.assertTrue({APPROVE, REJECT} <= buttons)
        self.assertNotIn(CONFIRM, buttons)
        self.assertNotIn(REQUEST, buttons)
        # Adam approves at level 2, which has not opened; Fiona created the draft; Bill only invoices.
        for user in (self.administrator, self.controller, self.clerk):
            self.assertEqual(self._flags(move, user), (False, False, False), user.name)
            buttons = self._buttons(move, user)
            self.assertFalse({APPROVE, REJECT, CONFIRM, REQUEST} & buttons, user.name)

    def test_next_level_then_confirm_once_every_level_approved(self):
        move = self._draft(6000.0)
        move.with_user(self.controller).action_ps_request_approval()
        move.with_user(self.director).action_ps_approve("Rates checked")
        self.assertEqual(self._flags(move, self.director), (False, False, False))
        self.assertEqual(self._flags(move, self.administrator), (True, False, False))
        self.assertIn(APPROVE, self._buttons(move, self.administrator))
        move.with_user(self.administrator).action_ps_approve()
        self.assertEqual(move.ps_approval_state, "approved")
        for user in (self.controller, self.clerk):
            self.assertEqual(self._flags(move, user), (False, True, False), user.name)
            buttons = self._buttons(move, user)
            self.assertIn(CONFIRM, buttons)
            self.assertFalse({APPROVE, REQUEST} & buttons)
        move.with_user(self.controller).action_post()
        self.assertEqual(move.state, "posted")
        self.assertEqual(self._flags(move, self.controller), (False, True, False), "posted: Odoo's buttons decide")

    def test_rejected_draft_offers_request_approval_again(self):
        move = self._draft(6000.0)
        move.with_user(self.controller).action_ps_request_approval()
        move.with_user(self.director).action_ps_reject("The rate is last year's")
        self.assertEqual(self._flags(move, self.controller), (False, False, True))
        buttons = self._buttons(move, self.controller)
        self.assertIn(REQUEST, buttons)
        self.assertNotIn(CONFIRM, buttons)

    def test_approved_draft_changed_behind_the_matrix_offers_no_confirm(self):
        """Defence in depth, as posting: an approved status whose approvals are not all given is held."""
        move = self._draft(6000.0)
        move.with_user(self.controller).action_ps_request_approval()
        move.sudo().write({"ps_approval_state": "approved"})
        self.assertEqual(self._flags(move, self.controller), (False, False, True))

    def test_project_manager_approver_sees_approve_without_accounting_buttons(self):
        """An approver without invoicing rights gets Approve / Reject, and neither Confirm nor Request Approval."""
        self.level_1.user_ids = self.project_manager
        move = self._draft(2000.0)
        move.with_user(self.controller).action_ps_request_approval()
        self.assertEqual(self._flags(move, self.project_manager), (True, False, False))
        buttons = self._buttons(move, self.project_manager)
        self.assertTrue({APPROVE, REJECT} <= buttons)
        self.assertFalse({CONFIRM, REQUEST} & buttons)

    @freeze_time("2026-11-10 09:00:00")
    def test_delegate_sees_approve_and_the_delegating_approver_does_not(self):
        self.env["ps.approval.delegation"].with_user(self.director).create(
            {"delegate_id": self.project_manager.id, "date_from": "2026-11-01", "date_to": "2026-11-30"}
        )
        move = self._draft(2000.0)
        move.with_user(self.controller).action_ps_request_approval()
        self.assertEqual(self._flags(move, self.project_manager), (True, False, False))
        self.assertEqual(self._flags(move, self.director), (False, False, False))

    def test_creator_named_by_the_rule_does_not_see_approve(self):
        self.level_1.user_ids = self.director | self.controller
        move = self._draft(2000.0, creator=self.controller)
        move.with_user(self.controller).action_ps_request_approval()
        self.assertEqual(self._flags(move, self.controller), (False, False, False))
        self.assertEqual(self._flags(move, self.director), (True, False, False))

    def test_approvers_form_read_does_not_hide_the_next_level(self):
        """A project manager reads only the requests routed to them; their form's read of the requests,
        earlier in the same transaction, must not hide level 2 from the matrix (Odoo shares that cache
        with the superuser)."""
        self.level_1.user_ids = self.project_manager
        move = self._draft(6000.0)
        move.with_user(self.controller).action_ps_request_approval()
        self.env.invalidate_all()
        as_manager = move.with_user(self.project_manager)
        form = {"ps_approval_request_ids": {"fields": {"state": {}}}, "ps_approval_awaited": {}, "ps_can_approve": {}}
        self.assertEqual(len(as_manager.web_read(form)[0]["ps_approval_request_ids"]), 1, "level 2 is not theirs")
        as_manager.action_ps_approve("Hours match")
        self.assertEqual(move.ps_approval_state, "pending")
        self.assertEqual(move.ps_approval_request_ids.sorted("level").mapped("state"), ["approved", "pending"])
        self.env.invalidate_all()  # the web client's next request
        values = as_manager.web_read(form)[0]
        self.assertEqual(values["ps_approval_awaited"], "Level 2 (From 5,000): Adam Administrator")
        self.assertFalse(values["ps_can_approve"])

    def test_form_fields_read_without_the_rights_of_the_matrix(self):
        """The view declares its flags; a clerk reads them though the requests' rules are not theirs."""
        move = self._draft(6000.0)
        move.with_user(self.controller).action_ps_request_approval()
        fields = move.with_user(self.clerk).get_views([(False, "form")])["models"]["account.move"]
        self.assertTrue({"ps_can_approve", "ps_can_post", "ps_needs_request"} <= set(fields))
        values = move.with_user(self.clerk).web_read({"ps_can_post": {}, "ps_approval_awaited": {}})[0]
        self.assertFalse(values["ps_can_post"])
        self.assertEqual(values["ps_approval_awaited"], "Level 1 (From 1,000): Diana Director")


@tagged("post_install", "-at_install")
class TestToApproveList(ApprovalScreensCase):
    """To Approve lists the requests pending at the draft's current level that await the current user."""

    def _to_approve(self, user):
        action = self.env.ref("ps_billing_approvals.ps_approval_request_action_to_approve")
        return self.Request.with_user(user).search(safe_eval(action.domain))

    def test_each_level_shows_to_its_approvers_when_it_opens(self):
        move = self._draft(6000.0)
        move.with_user(self.controller).action_ps_request_approval()
        first, second = move.ps_approval_request_ids.sorted("level")
        self.assertEqual(self._to_approve(self.director), first)
        self.assertFalse(self._to_approve(self.administrator), "level 2 has not opened")
        self.assertFalse(self._to_approve(self.controller), "the creator approves nothing")
        move.with_user(self.director).action_ps_approve()
        self.assertFalse(self._to_approve(self.director))
        self.assertEqual(self._to_approve(self.administrator), second)
        move.with_user(self.administrator).action_ps_approve()
        self.assertFalse(self._to_approve(self.administrator))

    def test_cancelled_or_rejected_drafts_leave_the_list(self):
        cancelled = self._draft(2000.0)
        rejected = self._draft(3000.0)
        (cancelled | rejected).with_user(self.controller).action_ps_request_approval()
        self.assertEqual(len(self._to_approve(self.director)), 2)
        cancelled.with_user(self.controller).button_cancel()
        rejected.with_user(self.director).action_ps_reject("Wrong client")
        self.assertFalse(self._to_approve(self.director))

    @freeze_time("2026-11-10 09:00:00")
    def test_delegate_sees_the_request_and_the_delegating_approver_does_not(self):
        move = self._draft(2000.0)
        move.with_user(self.controller).action_ps_request_approval()
        self.env["ps.approval.delegation"].with_user(self.director).create(
            {"delegate_id": self.project_manager.id, "date_from": "2026-11-10", "date_to": "2026-11-20"}
        )
        self.assertEqual(self._to_approve(self.project_manager), move.ps_approval_request_ids)
        self.assertFalse(self._to_approve(self.director))

    def test_delegation_made_ahead_takes_over_on_its_first_day(self):
        with freeze_time("2026-11-10 09:00:00"):
            move = self._draft(2000.0)
            move.with_user(self.controller).action_ps_request_approval()
            self.env["ps.approval.delegation"].with_user(self.director).create(
                {"delegate_id": self.project_manager.id, "date_from": "2026-11-11", "date_to": "2026-11-20"}
            )
            self.assertEqual(self._to_approve(self.director), move.ps_approval_request_ids, "not yet")
        with freeze_time("2026-11-11 09:00:00"):
            run_jobs(self.Request._cron_remind_and_escalate)
            run_jobs(self.Request._cron_remind_and_escalate)
        self.assertFalse(self._to_approve(self.director))
        self.assertEqual(self._to_approve(self.project_manager), move.ps_approval_request_ids)
        self.assertEqual(move.activity_ids.user_id, self.project_manager)
        self.assertEqual(
            len(move.message_ids.filtered(lambda m: "routed to the delegates" in (m.body or ""))), 1, "once"
        )

    def test_list_view_columns_and_header_buttons(self):
        action = self.env.ref("ps_billing_approvals.ps_approval_request_action_to_approve")
        view = action.view_ids.filtered(lambda v: v.view_mode == "tree").view_id
        arch = etree.fromstring(self.Request.with_user(self.director).get_view(view.id, "tree")["arch"])
        columns = [
            field.get("name") for field in arch.xpath("//field") if field.get("column_invisible") not in ("1", "True")
        ]
        for name in (
            "move_id",
            "partner_id",
            "invoice_amount_untaxed",
            "rule_name",
            "level",
            "pending_since",
            "reason",
        ):
            self.assertIn(name, columns)
        self.assertEqual(
            [(b.get("name"), b.get("string")) for b in arch.xpath("//header/button")],
            [("action_ps_approve_batch", "Approve"), ("action_open_decision_wizard", "Reject")],
        )
        labels = {name: self.Request._fields[name].string for name in columns}
        self.assertEqual(labels["rule_name"], "Rule")
        self.assertEqual(labels["pending_since"], "Waiting Since")
        self.assertEqual(labels["reason"], "Reason")

    def test_list_shows_the_amount_in_the_invoice_currency_and_the_reason_in_words(self):
        move = self._draft(6000.0)
        move.with_user(self.controller).action_ps_request_approval()
        row = self._to_approve(self.director).read(
            ["move_id", "partner_id", "invoice_amount_untaxed", "invoice_currency_id", "rule_name", "level", "reason"]
        )[0]
        self.assertEqual(row["partner_id"][1], "Northwind Industries")
        self.assertEqual((row["invoice_amount_untaxed"], row["invoice_currency_id"][0]), (6000.0, self.currency.id))
        self.assertEqual((row["rule_name"], row["level"]), ("From 1,000", 1))
        self.assertNotIn(" vs. ", row["reason"])
        self.assertIn("$\xa06,000.00", row["reason"])

    def test_header_approve_approves_what_awaits_and_reports_the_rest(self):
        move = self._draft(6000.0)
        other = self._draft(2000.0, creator=self.director)
        (move | other).with_user(self.controller).action_ps_request_approval()
        requests = (move | other).ps_approval_request_ids.filtered(lambda r: r.state == "pending")
        result = requests.with_user(self.director).action_ps_approve_batch()
        self.assertEqual(move.ps_approval_request_ids.sorted("level").mapped("state"), ["approved", "pending"])
        self.assertEqual(other.ps_approval_request_ids.state, "pending", "Diana created it")
        self.assertIn("Skipped", result["params"]["message"])


@tagged("post_install", "-at_install")
class TestApprovalActivities(ApprovalScreensCase):
    """An awaited approver has one activity naming what they approve now; a decided level's go."""

    def _activities(self, move):
        return move.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(APPROVAL_TYPE))

    def test_activity_names_rule_invoice_client_and_amount_in_currency(self):
        move = self._draft(6000.0)
        move.with_user(self.controller).action_ps_request_approval()
        activity = self._activities(move)
        self.assertEqual(activity.user_id, self.director)
        self.assertEqual(
            activity.summary, f"Approve {move.display_name}, Northwind Industries, $\xa06,000.00 (From 1,000)"
        )
        self.assertEqual(
            str(activity.note),
            f"<p>{move.display_name}, Northwind Industries: $&nbsp;6,000.00 untaxed.</p>"
            "<ul><li>Level 1 (From 1,000): The untaxed amount, $&nbsp;6,000.00, is at least $&nbsp;1,000.00.</li></ul>",
        )

    def test_next_level_gets_its_own_activity_and_the_decided_level_is_closed(self):
        move = self._draft(6000.0)
        move.with_user(self.controller).action_ps_request_approval()
        move.with_user(self.director).action_ps_approve("Rates checked")
        activity = self._activities(move)
        self.assertEqual(activity.user_id, self.administrator)
        self.assertTrue(activity.summary.endswith("(From 5,000)"), activity.summary)
        self.assertIn("Level 2 (From 5,000): ", str(activity.note))
        done = move.message_ids.filtered(lambda m: m.mail_activity_type_id == self.env.ref(APPROVAL_TYPE))
        self.assertEqual(len(done), 1, "Diana's activity is marked done")
        self.assertIn("Rates checked", str(done.body))

    def test_approver_of_both_levels_gets_the_next_levels_text(self):
        """Adam approves at both levels, Diana decides level 1: Adam's activity now names level 2's rule."""
        self.level_1.user_ids = self.director | self.administrator
        move = self._draft(6000.0)
        move.with_user(self.controller).action_ps_request_approval()
        self.assertEqual(self._activities(move).user_id, self.director | self.administrator)
        move.with_user(self.director).action_ps_approve()
        activity = self._activities(move)
        self.assertEqual(activity.user_id, self.administrator)
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.summary.endswith("(From 5,000)"), activity.summary)
        self.assertNotIn("From 1,000", activity.summary)

    def test_no_longer_awaited_approvers_lose_their_activity(self):
        self.level_1.user_ids = self.director | self.project_manager
        move = self._draft(2000.0)
        move.with_user(self.controller).action_ps_request_approval()
        move.with_user(self.project_manager).action_ps_approve()
        self.assertFalse(self._activities(move))
        self.assertEqual(move.ps_approval_state, "approved")

    def test_rejection_closes_every_activity(self):
        self.level_1.user_ids = self.director | self.project_manager
        move = self._draft(2000.0)
        move.with_user(self.controller).action_ps_request_approval()
        move.with_user(self.director).action_ps_reject("Wrong rate")
        self.assertFalse(self._activities(move))

    def test_syncing_again_changes_nothing(self):
        move = self._draft(6000.0)
        move.with_user(self.controller).action_ps_request_approval()
        before = self._activities(move)
        move._ps_sync_approval_activities()
        move._ps_sync_approval_activities()
        self.assertEqual(self._activities(move), before)

    def test_activity_deadline_follows_the_firms_calendar(self):
        """Routed at 01:00 UTC on 11 November, 17:00 on 10 November in Los Angeles: due 2 days after the 10th."""
        self.company.resource_calendar_id.tz = "America/Los_Angeles"
        self.company.ps_approval_reminder_days = 2
        with freeze_time("2026-11-11 01:00:00"):
            move = self._draft(2000.0)
            move.with_user(self.controller).action_ps_request_approval()
        self.assertEqual(str(self._activities(move).date_deadline), "2026-11-12")


@tagged("post_install", "-at_install")
class TestApprovalDatesOfTheFirm(ApprovalScreensCase):
    """Reminders count the days of the firm's calendar, whatever UTC's date."""

    def test_reminder_due_on_the_firms_day(self):
        self.company.resource_calendar_id.tz = "America/Los_Angeles"
        self.company.write({"ps_approval_reminder_days": 2, "ps_approval_escalation_days": 5})
        with freeze_time("2026-11-11 01:00:00"):  # 10 November, 17:00 in Los Angeles
            move = self._draft(2000.0)
            move.with_user(self.controller).action_ps_request_approval()
        request = move.ps_approval_request_ids
        with freeze_time("2026-11-12 07:00:00"):  # 11 November, 23:00 in Los Angeles: one day
            run_jobs(self.Request._cron_remind_and_escalate)
        self.assertFalse(request.reminded_on)
        with freeze_time("2026-11-12 09:00:00"):  # 12 November, 01:00 in Los Angeles: two days
            run_jobs(self.Request._cron_remind_and_escalate)
        self.assertTrue(request.reminded_on)
        reminder = move.message_ids.filtered(lambda m: "Reminder:" in (m.body or ""))
        self.assertIn("has waited 2 days", reminder.body)

    def test_delegation_starts_on_the_firms_today(self):
        self.company.resource_calendar_id.tz = "America/Los_Angeles"
        with freeze_time("2026-11-11 01:00:00"):
            defaults = self.env["ps.approval.delegation"].with_user(self.director).default_get(["date_from"])
        self.assertEqual(str(defaults["date_from"]), "2026-11-10")


@tagged("post_install", "-at_install")
class TestApprovalLabels(ApprovalScreensCase):
    """Settings say their unit; the list's actions are buttons, not entries of the action menu."""

    def test_settings_show_days(self):
        view = self.env.ref("ps_billing_readiness.res_config_settings_view_form")
        arch = etree.fromstring(self.env["res.config.settings"].get_views([(view.id, "form")])["views"]["form"]["arch"])
        (block,) = arch.xpath("//block[@name='ps_billing_approvals_block']")
        for name in ("ps_approval_reminder_days", "ps_approval_escalation_days"):
            (field,) = block.xpath(f".//field[@name='{name}']")
            self.assertEqual(" ".join(field.getparent().itertext()).split(), ["After", "days"])
        text = " ".join(" ".join(block.itertext()).split())
        self.assertNotIn("_", text, "no technical names")

    def test_approve_is_not_hidden_in_the_action_menu(self):
        bindings = self.env["ir.actions.actions"].with_user(self.director).get_bindings("ps.approval.request")
        self.assertNotIn("Approve", [action["name"] for action in bindings.get("action", [])])
