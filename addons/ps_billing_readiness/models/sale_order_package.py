# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # Negative flags: an engagement sends the whole backup unless its terms say otherwise, and a new
    # column needs no default for the orders that exist.
    ps_package_omit_timesheet = fields.Boolean(
        "Without Timesheet Detail", tracking=True, help="The backup package leaves out the timesheet detail."
    )
    ps_package_timesheet_roles = fields.Boolean(
        "Roles Instead of Names",
        tracking=True,
        help="The client forbids personal names: the timesheet detail shows each person's job position.",
    )
    ps_package_omit_receipts = fields.Boolean(
        "Without Expense Receipts", tracking=True, help="The backup package leaves out the expense receipts."
    )
    ps_package_omit_acceptance = fields.Boolean(
        "Without Acceptance Evidence",
        tracking=True,
        help="The backup package leaves out the acceptance evidence of the milestones.",
    )

    @api.model
    def _get_ps_terms_fields(self):
        return super()._get_ps_terms_fields() + (
            "ps_package_omit_timesheet",
            "ps_package_timesheet_roles",
            "ps_package_omit_receipts",
            "ps_package_omit_acceptance",
        )

    def _ps_get_package_terms(self):
        """Return the backup package terms of these engagements: {"omit": set of part codes, "roles": bool};
        with several engagements on one invoice, the strictest terms apply."""
        omit = set()
        for field, code in (
            ("ps_package_omit_timesheet", "timesheet"),
            ("ps_package_omit_receipts", "receipts"),
            ("ps_package_omit_acceptance", "acceptance"),
        ):
            if any(self.mapped(field)):
                omit.add(code)
        return {"omit": omit, "roles": any(self.mapped("ps_package_timesheet_roles"))}
