"""The generated firm: expenses, subcontractor bills and the approval matrix."""

from collections import defaultdict
from datetime import timedelta

from odoo import Command

from .generator_spec import EXPENSE_STEPS


class FirmCosts:
    """Methods of ``generator.Firm``."""

    # ------------------------------------------------------------
    # Expenses and vendor bills
    # ------------------------------------------------------------

    def _create_expenses(self):
        env, rng = self.env, self.rng
        staffing = defaultdict(list)
        for employee in self.consultants:
            staffing[employee.id] = employee
        vals_list, steps = [], []
        for engagement in self.engagements:
            for _number in range(rng.choice((0, 1, 1, 2, 3))):
                employee = rng.choice(self.consultants)
                day = self.anchor - timedelta(days=rng.randint(1, max(2, min(self.history_days, 60))))
                mileage = rng.random() < 0.3
                product = self.products["mileage" if mileage else "travel"]
                vals = {
                    "name": "Client visit" if mileage else "Flights and taxi, client workshop",
                    "employee_id": employee.id,
                    "product_id": product.id,
                    "date": day,
                    "quantity" if mileage else "total_amount_currency": rng.randint(40, 400)
                    if mileage
                    else float(rng.randrange(80, 900)),
                }
                if rng.random() < 0.9:
                    vals["sale_order_id"] = engagement["order"].id
                else:
                    vals["analytic_distribution"] = {str(engagement["project"].analytic_account_id.id): 100}
                vals_list.append(vals)
                steps.append(
                    rng.choice(EXPENSE_STEPS[1:] + ("posted", "posted"))
                    if day < self.anchor - timedelta(days=14)
                    else rng.choice(EXPENSE_STEPS)
                )
        expenses = env["hr.expense"].create(vals_list)
        reports = defaultdict(lambda: env["hr.expense"])
        for expense, step in zip(expenses, steps, strict=True):
            if step != "draft":
                reports[expense.employee_id.id, step] |= expense
        keys = list(reports)
        sheets = env["hr.expense.sheet"].create(
            [
                {
                    "name": f"Client expenses ({step})",
                    "employee_id": employee_id,
                    "expense_line_ids": [Command.set(reports[employee_id, step].ids)],
                }
                for employee_id, step in keys
            ]
        )
        step_of = {sheet.id: EXPENSE_STEPS.index(step) for sheet, (_e, step) in zip(sheets, keys, strict=True)}
        sheets.filtered(lambda s: step_of[s.id] >= 2).action_submit_sheet()
        sheets.filtered(lambda s: step_of[s.id] >= 3).action_approve_expense_sheets()
        sheets.filtered(lambda s: step_of[s.id] >= 4).action_sheet_move_create()
        self.counts["expenses"] = len(expenses)

    def _create_vendor_bills(self):
        env, rng = self.env, self.rng
        vals_list = []
        for engagement in self.engagements:
            if rng.random() >= 0.25:
                continue
            day = self.anchor - timedelta(days=rng.randint(1, max(2, self.history_days)))
            vals_list.append(
                {
                    "move_type": "in_invoice",
                    "partner_id": rng.choice(self.vendors).id,
                    "invoice_date": day,
                    "ref": f"SUB-{engagement['index']:05d}",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.products["subcontracting"].id,
                                "quantity": rng.randint(10, 120),
                                "price_unit": 90.0,
                                "analytic_distribution": {str(engagement["project"].analytic_account_id.id): 100},
                            }
                        )
                    ],
                }
            )
        bills = env["account.move"].create(vals_list)
        posted = bills.filtered(lambda bill: rng.random() < 0.6)
        posted.action_post()
        self.counts["vendor bills"] = len(bills)

    # ------------------------------------------------------------
    # Approval matrix
    # ------------------------------------------------------------

    def _create_rules(self):
        env = self.env
        flags = env["ps.exception.flag"].search([])
        models = env["ps.billing.model"].search([])
        controllers = env.ref("ps_billing_readiness.group_finance_controller")
        vals_list = [
            {
                "name": "Large invoices",
                "level": 2,
                "amount_min": 50_000.0,
                "approver_type": "group",
                "group_id": controllers.id,
            },
            {"name": "Low margin", "level": 1, "margin_below": 15.0, "approver_type": "project_manager"},
            {
                "name": "Exceptions",
                "level": 1,
                "exception_flag_ids": [Command.set(flags.ids)],
                "approver_type": "salesperson",
            },
        ]
        for index in range(len(vals_list), self.spec["rules"]):
            client = self.clients[index % len(self.clients)]
            vals_list.append(
                {
                    "name": f"Bench rule {index:03d}",
                    "level": 1 + index % 3,
                    "amount_min": 1_000.0 * (index % 50),
                    "amount_max": 1_000.0 * (index % 50) + 200_000.0 if index % 2 else 0.0,
                    "margin_below": 10.0 if index % 4 == 0 else 0.0,
                    "partner_ids": [Command.set([client.id])] if index % 5 != 1 else [],
                    "partner_category_ids": [Command.set(self.tags[index % 3].ids)] if index % 5 == 1 else [],
                    "billing_model_ids": [Command.set(models[index % len(models)].ids)] if index % 7 == 0 else [],
                    "exception_flag_ids": [Command.set(flags[index % len(flags)].ids)] if index % 3 == 0 else [],
                    "approver_type": ("users", "group", "project_manager", "salesperson")[index % 4],
                    "user_ids": [Command.set(self.controllers[:1].ids)],
                    "group_id": controllers.id,
                }
            )
        env["ps.approval.rule"].search([]).write({"active": False})
        env["ps.approval.rule"].create(vals_list)
        self.counts["approval rules"] = len(vals_list)
