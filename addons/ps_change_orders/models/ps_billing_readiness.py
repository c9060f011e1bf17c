# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, api, models
from odoo.tools import float_compare, float_is_zero

PENDING_STATES = ("draft", "submitted", "rejected")


class PsBillingReadiness(models.Model):
    _inherit = "ps.billing.readiness"

    @api.model
    def _ps_check_change_order_pending(self, evaluation):
        """Scope changed without the client's approval: time logged on the tasks of a change order not
        approved yet, and time beyond the sold hours of a fixed-fee line, each at risk with its value
        until an approved change order covers it."""
        records = evaluation.targets
        orders = records.sale_order_id
        Change = self.env["ps.change.order"].sudo()
        changes = Change.search([("sale_order_id", "in", orders.ids), ("state", "!=", "cancelled")])
        pending = changes.filtered(lambda c: c.state in PENDING_STATES and c.task_ids)
        covered_tasks = changes.filtered(lambda c: c.state in ("approved", "applied")).task_ids
        findings = []
        Line = self.env["account.analytic.line"].sudo()
        pending_tasks = pending.task_ids - covered_tasks
        if pending_tasks:
            rows = Line._read_group(
                [
                    ("task_id", "in", pending_tasks.ids),
                    ("project_id", "!=", False),
                    ("date", "<=", evaluation.last_end),
                    "|",
                    ("timesheet_invoice_id", "=", False),
                    ("timesheet_invoice_id.state", "=", "cancel"),
                ],
                ["task_id", "date:day"],
                ["unit_amount:sum"],
            )
            hours_by_task = defaultdict(list)
            for task, day, hours in rows:
                hours_by_task[task.id].append((day, hours))
            text = _(
                "%(hours).2f hours were logged on %(task)s for %(change)s, which the client has not approved "
                "(%(state)s): %(amount)s is at risk until it is."
            )
            states = dict(Change._fields["state"]._description_selection(self.env))
            by_order = pending.grouped("sale_order_id")
            for record in records:
                for change in by_order.get(record.sale_order_id, ()):
                    for task in change.task_ids - covered_tasks:
                        hours = sum(h for day, h in hours_by_task.get(task.id, ()) if evaluation.takes(record, day))
                        if float_is_zero(hours, precision_digits=2):
                            continue
                        amount = hours * change._ps_get_hourly_rate(task)
                        message = text % {
                            "hours": hours,
                            "task": task.name,
                            "change": change.name,
                            "state": states[change.state],
                            "amount": evaluation.format_amount(amount, record.currency_id),
                        }
                        # Time on a line billed on timesheets is in the deliverable already (billed unless
                        # held back): the findings about the whole engagement then carry only the rest.
                        findings.append(
                            evaluation.finding(
                                record,
                                message,
                                amount,
                                change,
                                within_deliverable=task.sale_line_id in evaluation.timesheet_lines,
                            )
                        )
        findings += self._ps_fixed_fee_overrun_findings(evaluation, changes, pending_tasks)
        return findings

    @api.model
    def _ps_fixed_fee_overrun_findings(self, evaluation, changes, pending_tasks):
        """Return a finding per fixed-fee line sold in hours whose logged time exceeds what was sold (or
        what an approved change order raised it to), in the earliest open period of its engagement."""
        records = evaluation.targets.filtered(lambda r: evaluation.lower_bound(r) is None)
        time_category = self.env.ref("uom.uom_categ_wtime")
        lines = records.sale_order_id.filtered(lambda o: not o.ps_is_retainer).order_line.filtered(
            lambda line: not line.display_type
            and line.is_service
            and line.product_id.invoice_policy == "order"
            and line.product_uom.category_id == time_category
        )
        if not lines:
            return []
        rows = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [
                    ("so_line", "in", lines.ids),
                    ("project_id", "!=", False),
                    ("date", "<=", evaluation.last_end),
                    ("task_id", "not in", pending_tasks.ids),
                ],
                ["so_line", "product_uom_id"],
                ["unit_amount:sum"],
            )
        )
        logged = defaultdict(float)
        for line, uom, hours in rows:
            if uom and uom != line.product_uom and uom.category_id == line.product_uom.category_id:
                hours = uom._compute_quantity(hours, line.product_uom, rounding_method="HALF-UP")
            logged[line.id] += hours
        raised = defaultdict(float)
        for change_line in changes.filtered(lambda c: c.state == "approved").line_ids:
            if change_line.change_type == "change_quantity" and change_line.sale_line_id:
                raised[change_line.sale_line_id.id] = max(raised[change_line.sale_line_id.id], change_line.quantity)
        text = _(
            "%(logged).2f %(uom)s were logged on the fixed fee %(line)s, sold for %(sold).2f: %(excess).2f beyond "
            "it (%(amount)s) are at risk until a change order covers them."
        )
        by_order = lines.grouped("order_id")
        findings = []
        for record in records:
            for line in by_order.get(record.sale_order_id, ()):
                sold = max(line.product_uom_qty, raised.get(line.id, 0.0))
                excess = logged.get(line.id, 0.0) - sold
                if float_compare(excess, 0.0, precision_digits=2) <= 0:
                    continue
                amount = excess * line.price_unit * (1.0 - (line.discount or 0.0) / 100.0)
                message = text % {
                    "logged": logged[line.id],
                    "uom": line.product_uom.name,
                    "line": line.name,
                    "sold": sold,
                    "excess": excess,
                    "amount": evaluation.format_amount(amount, record.currency_id),
                }
                findings.append(evaluation.finding(record, message, amount, line))
        return findings
