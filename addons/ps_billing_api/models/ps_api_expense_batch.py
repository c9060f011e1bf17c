# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import binascii

from odoo import _, api, models
from odoo.tools import float_compare

from ..problems import line_error

MAX_AMOUNT = 1_000_000.0


class PsApiExpenseBatch(models.AbstractModel):
    """``POST /expenses:batch``: expenses with their receipts, upserted by external id.

    An expense can change while it is to report; once in an expense report it is locked.
    """

    _name = "ps.api.expense.batch"
    _inherit = "ps.api.batch.mixin"
    _description = "API Expense Batch"

    _ps_target_model = "hr.expense"

    @api.model
    def _ps_prepare_batch_context(self, lines):
        context = super()._ps_prepare_batch_context(lines)
        context["employees"] = self._ps_resolve_records("hr.employee", lines, "employee")
        context["projects"] = self._ps_resolve_records("project.project", lines, "project")
        context["products"] = self._ps_resolve_records("product.product", lines, "product")
        context["currencies"] = {
            currency.name: currency
            for currency in self.env["res.currency"]
            .sudo()
            .search([("name", "in", list({line["currency"] for line in lines if line.get("currency")}))])
        }
        context["locked"] = context["existing_records"].filtered(
            lambda expense: expense.sheet_id or expense.state != "draft"
        )
        return context

    @api.model
    def _ps_plan_line(self, index, line, context):
        """Return (errors, action) of one expense: what is wrong with it, or what to write."""
        errors = []
        source = line["source"]
        employee = context["employees"].get((source, line["employee"]))
        project = context["projects"].get((source, line["project"]))
        product = context["products"].get((source, line["product"]))
        errors += self._ps_check_employee(index, line, employee)
        if not project:
            errors.append(line_error(index, line, "project_unmapped", _("The project is not mapped."), "project"))
        else:
            errors += self._ps_check_engagement(index, line, project, line["date"], context)
        if not product:
            errors.append(
                line_error(index, line, "product_unmapped", _("The expense product is not mapped."), "product")
            )
        elif not product.can_be_expensed or product.standard_price:
            errors.append(
                line_error(
                    index,
                    line,
                    "product_not_expensable",
                    _("The product cannot take an expense amount (not an expense, or a fixed cost)."),
                    "product",
                )
            )
        currency = context["currencies"].get(line.get("currency")) if line.get("currency") else None
        if line.get("currency") and not (currency and currency.active):
            errors.append(line_error(index, line, "currency_unknown", _("The currency is not active."), "currency"))
        amount = line["amount"]
        if not 0 < amount <= MAX_AMOUNT:
            errors.append(
                line_error(
                    index, line, "amount_out_of_range", _("The amount must be above 0 and at most 1,000,000."), "amount"
                )
            )
        receipt = line.get("receipt")
        data = None
        if receipt:
            try:
                data = base64.b64decode(receipt["content"], validate=True)
            except (binascii.Error, ValueError):
                errors.append(line_error(index, line, "receipt_invalid", _("The receipt is not base64."), "receipt"))
        if errors:
            return errors, None
        order = project.sale_line_id.order_id or project.sale_order_id
        vals = {
            "name": line.get("description") or product.name,
            "employee_id": employee.id,
            "product_id": product.id,
            "date": line["date"],
            "quantity": 1,
            "total_amount_currency": amount,
            "currency_id": (currency or project.company_id.currency_id).id,
            "analytic_distribution": {str(project.analytic_account_id.id): 100}
            if project.analytic_account_id
            else False,
            "sale_order_id": order.id if product.expense_policy in ("cost", "sales_price") else False,
            "payment_mode": "own_account",
        }
        action = {
            "index": index,
            "vals": vals,
            "key": (source, line["external_id"]),
            "receipt": (receipt["filename"], data) if receipt else None,
        }
        if self._ps_match_existing(action, context):
            return [
                line_error(
                    index, line, "expense_locked", _("The expense is in an expense report: a sync cannot change it.")
                )
            ], None
        return [], action

    @api.model
    def _ps_changed(self, record, vals):
        """Return whether ``vals`` change the expense ``record``."""
        return (
            record.name != vals["name"]
            or record.employee_id.id != vals["employee_id"]
            or record.product_id.id != vals["product_id"]
            or record.date != vals["date"]
            or record.currency_id.id != vals["currency_id"]
            or record.sale_order_id.id != (vals["sale_order_id"] or False)
            or (record.analytic_distribution or False) != vals["analytic_distribution"]
            or float_compare(record.total_amount_currency, vals["total_amount_currency"], precision_digits=6) != 0
        )

    @api.model
    def _ps_apply(self, actions):
        written = self._ps_upsert(actions)
        self._ps_attach_receipts(
            {written[action["index"]][1]: action["receipt"] for action in actions if action["receipt"]}
        )
        return written

    @api.model
    def _ps_attach_receipts(self, receipts):
        """Attach each receipt {expense: (file name, bytes)} unless the expense has that file already."""
        if not receipts:
            return
        Attachment = self.env["ir.attachment"].sudo()
        expenses = self.env["hr.expense"].union(*receipts)
        known = {
            (row["res_id"], row["checksum"])
            for row in Attachment.search_read(
                [("res_model", "=", "hr.expense"), ("res_id", "in", expenses.ids)], ["res_id", "checksum"]
            )
        }
        vals_list = []
        for expense, (name, data) in receipts.items():
            if (expense.id, Attachment._compute_checksum(data)) not in known:
                vals_list.append({"name": name, "raw": data, "res_model": "hr.expense", "res_id": expense.id})
        Attachment.create(vals_list)
