# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The month-end's drafts are routed through the matrix by a job of their own, once; a draft waiting
for that job cannot be posted past a rule that catches it."""

from datetime import date

from freezegun import freeze_time

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ApprovalCase

TODAY = date(2026, 11, 10)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestRoutingJob(ApprovalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_aside_other_engagements()
        cls._rule("Every draft", amount_min=0.0)
        cls._confirm_terms()
        cls._log_time(cls.employee_consultant, 6.0, "2026-10-12")
        cls.october = cls._evaluate().filtered(lambda r: r.period_start == date(2026, 10, 1))

    def test_drafting_job_enqueues_the_routing_and_the_routing_job_routes_once(self):
        self.assertEqual(self.october.state, "ready")
        with trap_jobs() as trap:
            self.october._draft_fresh(TODAY)
            move = self.october.invoice_id
            self.assertTrue(move)
            jobs = [job for job in trap.enqueued_jobs if job.method_name == "_job_route_approval"]
            self.assertEqual(len(jobs), 1, "one routing job for the drafts of the batch")
            job = jobs[0]
            self.assertEqual(job.recordset, move)
            self.assertEqual(job.channel, "root.billing")
            self.assertTrue(job.identity_key)
            # Until the job runs, the draft is not routed, and posting it checks the matrix again.
            self.assertEqual((move.ps_approval_state, move.ps_approval_round), ("not_required", 0))
            with self.assertRaisesRegex(UserError, "needs approval"):
                move.with_user(self.controller).action_post()
            trap.perform_enqueued_jobs()
        self.assertEqual(move.ps_approval_state, "pending")
        self.assertEqual(move.ps_approval_round, 1)
        requests = move.ps_approval_request_ids
        self.assertEqual(len(requests), 1)
        self.assertEqual(requests.approver_ids, self.director)
        # The job again (requeued after a crash once it had committed): nothing routed twice.
        self.assertEqual(move._job_route_approval(), {"routed": 0})
        self.assertEqual(move.ps_approval_request_ids, requests)
        self.assertEqual(move.ps_approval_round, 1)

    def test_a_draft_made_by_hand_is_routed_at_once(self):
        move = self.october.with_user(self.controller).action_create_invoice_draft()
        move = self.october.invoice_id
        self.assertEqual(move.ps_approval_state, "pending")
        self.assertEqual(len(move.ps_approval_request_ids), 1)
