# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import DisputeCase


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10 10:00:00")
class TestDisputeKpi(DisputeCase):
    def test_disputed_invoices_and_reasons_to_exact_counts(self):
        credited, untouched, rejected = self._post_invoice(3), self._post_invoice(5), self._post_invoice(7)
        self._dispute(200.0, "hours")
        dispute = self._dispute(100.0, "hours", invoice=rejected)
        self._decide(dispute, "reject", "The hours were approved by the client.")
        self._dispute(50.0, "rate", invoice=rejected)
        credit_note = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.client.id,
                "invoice_date": "2026-11-10",
                "reversed_entry_id": credited.id,
                "ps_dispute_reason_id": self.reasons["tax"].id,
                "invoice_line_ids": [Command.create({"name": "VAT", "quantity": 1, "price_unit": 45.0})],
            }
        )
        credit_note.action_post()
        # A draft credit note counts for nothing.
        self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.client.id,
                "reversed_entry_id": untouched.id,
                "ps_dispute_reason_id": self.reasons["scope"].id,
                "invoice_line_ids": [Command.create({"name": "Scope", "quantity": 1, "price_unit": 45.0})],
            }
        )
        invoices = self.invoice | credited | untouched | rejected
        Hook = self.env["ps.kpi.hook"]
        self.assertEqual(Hook._ps_kpi_disputed_invoices(invoices), self.invoice | credited | rejected)
        self.assertEqual(Hook._ps_kpi_dispute_reasons(invoices), {"hours": 2, "rate": 1, "tax": 1})
        self.assertEqual(Hook._ps_kpi_dispute_reasons(untouched), {})
        self.assertEqual(Hook._ps_kpi_disputed_invoices(invoices.browse()), invoices.browse())
        with self.assertQueryCount(__system__=2):
            Hook._ps_kpi_reasons_by_invoice(invoices)
