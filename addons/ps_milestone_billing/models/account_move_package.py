# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models
from odoo.addons.ps_billing_readiness.models.account_move_package import ps_package_file_to_pdf


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _ps_prepare_package_parts(self, terms):
        """Add the acceptance evidence of the milestones the invoice bills (part ``acceptance``, sequence 40)."""
        parts = super()._ps_prepare_package_parts(terms)
        if "acceptance" in terms["omit"]:
            return parts
        milestones = self._ps_get_package_milestones()
        if milestones:
            parts.append(self._ps_prepare_package_acceptance_part(milestones))
        return parts

    def _ps_get_package_milestones(self):
        """Return the accepted milestones of the milestone lines this invoice bills, in acceptance order.

        A sales line knows how much of it is invoiced, not which of its milestones: every accepted
        milestone of a billed line goes with the invoice as its evidence.
        """
        self.ensure_one()
        sale_lines = self.sudo().invoice_line_ids.sale_line_ids
        if not sale_lines:
            return self.env["project.milestone"]
        return (
            self.env["project.milestone"]
            .sudo()
            .search(
                [("sale_line_id", "in", sale_lines.ids), ("ps_acceptance_state", "=", "accepted")],
                order="ps_accepted_on, id",
            )
        )

    def _ps_prepare_package_acceptance_part(self, milestones):
        move = self
        documents = self._ps_get_package_documents(
            milestones,
            lambda milestone: milestone.name,
            lambda milestone: (
                _("Evidence of %s", milestone.name),
                _("The milestone %s has no acceptance evidence attached.", milestone.name),
            )
            if milestone.ps_evidence_required
            else None,
        )

        def render(documents_going):
            summary = move.env["ir.actions.report"]._ps_render_package_pdf(
                "ps_milestone_billing.action_report_ps_package_acceptance",
                move,
                {"ps_milestone_ids": milestones.ids},
            )
            return [summary] + [ps_package_file_to_pdf(document["raw"]) for document in documents_going]

        return {
            "code": "acceptance",
            "sequence": 40,
            "name": _("Milestone acceptance evidence"),
            "documents": documents,
            "render": render,
        }

    def _ps_get_package_acceptance_rows(self, milestone_ids):
        """Return, for the acceptance summary page, one dict per milestone: name, signatory, date, how."""
        milestones = self.env["project.milestone"].sudo().browse(milestone_ids)
        return [
            {
                "name": milestone.name,
                "signatory": milestone.ps_accepted_by_name or milestone.ps_accepted_by_partner_id.name or "",
                "accepted_on": milestone._ps_format_firm_datetime(milestone.ps_accepted_on)
                if milestone.ps_accepted_on
                else "",
                "how": _("Deemed accepted (no answer within the agreed delay)")
                if milestone.ps_deemed_accepted
                else _("Accepted"),
                "comment": milestone.ps_acceptance_comment or "",
            }
            for milestone in milestones
        ]
