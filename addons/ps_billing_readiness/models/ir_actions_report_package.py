# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models
from odoo.exceptions import UserError


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _ps_render_package_pdf(self, report_ref, records, data=None):
        """Return the PDF (bytes) of ``report_ref`` for ``records``, rendered by wkhtmltopdf.

        Always a real PDF: Odoo's test mode otherwise returns HTML, which cannot be merged into a package
        (``force_report_rendering`` is Odoo's switch for it; it relaxes no control). A missing wkhtmltopdf
        is an error, never an empty part.
        """
        content, report_format = (
            self.sudo()
            .with_company(records.company_id[:1])
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_ref, records.ids, data=data)
        )
        if report_format != "pdf" or not content.startswith(b"%PDF"):
            raise UserError(_("The backup package could not be rendered: is wkhtmltopdf installed?"))
        return content
