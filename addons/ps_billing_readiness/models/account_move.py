# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import float_compare, float_is_zero

CUSTOMER_MOVE_TYPES = ("out_invoice", "out_refund")


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["ps.protected.mixin", "ps.readiness.watch.mixin", "account.move"]

    ps_readiness_id = fields.Many2one(
        "ps.billing.readiness", "Billing Readiness", readonly=True, copy=False, index="btree_not_null"
    )
    ps_readiness_override_reason = fields.Text("Drafted Anyway Because", readonly=True, copy=False)
    ps_expected_amount = fields.Monetary(
        "Deliverable When Drafted",
        readonly=True,
        copy=False,
        help="What the readiness engine found deliverable for the period when it drafted this invoice.",
    )
    ps_cost_amount = fields.Monetary(
        "Cost Billed",
        compute="_compute_ps_margin",
        store=True,
        help="Cost of the time and expenses this invoice bills.",
    )
    ps_margin_percent = fields.Float("Margin (%)", compute="_compute_ps_margin", store=True, group_operator="avg")
    ps_exception_flag_ids = fields.Many2many(
        "ps.exception.flag",
        string="Exception Flags",
        compute="_compute_ps_exception_flag_ids",
        store=True,
        readonly=True,
        copy=False,
    )

    @api.model
    def _get_ps_protected_fields(self):
        """Return the readiness link and the figures the approval matrix reads (cost, margin, flags)."""
        return super()._get_ps_protected_fields() | {
            "ps_readiness_id",
            "ps_readiness_override_reason",
            "ps_expected_amount",
            "ps_cost_amount",
            "ps_margin_percent",
            "ps_exception_flag_ids",
        }

    def _ps_get_readiness_orders(self):
        """The engagements these customer invoices bill (their drafts count as stale drafts, their
        posting and cancelling change what is left to invoice); modules add other moves."""
        moves = self.sudo().filtered(lambda move: move.move_type in CUSTOMER_MOVE_TYPES)
        return moves.line_ids.sale_line_ids.order_id.with_env(self.env)

    @api.depends("move_type", "amount_untaxed_signed", "timesheet_ids.amount", "invoice_line_ids.sale_line_ids")
    def _compute_ps_margin(self):
        costs = self._get_ps_billed_costs()
        for move in self:
            untaxed = abs(move.amount_untaxed_signed)
            cost = costs.get(move.id, 0.0)
            move.ps_cost_amount = cost
            if move.move_type in CUSTOMER_MOVE_TYPES and not float_is_zero(untaxed, precision_digits=2):
                move.ps_margin_percent = (untaxed - cost) / untaxed * 100.0
            else:
                move.ps_margin_percent = 0.0

    def _get_ps_billed_costs(self):
        """Return {move id: cost in company currency of the timesheets and expenses it bills}."""
        moves = self.filtered(lambda m: m.move_type in CUSTOMER_MOVE_TYPES and m.id)
        if not moves:
            return {}
        Analytic = self.env["account.analytic.line"].sudo()
        costs = defaultdict(float)
        for move, amount in Analytic._read_group(
            [("timesheet_invoice_id", "in", moves.ids)], ["timesheet_invoice_id"], ["amount:sum"]
        ):
            costs[move.id] += -amount
        expense_lines = moves.invoice_line_ids.sale_line_ids.filtered("is_expense")
        if expense_lines:
            line_to_moves = defaultdict(set)
            for aml in moves.invoice_line_ids:
                for sale_line in aml.sale_line_ids & expense_lines:
                    line_to_moves[sale_line.id].add(aml.move_id.id)
            for sale_line, amount in Analytic._read_group(
                [("so_line", "in", expense_lines.ids), ("project_id", "=", False)], ["so_line"], ["amount:sum"]
            ):
                for move_id in line_to_moves[sale_line.id]:
                    costs[move_id] += -amount
        return costs

    @api.depends(
        "move_type",
        "ps_readiness_override_reason",
        "ps_margin_percent",
        "invoice_line_ids.price_unit",
        "invoice_line_ids.quantity",
        "invoice_line_ids.discount",
        "invoice_line_ids.tax_ids",
        "invoice_line_ids.product_id",
        "invoice_line_ids.sale_line_ids",
        "invoice_line_ids.ps_expected_quantity",
    )
    def _compute_ps_exception_flag_ids(self):
        codes_by_move = self._get_ps_exception_flag_codes()
        all_codes = set().union(*codes_by_move.values()) if codes_by_move else set()
        flags = self.env["ps.exception.flag"].sudo().search([("code", "in", list(all_codes))]) if all_codes else []
        flag_by_code = {flag.code: flag.id for flag in flags}
        for move in self:
            codes = codes_by_move.get(move.id, set())
            move.ps_exception_flag_ids = [(6, 0, [flag_by_code[c] for c in codes if c in flag_by_code])]

    def _get_ps_exception_flag_codes(self):
        """Return {move id: set of exception flag codes} for these moves (extend with super())."""
        result = defaultdict(set)
        moves = self.filtered(lambda m: m.move_type in CUSTOMER_MOVE_TYPES)
        unsupported = moves._get_ps_unsupported_expense_lines()
        for move in moves:
            company = move.company_id
            codes = result[move.id]
            if move.ps_readiness_override_reason:
                codes.add("readiness_override")
            if (
                move.amount_untaxed
                and float_compare(move.ps_margin_percent, company.ps_margin_target, precision_digits=2) < 0
                and move.ps_cost_amount
            ):
                codes.add("margin_below_target")
            for line in move.invoice_line_ids.filtered(lambda line: line.display_type == "product"):
                if float_compare(line.discount, company.ps_discount_threshold, precision_digits=2) > 0:
                    codes.add("discount")
                if line._ps_is_manual_edit():
                    codes.add("manual_edit")
                if line._ps_is_write_off():
                    codes.add("write_off")
                if line._ps_is_tax_override():
                    codes.add("tax_override")
                if line in unsupported:
                    codes.add("unsupported_expense")
        return result

    def _get_ps_work_approvers(self):
        """Return {move id: res.users} of who approved the work these invoices bill (extended by feature modules)."""
        return {move.id: self.env["res.users"] for move in self}

    def _get_ps_unsupported_expense_lines(self):
        """Return the invoice lines that re-invoice an expense without a receipt attached to it."""
        expense_sale_lines = self.invoice_line_ids.sale_line_ids.filtered("is_expense")
        if not expense_sale_lines:
            return self.env["account.move.line"]
        analytic_lines = (
            self.env["account.analytic.line"]
            .sudo()
            .search(
                [
                    ("so_line", "in", expense_sale_lines.ids),
                    ("move_line_id.expense_id", "!=", False),
                ]
            )
        )
        expenses = analytic_lines.move_line_id.expense_id
        attached = set(
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "hr.expense"),
                    ("res_id", "in", expenses.ids),
                ]
            )
            .mapped("res_id")
        )
        unsupported_sale_lines = {
            line.so_line.id for line in analytic_lines if line.move_line_id.expense_id.id not in attached
        }
        return self.invoice_line_ids.filtered(
            lambda aml: any(sol.id in unsupported_sale_lines for sol in aml.sale_line_ids)
        )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    ps_expected_quantity = fields.Float(
        "Quantity When Drafted",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
        help="The quantity Odoo's invoicing proposed for this line from its sales order line.",
    )

    def _ps_is_manual_edit(self):
        """Return whether the line bills another price than its sale line, or is an added line."""
        self.ensure_one()
        sale_line = self.sale_line_ids[:1]
        if not sale_line:
            return bool(self.move_id.ps_readiness_id) and bool(self.product_id)
        return (
            float_compare(self.price_unit, sale_line.price_unit, precision_digits=2) != 0
            and self.currency_id == sale_line.currency_id
        ) or float_compare(self.discount, sale_line.discount, precision_digits=2) != 0

    def _ps_is_write_off(self):
        """Return whether the line bills less than Odoo's invoicing proposed when drafting."""
        self.ensure_one()
        return (
            bool(self.ps_expected_quantity)
            and float_compare(abs(self.quantity), abs(self.ps_expected_quantity), precision_digits=2) < 0
        )

    def _ps_is_tax_override(self):
        """Return whether the line's taxes differ from its product's (after the fiscal position)."""
        self.ensure_one()
        if not self.product_id:
            return False
        product_taxes = self.product_id.taxes_id.filtered(lambda tax: tax.company_id == self.move_id.company_id)
        expected = self.move_id.fiscal_position_id.map_tax(product_taxes)
        return set(expected.ids) != set(self.tax_ids.ids)
