# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The acceptance evidence of the milestones an invoice bills goes in its backup package."""

import hashlib
import io

from freezegun import freeze_time
from PIL import Image

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from .common import MilestoneBillingCase


def signed_pdf():
    """Return the bytes of a one-page PDF (a scanned, signed acceptance report)."""
    with io.BytesIO() as buffer:
        Image.new("RGB", (600, 800), "white").save(buffer, format="PDF")
        return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestMilestonePackage(MilestoneBillingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._reach(cls.milestone_design)
        cls.evidence = cls.env["ir.attachment"].create(
            {
                "name": "design_signed.pdf",
                "res_model": "project.milestone",
                "res_id": cls.milestone_design.id,
                "raw": signed_pdf(),
            }
        )
        cls._accept(cls.milestone_design, signatory_name="Nora North")

    def _invoice(self):
        with freeze_time("2026-11-10"):
            move = self.engagement._create_invoices()
            move.action_post()
        return move

    def _parts(self, move):
        return move._ps_prepare_package_parts(move._ps_get_package_terms())

    def test_acceptance_part_carries_the_signed_evidence(self):
        move = self._invoice()
        parts = self._parts(move)
        self.assertEqual([part["code"] for part in parts], ["invoice", "acceptance"])
        acceptance = parts[1]
        self.assertEqual(move._ps_get_package_milestones(), self.milestone_design, "accepted milestones only")
        self.assertEqual(acceptance["sequence"], 40)
        self.assertEqual(
            [(d["key"], d["name"], d["problem"]) for d in acceptance["documents"]],
            [(f"ir.attachment,{self.evidence.id}", "design_signed.pdf — Design signed off", None)],
        )
        summary, evidence = acceptance["render"](acceptance["documents"])
        self.assertEqual(evidence, self.evidence.raw, "a PDF evidence goes as it was signed")
        self.assertEqual(len(PdfFileReader(io.BytesIO(summary), strict=False).pages), 1)
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "ps_milestone_billing.action_report_ps_package_acceptance",
            move.ids,
            {"ps_milestone_ids": move._ps_get_package_milestones().ids},
        )
        html = html.decode()
        for expected in ("Milestone Acceptance", "Design signed off", "Nora North", "Accepted"):
            self.assertIn(expected, html)
        self.assertNotIn("Build delivered", html, "a milestone not accepted is not billed")

    def test_package_lists_the_evidence_with_its_hash(self):
        move = self._invoice()
        with freeze_time("2026-11-10 09:00:00"):
            package = move._ps_get_or_build_package()
        acceptance = package.part_ids.filtered(lambda part: part.code == "acceptance")
        self.assertEqual(acceptance.page_count, 2, "the summary page, then the signed report")
        self.assertEqual(
            acceptance.documents,
            f"design_signed.pdf — Design signed off  {hashlib.sha256(self.evidence.raw).hexdigest()}",
        )

    def test_corrupt_evidence_stops_the_package(self):
        self.evidence.raw = b"Signed acceptance report"
        move = self._invoice()
        with self.assertRaisesRegex(UserError, "design_signed.pdf — Design signed off is neither a PDF nor an image"):
            move._ps_get_or_build_package()
        self.assertFalse(move.ps_package_id)

    def test_missing_evidence_where_required_stops_the_package(self):
        self.engagement.ps_milestone_evidence_required = True
        self.evidence.unlink()
        move = self._invoice()
        self.assertEqual(
            move.ps_package_problems, "The milestone Design signed off has no acceptance evidence attached."
        )

    def test_terms_leave_out_the_acceptance_evidence(self):
        self.engagement.ps_package_omit_acceptance = True
        self.evidence.raw = b"corrupt"
        move = self._invoice()
        self.assertEqual([part["code"] for part in self._parts(move)], ["invoice"])
        self.assertFalse(move.ps_package_problems)
