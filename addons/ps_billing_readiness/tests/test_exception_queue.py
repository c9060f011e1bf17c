# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from ast import literal_eval

from freezegun import freeze_time

from odoo.tests import tagged

from .common import BillingControlCase, run_jobs


@tagged("post_install", "-at_install")
class TestExceptionQueue(BillingControlCase):
    def _activities(self, records, xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "ps.billing.readiness"),
                ("res_id", "in", records.ids),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    def _blocked_october(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        october = self._evaluate().filtered(lambda r: r.period_start == self.october[0])
        self.assertEqual(october.state, "blocked")
        return october

    def test_owner_gets_one_activity_when_blocked(self):
        october = self._blocked_october()
        activity = self._activities(october, "ps_billing_readiness.mail_activity_type_readiness_blocked")
        self.assertEqual(activity.user_id, self.project_manager)
        self.assertIn("not confirmed by finance", activity.note)
        self._evaluate()
        self._evaluate()
        self.assertEqual(
            self._activities(october, "ps_billing_readiness.mail_activity_type_readiness_blocked"), activity
        )

    def test_unblocking_closes_the_owner_activity(self):
        october = self._blocked_october()
        self._confirm_terms()
        self._evaluate()
        self.assertFalse(self._activities(october, "ps_billing_readiness.mail_activity_type_readiness_blocked"))
        self.assertIn("No longer blocked", october.message_ids.mapped("body")[0])

    def test_escalation_after_delay_once(self):
        self.company.ps_escalation_days = 3
        october = self._blocked_october()  # blocked since Nov 10
        Readiness = self.env["ps.billing.readiness"]
        escalation = "ps_billing_readiness.mail_activity_type_readiness_escalation"
        with freeze_time("2026-11-12"):
            run_jobs(Readiness._cron_billing_run)
        self.assertFalse(self._activities(october, escalation), "not before the delay")
        with freeze_time("2026-11-13"):
            run_jobs(Readiness._cron_billing_run)
            run_jobs(Readiness._cron_billing_run)
        activities = self._activities(october, escalation)
        self.assertIn(self.controller, activities.user_id)
        self.assertEqual(len(activities), len(activities.user_id), "one escalation per controller, once")
        self.assertEqual(str(october.escalated_on), "2026-11-13")
        with freeze_time("2026-11-20"):
            run_jobs(Readiness._cron_billing_run)
        self.assertEqual(self._activities(october, escalation), activities)

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
