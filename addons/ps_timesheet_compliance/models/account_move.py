# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _get_ps_work_approvers(self):
        result = super()._get_ps_work_approvers()
        moves = self.filtered("id")
        if not moves:
            return result
        approvers = defaultdict(lambda: self.env["res.users"])
        for move, users in (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [("timesheet_invoice_id", "in", moves.ids), ("ps_approved_by_id", "!=", False)],
                ["timesheet_invoice_id"],
                ["ps_approved_by_id:recordset"],
            )
        ):
            approvers[move.id] |= users
        for move in moves:
            result[move.id] = result.get(move.id, self.env["res.users"]) | approvers[move.id]
        return result
