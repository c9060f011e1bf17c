# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models
from odoo.exceptions import UserError


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def write(self, vals):
        # The superuser only moves files between storages (``force_storage``): the bytes stay the same.
        if not self.env.su:
            self._ps_check_not_package()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_package(self):
        self._ps_check_not_package()

    def _ps_check_not_package(self):
        """Refuse to change or delete the file of a backup package that went out with an invoice."""
        if not self.ids:
            return
        packages = self.env["ps.invoice.package"].sudo().search([("attachment_id", "in", self.ids)], limit=1)
        if packages:
            raise UserError(
                _("%s is the backup package sent with an invoice: it never changes.", packages.attachment_id.name)
            )
