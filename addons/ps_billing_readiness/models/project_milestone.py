# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ProjectMilestone(models.Model):
    _inherit = "project.milestone"

    def _ps_record_client_acceptance(self, signatory_name, signed_on, document_name, document_data, source=None):
        """Hook: record the client's acceptance of this milestone, signed by ``signatory_name`` at
        ``signed_on`` (UTC) on an e-signature platform ``source``, with the signed document
        (``document_name``, raw bytes ``document_data``) as its evidence; return the evidence attachment.

        The core tracks no acceptance and returns an empty recordset; the milestone billing module
        records it (and raises UserError when the milestone cannot be accepted now).
        """
        return self.env["ir.attachment"]
