# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import GROUP_PROJECT_MANAGER, run_jobs
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import MilestoneBillingCase

COLLECT_EVIDENCE = "ps_milestone_billing.mail_activity_type_collect_evidence"


@tagged("post_install", "-at_install")
class TestMilestoneAcceptance(MilestoneBillingCase):
    """Each transition of a milestone's acceptance, and each refusal."""

    # accept ---------------------------------------------------------------
    def test_project_manager_accepts_awaiting_milestone_for_client_signatory(self):
        milestone = self._reach(self.milestone_design)
        milestone.with_user(self.project_manager).action_ps_accept(
            signatory_name="Nora North", partner=self.client_contact, comment="Looks good"
        )
        self.assertEqual(milestone.ps_acceptance_state, "accepted")
        self.assertEqual(milestone.ps_accepted_by_name, "Nora North")
        self.assertEqual(milestone.ps_accepted_by_partner_id, self.client_contact)
        self.assertEqual(milestone.ps_accepted_by_user_id, self.project_manager)
        self.assertTrue(milestone.ps_accepted_on)
        self.assertFalse(milestone.ps_deemed_accepted)
        self.assertFalse(self._activities(milestone, COLLECT_EVIDENCE), "accepting closes the evidence activity")
        self.assertIn("Accepted by Nora North", milestone.message_ids[0].body)

    def test_finance_controller_accepts_milestone_of_any_project(self):
        milestone = self._reach(self.milestone_design)
        milestone.with_user(self.controller).action_ps_accept(signatory_name="Nora North")
        self.assertEqual(milestone.ps_acceptance_state, "accepted")

    def test_accept_refused_for_consultant(self):
        milestone = self._reach(self.milestone_design)
        with self.assertRaises(AccessError):
            milestone.with_user(self.consultant).action_ps_accept(signatory_name="Nora North")
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")

    def test_accept_refused_for_project_manager_of_another_project(self):
        other_manager = new_test_user(self.env, login="bc_other_manager", groups=GROUP_PROJECT_MANAGER)
        milestone = self._reach(self.milestone_design)
        self.assertFalse(milestone.with_user(other_manager).ps_can_accept)
        with self.assertRaises(AccessError):
            milestone.with_user(other_manager).action_ps_accept(signatory_name="Nora North")

    def test_accept_refused_for_milestone_not_reached(self):
        with self.assertRaisesRegex(UserError, "awaiting acceptance"):
            self.milestone_design.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")

    def test_accept_refused_for_milestone_already_accepted(self):
        milestone = self._reach(self.milestone_design)
        milestone.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")
        with self.assertRaisesRegex(UserError, "awaiting acceptance"):
            milestone.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")

    # evidence ---------------------------------------------------------------
    def test_accept_refused_without_evidence_when_evidence_required(self):
        self.engagement.ps_milestone_evidence_required = True
        milestone = self._reach(self.milestone_design)
        self.assertFalse(milestone.with_user(self.project_manager).ps_can_accept)
        self.assertIn("evidence", milestone.with_user(self.project_manager).ps_cannot_accept_reason)
        with self.assertRaisesRegex(UserError, "requires evidence"):
            milestone.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")

    def test_accept_allowed_with_evidence_when_evidence_required(self):
        self.engagement.ps_milestone_evidence_required = True
        milestone = self._reach(self.milestone_design)
        self._attach_evidence(milestone)
        self.assertEqual(milestone.ps_evidence_count, 1)
        milestone.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")
        self.assertEqual(milestone.ps_acceptance_state, "accepted")

    def test_accept_allowed_without_evidence_when_evidence_not_required(self):
        milestone = self._reach(self.milestone_design)
        self.assertEqual(milestone.ps_evidence_count, 0)
        self.assertTrue(milestone.with_user(self.project_manager).ps_can_accept)

    # reject and resubmit ------------------------------------------------------
    def test_reject_refused_without_reason(self):
        milestone = self._reach(self.milestone_design)
        for reason in (None, "", "   "):
            with self.assertRaisesRegex(UserError, "reason is required"):
                milestone.with_user(self.project_manager).action_ps_reject(reason)
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")

    def test_reject_records_reason_and_closes_evidence_activity(self):
        milestone = self._reach(self.milestone_design)
        milestone.with_user(self.project_manager).action_ps_reject("The design misses the reporting module")
        self.assertEqual(milestone.ps_acceptance_state, "rejected")
        self.assertEqual(milestone.ps_reject_reason, "The design misses the reporting module")
        self.assertFalse(self._activities(milestone, COLLECT_EVIDENCE))
        self.assertIn("misses the reporting module", milestone.message_ids[0].body)

    def test_reject_refused_for_consultant(self):
        milestone = self._reach(self.milestone_design)
        with self.assertRaises(AccessError):
            milestone.with_user(self.consultant).action_ps_reject("No")

    def test_reject_refused_for_milestone_not_reached(self):
        with self.assertRaisesRegex(UserError, "can be rejected"):
            self.milestone_design.with_user(self.project_manager).action_ps_reject("Not done")

    def test_resubmit_rejected_milestone_awaits_acceptance_again(self):
        milestone = self._reach(self.milestone_design)
        milestone.with_user(self.project_manager).action_ps_reject("Incomplete")
        with freeze_time("2026-10-20"):
            milestone.with_user(self.project_manager).action_ps_resubmit()
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")
        self.assertEqual(milestone.ps_awaiting_since, date(2026, 10, 20))
        self.assertFalse(milestone.ps_reject_reason)
        self.assertEqual(len(self._activities(milestone, COLLECT_EVIDENCE)), 1)

    def test_resubmit_refused_unless_rejected(self):
        milestone = self._reach(self.milestone_design)
        with self.assertRaisesRegex(UserError, "Only a rejected milestone"):
            milestone.with_user(self.project_manager).action_ps_resubmit()

    def test_resubmit_refused_for_consultant(self):
        milestone = self._reach(self.milestone_design)
        milestone.with_user(self.project_manager).action_ps_reject("Incomplete")
        with self.assertRaises(AccessError):
            milestone.with_user(self.consultant).action_ps_resubmit()

    # protected fields and undo ----------------------------------------------------
    def test_acceptance_cannot_be_written_directly(self):
        milestone = self._reach(self.milestone_design)
        with self.assertRaisesRegex(AccessError, "change only through Billing Control's own actions"):
            milestone.with_user(self.project_manager).write({"ps_acceptance_state": "accepted"})
        admin = self.env.ref("base.user_admin")
        with self.assertRaisesRegex(AccessError, "change only through Billing Control's own actions"):
            milestone.with_user(admin).with_context(ps_acceptance_write=True).write({"ps_accepted_by_name": "Somebody"})
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")
        self.assertFalse(milestone.ps_accepted_by_name)

    def test_unreaching_uninvoiced_accepted_milestone_returns_to_pending(self):
        milestone = self._reach(self.milestone_design)
        milestone.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")
        milestone.with_user(self.project_manager).is_reached = False
        self.assertEqual(milestone.ps_acceptance_state, "pending")
        self.assertFalse(milestone.ps_accepted_by_name)

    def test_rejecting_uninvoiced_accepted_milestone_undoes_acceptance(self):
        milestone = self._reach(self.milestone_design)
        milestone.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")
        milestone.with_user(self.project_manager).action_ps_reject("Accepted by mistake")
        self.assertEqual(milestone.ps_acceptance_state, "rejected")
        self.assertFalse(milestone.ps_accepted_on)

    def _accept_and_invoice(self, milestone):
        milestone.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")
        invoice = self.engagement._create_invoices()
        self.assertEqual(self.line_milestone.qty_invoiced, 0.4)
        return invoice

    def test_undo_acceptance_refused_once_invoiced(self):
        milestone = self._reach(self.milestone_design)
        self._accept_and_invoice(milestone)
        with self.assertRaisesRegex(UserError, "already invoiced"):
            milestone.with_user(self.project_manager).action_ps_reject("Changed our mind")
        with self.assertRaisesRegex(UserError, "already invoiced"):
            milestone.with_user(self.project_manager).write({"is_reached": False})
        with self.assertRaisesRegex(UserError, "already invoiced"):
            milestone.unlink()
        self.assertEqual(milestone.ps_acceptance_state, "accepted")

    def test_undo_acceptance_allowed_again_once_invoice_cancelled(self):
        milestone = self._reach(self.milestone_design)
        invoice = self._accept_and_invoice(milestone)
        invoice.button_cancel()
        milestone.with_user(self.project_manager).action_ps_reject("Changed our mind")
        self.assertEqual(milestone.ps_acceptance_state, "rejected")

    def test_undo_refused_only_for_the_invoiced_milestone(self):
        self._reach(self.milestone_design | self.milestone_build)
        self._accept_and_invoice(self.milestone_design)
        self.milestone_build.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")
        self.milestone_build.with_user(self.project_manager).action_ps_reject("Accepted by mistake")
        self.assertEqual(self.milestone_build.ps_acceptance_state, "rejected")

    # chatter ------------------------------------------------------------------------
    def test_acceptance_changes_are_tracked_in_chatter(self):
        milestone = self._reach(self.milestone_design).with_context(tracking_disable=False)
        # Drop the tracking the (tracking-disabled) class setup left pending on this cursor.
        self.env.cr.precommit.clear()
        milestone.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")
        milestone.env.flush_all()
        milestone.env.cr.precommit.run()
        milestone.invalidate_recordset(["message_ids"])
        tracked = milestone.message_ids.tracking_value_ids.field_id.mapped("name")
        for field in ("ps_acceptance_state", "ps_accepted_on", "ps_accepted_by_name"):
            self.assertIn(field, tracked)

    # deemed acceptance ------------------------------------------------------------------
    def test_deemed_acceptance_after_delay_without_rejection(self):
        self.engagement.ps_deemed_acceptance_days = 10
        milestone = self._reach(self.milestone_design)
        self.assertEqual(milestone.ps_deemed_acceptance_date, date(2026, 10, 22))
        Milestone = self.env["project.milestone"]
        with freeze_time("2026-10-21"):
            run_jobs(Milestone._cron_ps_deemed_acceptance)
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")
        with freeze_time("2026-10-22"):
            run_jobs(Milestone._cron_ps_deemed_acceptance)
        self.assertEqual(milestone.ps_acceptance_state, "accepted")
        self.assertTrue(milestone.ps_deemed_accepted)
        # The job runs without the test's tracking_disable: the note is one message among the tracking.
        self.assertEqual(len(milestone.message_ids.filtered(lambda m: "Deemed accepted" in (m.body or ""))), 1)
        self.assertEqual(self.line_milestone.qty_delivered, 0.4)

    def test_deemed_acceptance_never_when_delay_is_zero(self):
        milestone = self._reach(self.milestone_design)
        self.assertFalse(milestone.ps_deemed_acceptance_date)
        with freeze_time("2027-10-12"):
            run_jobs(self.env["project.milestone"]._cron_ps_deemed_acceptance)
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")

    def test_deemed_acceptance_skips_rejected_milestone(self):
        self.engagement.ps_deemed_acceptance_days = 10
        milestone = self._reach(self.milestone_design)
        milestone.with_user(self.project_manager).action_ps_reject("Incomplete")
        with freeze_time("2026-11-30"):
            run_jobs(self.env["project.milestone"]._cron_ps_deemed_acceptance)
        self.assertEqual(milestone.ps_acceptance_state, "rejected")

    def test_deemed_acceptance_skips_milestone_missing_required_evidence(self):
        self.engagement.write({"ps_deemed_acceptance_days": 10, "ps_milestone_evidence_required": True})
        milestone = self._reach(self.milestone_design)
        with freeze_time("2026-11-30"):
            run_jobs(self.env["project.milestone"]._cron_ps_deemed_acceptance)
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")

    # decision wizard ------------------------------------------------------------------
    def test_decision_wizard_records_acceptance_and_rejection(self):
        self._reach(self.milestone_design | self.milestone_build)
        Wizard = self.env["ps.milestone.decision"].with_user(self.project_manager)
        Wizard.create(
            {
                "milestone_ids": [(6, 0, self.milestone_design.ids)],
                "decision": "accept",
                "partner_id": self.client_contact.id,
            }
        ).action_confirm()
        Wizard.create(
            {
                "milestone_ids": [(6, 0, self.milestone_build.ids)],
                "decision": "reject",
                "reason": "Not tested",
            }
        ).action_confirm()
        self.assertEqual(self.milestone_design.ps_accepted_by_name, "Nora North")
        self.assertEqual(self.milestone_build.ps_acceptance_state, "rejected")

    # terms -------------------------------------------------------------------
    def test_changing_acceptance_terms_withdraws_finance_confirmation(self):
        self._confirm_terms()
        self.engagement.ps_milestone_evidence_required = not self.engagement.ps_milestone_evidence_required
        self.assertFalse(self.engagement.ps_terms_confirmed)
