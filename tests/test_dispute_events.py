"""Disputes (ps_billing_disputes) reach the outbox of ps_billing_events through the core's hook:
dispute.opened and dispute.resolved, with the dispute's figures, for webhooks and the API's feed."""

import json
from datetime import date

from freezegun import freeze_time

from odoo.addons.ps_billing_disputes.tests.common import DisputeCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
@freeze_time(date(2026, 11, 10))
class TestDisputeEvents(DisputeCase):
    def test_dispute_opened_and_resolved_by_credit_note_are_events_with_their_figures(self):
        # The demo firm's approval matrix would hold the credit note (a manual edit) for approval: not
        # what this test is about.
        self.env["ps.approval.rule"].search([]).active = False
        Event = self.env["ps.billing.event"]
        before = Event.search([], limit=1, order="id desc").id or 0
        dispute = self._dispute(249.99, code="hours")
        credit_note = self._credit_note(dispute, 249.99)
        self._decide(dispute, "credit_note", "Two hours logged twice on 3 November")
        events = Event.search([("id", ">", before), ("event_type", "like", "dispute.")], order="id")
        self.assertEqual(
            [(event.event_type, event.res_model, event.res_id) for event in events],
            [
                ("dispute.opened", "ps.billing.dispute", dispute.id),
                ("dispute.resolved", "ps.billing.dispute", dispute.id),
            ],
        )
        opened, resolved = (json.loads(event.body)["data"] for event in events)
        self.assertEqual(opened["amount_disputed"], 249.99)
        self.assertEqual(resolved["amount_credited"], 249.99)
        self.assertEqual(resolved["state"], dispute.state)
        self.assertEqual(credit_note.ps_dispute_reason_id, self.reasons["hours"])
