# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import DisputeCase
from .test_dispute_mail_gateway import RATE_REPLY


@tagged("post_install", "-at_install")
class TestDisputeTour(HttpCase, DisputeCase):
    def test_controller_opens_a_dispute_from_a_client_reply_in_the_browser(self):
        self.controller.password = "bc_controller"
        self._client_reply(self.invoice, RATE_REPLY.format(name=self.invoice.name))
        url = f"/web#model=account.move&id={self.invoice.id}&view_type=form"
        self.start_tour(url, "ps_dispute_open_from_reply", login="bc_controller", timeout=120)
        suggestion = self.env["ps.dispute.suggestion"].search([("invoice_id", "=", self.invoice.id)])
        self.assertEqual(suggestion.state, "disputed")
        self.assertEqual(suggestion.dispute_id.reason_id, self.reasons["rate"])
        self.assertEqual(suggestion.dispute_id.create_uid, self.controller)
