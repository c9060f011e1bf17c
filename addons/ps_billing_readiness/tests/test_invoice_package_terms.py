# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Per client, the engagement's terms say which parts go, and whether people are named."""

import io

from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from .package_common import InvoicePackageCase


@tagged("post_install", "-at_install")
class TestInvoicePackageTerms(InvoicePackageCase):
    def _parts(self, move):
        return move._ps_prepare_package_parts(move._ps_get_package_terms())

    def test_every_part_goes_by_default(self):
        move = self._invoice()
        self.assertEqual([part["code"] for part in self._parts(move)], ["invoice", "timesheet", "receipts"])

    def test_terms_leave_out_timesheet_and_receipts(self):
        self.engagement.write({"ps_package_omit_timesheet": True, "ps_package_omit_receipts": True})
        self._reinvoiced_expense("Taxi", 30.0, b"garbage", receipt_name="taxi.png")
        move = self._invoice()
        self.assertEqual([part["code"] for part in self._parts(move)], ["invoice"])
        self.assertFalse(move.ps_package_problems, "a receipt that does not go cannot stop the send")

    def test_roles_instead_of_names_in_the_timesheet_detail(self):
        self.engagement.ps_package_timesheet_roles = True
        move = self._invoice()
        rows = move._ps_get_package_timesheet_rows(roles=True)
        self.assertEqual([row["who"] for row in rows], ["Senior Consultant", "Engagement Manager"])
        self.assertEqual([row["hours"] for row in rows], [6.0, 2.0])
        timesheet = next(part for part in self._parts(move) if part["code"] == "timesheet")
        self.assertEqual(timesheet["name"], "Timesheet detail (roles)")
        [pdf] = timesheet["render"]([])
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf), strict=False).pages), 1)
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "ps_billing_readiness.action_report_ps_package_timesheet", move.ids, {"ps_roles": True}
        )
        html = html.decode()
        for text in ("Senior Consultant", "Engagement Manager", "Role"):
            self.assertIn(text, html)
        for name in ("Carla", "Paul", "Person"):
            self.assertNotIn(name, html)

    def test_package_terms_are_terms_finance_confirms(self):
        self._confirm_terms()
        self.assertTrue(self.engagement.ps_terms_confirmed)
        self.engagement.with_user(self.controller).ps_package_timesheet_roles = True
        self.assertFalse(self.engagement.ps_terms_confirmed, "changing the package terms withdraws the confirmation")
