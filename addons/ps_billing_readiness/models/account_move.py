# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import float_compare

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
        currency_field="company_currency_id",
        help="Cost, in company currency, of what this invoice bills: the time and expenses it invoices, else the "
        "product's cost. No cost while Cost Known is unchecked: the cost of a line is unknown.",
    )
    ps_cost_known = fields.Boolean(
        "Cost Known",
        compute="_compute_ps_margin",
        store=True,
        help="Whether the cost of every line of this customer invoice is known. It is not for a line with neither "
        "product nor linked time or expenses, a product without a cost, or time logged by an employee without an "
        "hourly cost: the margin is then unknown, and the invoice carries the Margin unknown exception.",
    )
    ps_margin_percent = fields.Float(
        "Margin (%)",
        compute="_compute_ps_margin",
        store=True,
        group_operator="avg",
        help="Untaxed amount less the cost billed, over the untaxed amount, both in company currency. "
        "Unknown while Cost Known is unchecked (stored as 0, never as 100 %).",
    )
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
            "ps_cost_known",
            "ps_margin_percent",
            "ps_exception_flag_ids",
        }

    def _ps_get_readiness_orders(self):
        """The engagements these customer invoices bill (their drafts count as stale drafts, their
        posting and cancelling change what is left to invoice); modules add other moves."""
        moves = self.sudo().filtered(lambda move: move.move_type in CUSTOMER_MOVE_TYPES)
        return moves.line_ids.sale_line_ids.order_id.with_env(self.env)

    @api.depends(
        "move_type",
        "company_id",
        "amount_untaxed_signed",
        "timesheet_ids.amount",
        "timesheet_ids.unit_amount",
        "invoice_line_ids.display_type",
        "invoice_line_ids.product_id",
        "invoice_line_ids.product_uom_id",
        "invoice_line_ids.quantity",
        "invoice_line_ids.price_subtotal",
        "invoice_line_ids.sale_line_ids",
    )
    def _compute_ps_margin(self):
        costs = self._get_ps_billed_costs()
        for move in self:
            cost = costs.get(move.id)
            untaxed = abs(move.amount_untaxed_signed)
            move.ps_cost_known = cost is not None
            move.ps_cost_amount = cost or 0.0
            if cost is not None and not move.company_currency_id.is_zero(untaxed):
                move.ps_margin_percent = (untaxed - cost) / untaxed * 100.0
            else:
                move.ps_margin_percent = 0.0

    def _get_ps_billed_costs(self):
        """Return {move id: cost in company currency of what these customer invoices bill, or None if unknown}.

        Each product line costs what it bills: the timesheets the invoice invoices (Odoo links them to it), the
        expenses its sales order line re-invoices, else its product's cost (``standard_price`` in the line's
        unit of measure, in company currency, as Odoo's sale margin reads it). The cost is unknown when one
        line's is: no product and nothing linked, a product whose cost is zero (Odoo's default: never
        entered), time of an employee without an hourly cost. A line of no amount without a cost bills
        nothing and is left out; a deduction of a down payment costs nothing (the final invoice's lines carry
        the cost). Read for the whole batch: two queries for the time, one for the expenses, one for the
        products' costs per company.
        """
        moves = self.filtered(lambda m: m.move_type in CUSTOMER_MOVE_TYPES)
        if not moves:
            return {}
        time_costs, time_sale_lines, time_unknown = moves._get_ps_time_costs()
        expense_costs = moves._get_ps_expense_costs()
        unit_costs = moves._get_ps_product_unit_costs()
        result = {}
        for move in moves:
            origin_id = move._origin.id
            company_currency = move.company_currency_id
            cost = time_costs.get(origin_id, 0.0)
            known = origin_id not in time_unknown
            expenses_counted = set()
            for line in move.invoice_line_ids:
                if line.display_type != "product" or not known:
                    continue
                sale_lines = line.sale_line_ids
                if set(sale_lines._origin.ids) & time_sale_lines.get(origin_id, set()):
                    continue  # its time is in the invoice's timesheets
                expense_ids = [sol_id for sol_id in sale_lines._origin.ids if sol_id in expense_costs]
                if expense_ids:
                    cost += sum(expense_costs[sol_id] for sol_id in expense_ids if sol_id not in expenses_counted)
                    expenses_counted.update(expense_ids)
                elif any(sale_lines.mapped("is_downpayment")) and line.quantity < 0:
                    continue
                elif unit_costs.get((move.company_id.id, line.product_id.id), (0.0,))[0]:
                    product = line.product_id
                    standard_price, cost_currency = unit_costs[(move.company_id.id, product.id)]
                    line_cost = product.uom_id._compute_price(standard_price, line.product_uom_id or product.uom_id)
                    cost += cost_currency._convert(
                        line_cost * line.quantity,
                        company_currency,
                        move.company_id,
                        move.invoice_date or move.date or move.company_id._ps_today(),
                        round=False,
                    )
                elif not move.currency_id.is_zero(line.price_subtotal):
                    known = False
            result[move.id] = company_currency.round(cost) if known else None
        return result

    def _get_ps_time_costs(self):
        """Return ({move id: cost of the timesheets it invoices}, {move id: their sales order line ids},
        {ids of the moves invoicing time of an employee without an hourly cost}), in company currency."""
        move_ids = [move_id for move_id in self._origin.ids if move_id]
        if not move_ids:
            return {}, {}, set()
        Analytic = self.env["account.analytic.line"].sudo()
        domain = [("timesheet_invoice_id", "in", move_ids)]
        costs, sale_lines = defaultdict(float), defaultdict(set)
        for move, sale_line, amount in Analytic._read_group(
            domain, ["timesheet_invoice_id", "so_line"], ["amount:sum"]
        ):
            costs[move.id] += -amount
            sale_lines[move.id].add(sale_line.id)
        # Odoo values time at the employee's hourly cost when it is logged: no cost, an amount of zero.
        unknown = {
            move.id
            for [move] in Analytic._read_group(
                [*domain, ("amount", "=", 0), ("unit_amount", "!=", 0)], ["timesheet_invoice_id"]
            )
        }
        return costs, sale_lines, unknown

    def _get_ps_expense_costs(self):
        """Return {sales order line id: cost of the expenses it re-invoices} for the expense lines these moves bill."""
        expense_lines = self.invoice_line_ids.sale_line_ids._origin.filtered("is_expense")
        if not expense_lines:
            return {}
        groups = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [("so_line", "in", expense_lines.ids), ("project_id", "=", False)], ["so_line"], ["amount:sum"]
            )
        )
        return {sale_line.id: -amount for sale_line, amount in groups}

    def _get_ps_product_unit_costs(self):
        """Return {(company id, product id): (cost of one unit of the product's unit of measure, its currency)}
        for the products of these moves' lines: ``standard_price`` is per company, one read per company."""
        result = {}
        for company in self.company_id:
            lines = self.invoice_line_ids.filtered(lambda line, c=company: line.company_id == c)
            for product in lines.product_id._origin.with_company(company):
                result[(company.id, product.id)] = (product.standard_price, product.cost_currency_id)
        return result

    @api.depends(
        "move_type",
        "ps_readiness_override_reason",
        "ps_margin_percent",
        "ps_cost_known",
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
        # Active flags only, whatever the caller's context says (active_test comes from the client).
        Flag = self.env["ps.exception.flag"].sudo().with_context(active_test=True)
        flags = Flag.search([("code", "in", list(all_codes))]) if all_codes else []
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
            has_amount = not move.currency_id.is_zero(move.amount_untaxed)
            if has_amount and not move.ps_cost_known:
                codes.add("margin_unknown")
            elif has_amount and float_compare(move.ps_margin_percent, company.ps_margin_target, precision_digits=2) < 0:
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
