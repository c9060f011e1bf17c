"""The REST API (ps_billing_api, the outer ring) with the feature modules behind the core's hooks:
an approved timesheet line cannot be changed by a sync, lines are submitted on the employee's behalf,
and an e-signature platform records a milestone's client acceptance with its signed document."""

import base64
from datetime import datetime

from odoo.addons.ps_billing_api.tests.common import BillingApiHttpCase
from odoo.addons.ps_milestone_billing.tests.common import MilestoneBillingCase
from odoo.tests import tagged

SIGNED_PDF = b"%PDF-1.4 signed go-live"


@tagged("post_install", "-at_install")
class TestBillingApiWithFeatures(BillingApiHttpCase, MilestoneBillingCase):
    def _send(self, *lines):
        return self._post("/timesheets:batch", {"lines": list(lines)})

    def test_approved_line_cannot_be_changed_by_a_sync(self):
        created = self._send(self._json_line("h-1", state="submitted"))
        self.assertEqual(created.status_code, 200, created.text)
        line = self._mapped("account.analytic.line", "h-1")
        self.assertEqual(line.ps_state, "submitted", "submitted on the employee's behalf")
        line.with_user(self.project_manager).action_ps_approve()
        self.assertEqual(
            self._send(self._json_line("h-1", state="submitted")).json()["lines"][0]["status"], "unchanged"
        )
        refused = self._send(self._json_line("h-1", hours=6.0))
        self.assertEqual(refused.status_code, 422)
        self.assertEqual([error["code"] for error in refused.json()["errors"]], ["line_locked"])
        line.invalidate_recordset()
        self.assertEqual((line.unit_amount, line.ps_state), (2.0, "approved"))

    def test_changed_submitted_line_is_submitted_again(self):
        self._send(self._json_line("h-1", state="submitted"))
        response = self._send(self._json_line("h-1", hours=3.0, state="submitted"))
        self.assertEqual(response.json()["lines"][0]["status"], "updated")
        line = self._mapped("account.analytic.line", "h-1")
        self.assertEqual((line.unit_amount, line.ps_state), (3.0, "submitted"))

    def _acceptance(self, signed_at="2026-10-20T10:00:00+02:00"):
        return {
            "signatory": {"name": "Nora North", "email": "nora@northwind.example.com"},
            "signed_at": signed_at,
            "document": {"filename": "design-signed.pdf", "content": base64.b64encode(SIGNED_PDF).decode()},
            "platform": "docusign",
            "envelope_id": "env-42",
        }

    def test_e_signature_records_the_clients_acceptance_with_its_evidence(self):
        self._reach(self.milestone_design)
        self.assertEqual(self.milestone_design.ps_acceptance_state, "awaiting")
        response = self._post(f"/milestones/{self.milestone_design.id}/acceptance", self._acceptance())
        self.assertEqual(response.status_code, 200, response.text)
        milestone = self.milestone_design
        milestone.invalidate_recordset()
        self.assertEqual(milestone.ps_acceptance_state, "accepted")
        self.assertEqual(milestone.ps_accepted_on, datetime(2026, 10, 20, 8, 0), "the time of signature, in UTC")
        self.assertIn("Nora North", milestone.ps_accepted_by_name)
        evidence = self.env["ir.attachment"].browse(response.json()["evidence_id"])
        self.assertEqual(
            (evidence.res_model, evidence.res_id, evidence.raw), ("project.milestone", milestone.id, SIGNED_PDF)
        )
        self.assertTrue(
            any("docusign (env-42)" in str(message.body) for message in milestone.message_ids), "traced in the chatter"
        )
        again = self._post(f"/milestones/{milestone.id}/acceptance", self._acceptance())
        self.assertEqual((again.status_code, again.json()["type"].rsplit("/", 1)[1]), (409, "milestone-not-acceptable"))

    def test_milestone_not_reached_or_signed_in_the_future_is_refused(self):
        response = self._post(f"/milestones/{self.milestone_build.id}/acceptance", self._acceptance())
        self.assertEqual(response.status_code, 409)
        self.assertFalse(self.milestone_build._ps_get_evidence(), "the document of a refused acceptance is not kept")
        self._reach(self.milestone_build)
        future = self._post(
            f"/milestones/{self.milestone_build.id}/acceptance", self._acceptance("2999-01-01T00:00:00+00:00")
        )
        self.assertEqual((future.status_code, future.json()["errors"][0]["code"]), (422, "future_date"))
