# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from ast import literal_eval

from freezegun import freeze_time

from odoo.tests import tagged

from .common import BillingControlCase, run_jobs


@tagged("post_install", "-at_install")
class TestExceptionQueue(BillingControlCase):
    def _digest(self, user, kind="owner"):
        return self.env["ps.billing.digest"].search([("user_id", "=", user.id), ("kind", "=", kind)])

    def _blocked_october(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        october = self._evaluate().filtered(lambda r: r.period_start == self.october[0])
        self.assertEqual(october.state, "blocked")
        return october

    def test_owner_gets_one_digest_activity_when_blocked(self):
        october = self._blocked_october()
        Readiness = self.env["ps.billing.readiness"]
        with freeze_time("2026-11-10"):
            run_jobs(Readiness._cron_billing_run)
        digest = self._digest(self.project_manager)
        self.assertIn(october, digest.readiness_ids)
        activity = digest.activity_ids
        self.assertEqual(activity.user_id, self.project_manager)
        self.assertIn(october.name, activity.note)
        self.assertFalse(october.activity_ids, "the period itself gets no activity")
        self._evaluate()
        with freeze_time("2026-11-10"):
            run_jobs(Readiness._cron_billing_run)
            run_jobs(Readiness._cron_billing_run)
        self.assertEqual(self._digest(self.project_manager).activity_ids, activity)

    def test_unblocking_empties_the_owner_digest_quietly(self):
        october = self._blocked_october()
        Readiness = self.env["ps.billing.readiness"]
        with freeze_time("2026-11-10"):
            run_jobs(Readiness._cron_billing_run)
        self._confirm_terms()
        self._evaluate()
        with freeze_time("2026-11-10"):
            run_jobs(Readiness._cron_billing_run)
        digest = self._digest(self.project_manager)
        self.assertNotIn(october, digest.readiness_ids)
        self.assertFalse(digest.activity_ids)
        self.assertFalse(october.message_ids, "unblocking (and drafting) is the engine's observation: no note")

    def test_escalation_after_delay_once(self):
        self.company.ps_escalation_days = 3
        october = self._blocked_october()  # blocked since Nov 10
        Readiness = self.env["ps.billing.readiness"]
        with freeze_time("2026-11-12"):
            run_jobs(Readiness._cron_billing_run)
        self.assertNotIn(october, self._digest(self.controller, "escalation").readiness_ids, "not before the delay")
        with freeze_time("2026-11-13"):
            run_jobs(Readiness._cron_billing_run)
            run_jobs(Readiness._cron_billing_run)
        digest = self._digest(self.controller, "escalation")
        self.assertIn(october, digest.readiness_ids)
        activities = digest.activity_ids
        self.assertEqual(len(activities), 1, "one escalation digest activity per controller, once")
        self.assertEqual(str(october.escalated_on), "2026-11-13")
        self.assertFalse(october.message_ids, "escalating is the engine's observation: no note")
        with freeze_time("2026-11-20"):
            run_jobs(Readiness._cron_billing_run)
        self.assertEqual(self._digest(self.controller, "escalation").activity_ids, activities)

    def test_exceptions_action_lists_blocked_records_only(self):
        october = self._blocked_october()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ps_billing_readiness.ps_billing_readiness_action_exceptions"
        )
        listed = self.env["ps.billing.readiness"].search(literal_eval(action["domain"]))
        self.assertIn(october, listed)
        self.assertEqual(set(listed.mapped("state")), {"blocked"})
        with freeze_time("2026-11-15"):
            october.invalidate_recordset(["blocked_days"])
            self.assertEqual(october.blocked_days, 5, "age counts from the day it blocked")
