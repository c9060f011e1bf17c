"""A tiny synthetic firm and one run of every benchmark measurement, rolled back with the test.

The real sizes (S, M) are too slow for the test command: bin/generate-firm and
bin/benchmark run them (README, "Performance"). This smoke run keeps both
working against the current code of the four addons.
"""

import sys
from ast import literal_eval
from pathlib import Path

from odoo.tests import TransactionCase, tagged

TOOLS = Path(__file__).resolve().parents[1] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

from bc_bench import benchmark, generator, routing  # noqa: E402

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
        events_before = self.env["ps.billing.event"].search_count([])
        result = benchmark.run(self.env, runs=1)
        names = [row[0] for row in result.rows()]
        for prefix in (
            "Readiness: read side",
            "Readiness: first evaluation",
            "Readiness: daily re-evaluation",
            "Readiness: queries per batch, first evaluation",
            "Readiness: queries per batch, daily re-evaluation",
            "Approval matching per draft",
            "Approval routing per draft",
            "Approval routing: queries per batch",
            "Month-end",
            "Compliance scan",
            "Business events in the first evaluation",
            "Peak memory",
        ):
            self.assertTrue(any(name.startswith(prefix) for name in names), f"no row {prefix!r} in {names}")
        for key in ("evaluate_s", "daily_s", "read_ms", "scan_s", "monthend_jobs_s", "monthend_direct_s"):
            self.assertGreater(result.median(key), 0, key)
        for size in routing.BATCH_SIZES:
            for key in (f"match_ms_{size}", f"route_ms_{size}", f"route_queries_{size}", f"match_queries_{size}"):
                self.assertGreater(result.median(key), 0, key)
        for key in ("evaluate_queries", "daily_queries", "read_queries", "scan_queries", "monthend_jobs_queries"):
            self.assertGreater(result.median(key), 0, key)
        # The floor is the minimum of several warm runs, with EXPLAIN ANALYZE's execution time beside it.
        self.assertGreaterEqual(len(result.samples["floor_ms"].values), benchmark.FLOOR_RUNS)
        self.assertGreater(result.samples["floor_explain_ms"].min, 0)
        # The month-end through jobs stored and performed jobs, and did what the direct run did.
        self.assertGreater(result.median("monthend_job_count"), 1)
        self.assertNotIn("DIFFERENT", result.notes["month-end outcome"])
        # The events row compares the same evaluation with and without events; with, it wrote them.
        self.assertGreater(result.median("events_written"), 0)
        self.assertEqual(result.median("events_deliveries"), result.median("events_written"), "one endpoint")
        self.assertGreaterEqual(result.median("events_jobs"), 1, "the first attempts are enqueued, in batches")
        self.assertLessEqual(result.median("events_jobs"), result.median("events_deliveries"))
        self.assertGreater(result.median("events_on_s"), 0)
        self.assertGreater(result.median("events_off_s"), 0)
        self.assertEqual(self.env["ps.billing.event"].search_count([]), events_before, "rolled back")
        self.assertGreater(benchmark.peak_memory_mb(), 0)
        table = result.markdown()
        self.assertIn("| measurement | ours: median (min–max) |", table)
        # Each row has its six cells: no cell text breaks the table.
        rows = [line for line in table.splitlines() if line.startswith("| ")]
        self.assertTrue(all(line.count(" | ") == 5 for line in rows), rows)
        # Every measurement was rolled back: the firm is as generated.
        self.assertFalse(self.env["ps.billing.readiness"].search_count([("sale_order_id", "in", self.orders.ids)]))
        self.assertFalse(self.env["queue.job"].search_count([("channel", "=", "root.billing")]))

    def test_tier_definitions_match_the_drafts_our_rules_match(self):
        """OCA's tier definitions made from the rules catch the same drafts as the rules (routing compared fairly)."""
        drafts = routing.create_drafts(self.env, 60)
        matches = drafts._get_ps_matching_rules()
        rules = self.env["ps.approval.rule"].search([])
        pairs, caught = 0, 0
        for rule in rules:
            ours = {move_id for move_id, found in matches.items() if rule in [r for r, _checks in found]}
            theirs = set(drafts.filtered_domain(routing.rule_domain(rule)).ids)
            self.assertEqual(theirs, ours, f"{rule.name}: {routing.rule_domain(rule)}")
            pairs += len(drafts)
            caught += len(ours)
        self.assertTrue(0 < caught < pairs, "the drafts are caught by some rules, not all")
        vals_list = routing.tier_definition_vals(self.env, rules)
        self.assertEqual(len(vals_list), len(rules))
        for vals, rule in zip(vals_list, rules, strict=True):
            self.assertEqual(literal_eval(vals["definition_domain"]), routing.rule_domain(rule))
            self.assertEqual(vals["sequence"], rule.level)
