"""A tiny synthetic firm and one run of every benchmark measurement, rolled back with the test.

The real sizes (S, M) are too slow for the test command: bin/generate-firm and
bin/benchmark run them (README, "Performance"). This smoke run keeps both
working against the current code of the four addons.
"""

import sys
from pathlib import Path

from odoo.tests import TransactionCase, tagged

TOOLS = Path(__file__).resolve().parents[1] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

from bc_bench import benchmark, generator  # noqa: E402

BILLING_MODELS = {"time_materials", "fixed_fee", "milestone", "retainer"}


@tagged("post_install", "-at_install")
class TestBenchmarkSmoke(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.messages = []
        cls.firm = generator.generate(cls.env, size="tiny", seed=42, log=cls.messages.append)
        cls.orders = cls.firm.orders

    def test_tiny_firm_has_every_part_of_a_firm(self):
        self.assertEqual(set(self.orders.mapped("ps_billing_model")), BILLING_MODELS)
        self.assertEqual(set(self.orders.mapped("state")), {"sale"})
        self.assertTrue(all(engagement["project"] for engagement in self.firm.engagements))
        consultants = self.env["hr.employee"].browse([employee.id for employee in self.firm.consultants])
        self.assertEqual(len(consultants), generator.SIZES["tiny"]["consultants"])
        self.assertTrue(all(consultants.mapped("ps_timesheet_required")))
        self.assertTrue(self.env["resource.calendar.leaves"].search_count([("name", "=", "Bench public holiday")]))
        lines = self.env["account.analytic.line"].search([("employee_id", "in", consultants.ids)])
        self.assertEqual(set(lines.mapped("ps_state")), {"draft", "submitted", "approved", "rejected"})
        self.assertGreater(len(lines), 100)
        milestones = self.env["project.milestone"].search([("sale_line_id.order_id", "in", self.orders.ids)])
        self.assertTrue(milestones)
        expenses = self.env["hr.expense"].search([("employee_id", "in", consultants.ids)])
        self.assertTrue(expenses)
        self.assertEqual(self.env["ps.approval.rule"].search_count([]), generator.SIZES["tiny"]["rules"])

    def test_inserted_timesheets_deliver_their_approved_hours(self):
        """Lines inserted with SQL count in the sales lines' delivered quantity as if the ORM had created them."""
        sale_lines = self.orders.order_line.filtered(lambda line: line.qty_delivered_method == "timesheet")
        self.assertTrue(sale_lines)
        Line = self.env["account.analytic.line"]
        for sale_line in sale_lines:
            approved = sum(
                Line.search([("so_line", "=", sale_line.id), ("ps_state", "=", "approved")]).mapped("unit_amount")
            )
            self.assertAlmostEqual(sale_line.qty_delivered, approved, places=2)
        costed = Line.search([("so_line", "in", sale_lines.ids)])
        self.assertTrue(all(line.amount < 0 for line in costed), "every hour carries its employee's cost")

    def test_generator_reports_each_phase(self):
        phases = [name for name, _seconds in self.firm.timings]
        self.assertIn("timesheets", phases)
        self.assertEqual(phases[-1], "total")
        self.assertTrue(any(message.startswith("total") for message in self.messages))

    def test_benchmark_table_has_every_row_with_sane_numbers(self):
        result = benchmark.run(self.env, runs=1)
        names = [name for name, _value, _target, _met in result.rows()]
        for prefix in (
            "Readiness: SQL floor",
            "Readiness: read side",
            "Readiness: whole evaluation",
            "Readiness: evaluation again",
            "Readiness: queries per batch",
            "Drafting: readiness engine",
            "Drafting: Odoo's invoicing wizard",
            "Drafting: engine / Odoo",
            "Compliance scan",
            "Approval matching per draft",
            "Approval routing per draft",
            "Peak memory",
        ):
            self.assertTrue(any(name.startswith(prefix) for name in names), f"no row {prefix!r} in {names}")
        for key in ("evaluate_s", "reevaluate_s", "read_ms", "floor_ms", "ours_ms", "odoo_ms", "scan_s", "route_ms"):
            self.assertGreater(result.median(key), 0, key)
        for key in (
            "evaluate_queries",
            "reevaluate_queries",
            "read_queries",
            "ours_queries",
            "odoo_queries",
            "scan_queries",
            "route_queries",
        ):
            self.assertGreater(result.median(key), 0, key)
        self.assertGreater(benchmark.peak_memory_mb(), 0)
        self.assertIn("| measurement | median |", result.markdown())
        # Every measurement was rolled back: the firm is as generated.
        self.assertFalse(self.env["ps.billing.readiness"].search_count([("sale_order_id", "in", self.orders.ids)]))
