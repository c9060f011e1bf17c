"""Measure the Billing Control suite on a generated firm, against its targets.

Every measurement runs inside a savepoint that is rolled back, so runs are
repeatable on the same database and the tests can run them in their
transaction. Time is ``time.perf_counter``, queries are deltas of
``cr.sql_log_count``, memory is the process's peak resident set.
"""

import platform
import resource
import statistics
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager
from datetime import date

from odoo import Command, fields

from .generator import ANCHOR_PARAM, SIZE_PARAM

# Targets at size M (README, "Performance").
READ_SIDE_FLOOR_RATIO = 10.0
EVALUATION_SECONDS = 3.0
DRAFTING_RATIO = 1.2
ROUTING_MS_PER_DRAFT = 2.0
ROUTING_BATCH = 100
COMPLIANCE_SECONDS = 5.0
MEMORY_MB = 1024.0

FLOOR_QUERY = """
    SELECT l.so_line, l.ps_state, SUM(l.unit_amount),
           SUM(l.unit_amount * sol.price_unit * (1.0 - COALESCE(sol.discount, 0.0) / 100.0))
      FROM account_analytic_line l
      JOIN sale_order_line sol ON sol.id = l.so_line
     WHERE sol.order_id = ANY(%s)
       AND l.project_id IS NOT NULL
       AND l.date <= %s
       AND l.timesheet_invoice_id IS NULL
  GROUP BY l.so_line, l.ps_state
"""


def machine():
    """Return a one-line description of this machine: CPU model, cores, RAM."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            model = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        with open("/proc/meminfo") as handle:
            kib = int(next(line.split()[1] for line in handle if line.startswith("MemTotal")))
        ram = f"{kib / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        ram = "unknown RAM"
    import os

    return f"{model}, {os.cpu_count()} cores, {ram}"


def peak_memory_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Measure:
    """Time and queries of one block: ``with Measure(env) as m: ...`` then ``m.seconds``, ``m.queries``."""

    def __init__(self, env):
        self.env = env
        self.seconds = 0.0
        self.queries = 0

    def __enter__(self):
        self.env.flush_all()
        self.env.invalidate_all()
        self._queries = self.env.cr.sql_log_count
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.env.flush_all()
        self.seconds = time.perf_counter() - self._started
        self.queries = self.env.cr.sql_log_count - self._queries
        return False


@contextmanager
def rolled_back(env):
    """Run the block in a savepoint rolled back afterwards, with a clean cache."""
    env.flush_all()
    name = f"bc_bench_{uuid.uuid4().hex[:12]}"
    env.cr.execute(f'SAVEPOINT "{name}"')
    try:
        yield
    finally:
        # Pending writes go to the savepoint before it is rolled back, so the cache holds nothing stale.
        try:
            env.flush_all()
        finally:
            env.cr.execute(f'ROLLBACK TO SAVEPOINT "{name}"')
            env.cr.execute(f'RELEASE SAVEPOINT "{name}"')
            env.invalidate_all(flush=False)
            env.cr.precommit.clear()
            env.cr.postcommit.clear()


class Result:
    """The medians of the runs as rows of a markdown table."""

    def __init__(self, env, runs):
        self.env = env
        self.runs = runs
        self.samples = defaultdict(list)
        self.notes = {}
        self.context = {}

    def add(self, key, value):
        self.samples[key].append(value)

    def median(self, key, default=None):
        values = self.samples.get(key)
        return statistics.median(values) if values else default

    def rows(self):
        """Return (measurement, median, target, met) rows; met is True, False or None (no target)."""
        m = self.median
        rows = []
        if "floor_ms" in self.samples:
            ratio = m("read_ms") / max(m("floor_ms"), 0.001)
            rows += [
                ("Readiness: SQL floor (one aggregate, same rows)", f"{m('floor_ms'):.1f} ms", "reference", None),
                (
                    "Readiness: read side (deliverable + every check)",
                    f"{m('read_ms'):.0f} ms, {m('read_queries'):.0f} queries, {ratio:.1f}× floor",
                    f"≤ {READ_SIDE_FLOOR_RATIO:.0f}× floor",
                    ratio <= READ_SIDE_FLOOR_RATIO,
                ),
                (
                    f"Readiness: whole evaluation ({self.context['orders']} engagements, "
                    f"{self.context['readiness']} periods, first time: records, findings, notes, activities)",
                    f"{m('evaluate_s'):.2f} s, {m('evaluate_queries'):.0f} queries",
                    f"< {EVALUATION_SECONDS:.0f} s",
                    m("evaluate_s") < EVALUATION_SECONDS,
                ),
                (
                    "Readiness: evaluation again, same day (records exist, nothing newly blocked)",
                    f"{m('reevaluate_s'):.2f} s, {m('reevaluate_queries'):.0f} queries",
                    "",
                    None,
                ),
                (
                    "Readiness: queries per batch (%s)" % " / ".join(f"{n} orders" for n in self.context["batches"]),
                    " / ".join(f"{m(f'batch_queries_{n}'):.0f}" for n in self.context["batches"]),
                    "constant",
                    len({m(f"batch_queries_{n}") for n in self.context["batches"]}) == 1,
                ),
            ]
        if "ours_ms" in self.samples:
            count = self.context["drafted"]
            ratio = m("ours_ms") / max(m("odoo_ms"), 0.001)
            rows += [
                (
                    f"Drafting: readiness engine ({count} ready engagements)",
                    f"{m('ours_ms'):.0f} ms, {m('ours_ms') / max(count, 1):.0f} ms and "
                    f"{m('ours_queries') / max(count, 1):.0f} queries per order",
                    "",
                    None,
                ),
                (
                    "Drafting: Odoo's invoicing wizard, same orders",
                    f"{m('odoo_ms'):.0f} ms, {m('odoo_ms') / max(count, 1):.0f} ms and "
                    f"{m('odoo_queries') / max(count, 1):.0f} queries per order",
                    "",
                    None,
                ),
                ("Drafting: engine / Odoo", f"{ratio:.2f}×", f"≤ {DRAFTING_RATIO}×", ratio <= DRAFTING_RATIO),
            ]
        if "scan_s" in self.samples:
            rows += [
                (
                    f"Compliance scan ({self.context['employees']} employees, first scan of the periods)",
                    f"{m('scan_s'):.2f} s, {m('scan_queries'):.0f} queries",
                    f"< {COMPLIANCE_SECONDS:.0f} s",
                    m("scan_s") < COMPLIANCE_SECONDS,
                ),
                (
                    "Compliance rescan (records exist)",
                    f"{m('rescan_s'):.2f} s, {m('rescan_queries'):.0f} queries",
                    "",
                    None,
                ),
            ]
        if "route_ms" in self.samples:
            batch = self.context["routing_batch"]
            queries = sorted(set(self.samples["route_queries"]))
            match_queries = sorted(set(self.samples["match_queries"]))
            rows += [
                (
                    f"Approval matching per draft ({self.context['rules']} rules, batches of {batch})",
                    f"{m('match_ms'):.2f} ms, {'–'.join(map(str, match_queries))} queries per batch",
                    "",
                    None,
                ),
                (
                    f"Approval routing per draft ({self.context['rules']} rules, batches of {batch})",
                    f"{m('route_ms'):.2f} ms, {'–'.join(map(str, queries))} queries per batch",
                    f"≤ {ROUTING_MS_PER_DRAFT:.0f} ms, constant queries",
                    m("route_ms") <= ROUTING_MS_PER_DRAFT and len(queries) == 1,
                ),
            ]
        memory = peak_memory_mb()
        rows.append(("Peak memory of the process", f"{memory:.0f} MB", f"< {MEMORY_MB:.0f} MB", memory < MEMORY_MB))
        return rows

    def markdown(self):
        ctx = self.context
        lines = [
            f"Size {ctx.get('size', '?')}: {ctx.get('orders', '?')} engagements, {ctx.get('employees', '?')} "
            f"employees, {ctx.get('lines', '?')} timesheet lines, {ctx.get('rules', '?')} approval rules; "
            f"median of {self.runs} run(s), {fields.Date.to_string(date.today())}, {machine()}.",
            "",
            "| measurement | median | target (size M) | met |",
            "| --- | --- | --- | --- |",
        ]
        for name, value, target, met in self.rows():
            lines.append(f"| {name} | {value} | {target} | {'' if met is None else ('yes' if met else 'NO')} |")
        if self.notes:
            lines.append("")
            lines += [f"- {key}: {value}" for key, value in self.notes.items()]
        return "\n".join(lines)


class Benchmark:
    def __init__(self, env, runs=5, log=None, profile=None):
        self.env = env
        self.runs = runs
        self.log = log or (lambda message: None)
        self.profile = profile
        self.result = Result(env, runs)
        params = env["ir.config_parameter"].sudo()
        anchor = params.get_param(ANCHOR_PARAM)
        self.day = fields.Date.to_date(anchor) if anchor else fields.Date.context_today(env["res.users"])
        self.orders = env["sale.order"].search([("state", "=", "sale"), ("ps_has_services", "=", True)], order="id")
        self.employees = env["hr.employee"].search(env["ps.timesheet.compliance"]._get_scan_employee_domain())
        ctx = self.result.context
        ctx.update(
            size=params.get_param(SIZE_PARAM) or "?",
            orders=len(self.orders),
            employees=len(self.employees),
            lines=env["account.analytic.line"].search_count([("project_id", "!=", False)]),
            rules=env["ps.approval.rule"].search_count([]),
        )

    @contextmanager
    def _profiled(self, name):
        if self.profile and self.profile.startswith(name + "="):
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
            try:
                yield
            finally:
                profiler.stop()
                path = self.profile.split("=", 1)[1]
                with open(path, "w") as handle:
                    # HTML to browse, text (.txt) to paste into a report.
                    if path.endswith(".txt"):
                        handle.write(profiler.output_text(unicode=True, color=False, show_all=False))
                    else:
                        handle.write(profiler.output_html())
                self.log(f"profile of {name} written to {path}")
                self.profile = None
        else:
            yield

    # ------------------------------------------------------------
    # Readiness
    # ------------------------------------------------------------

    def _read_side(self, records):
        """Every aggregate the checks need, as ``_evaluate`` runs them, without writing; return per-check seconds."""
        timings = {}
        records._ps_run_checks(self.day, timings)
        return timings

    def _floor(self, records):
        self.env.cr.execute(FLOOR_QUERY, (records.sale_order_id.ids, max(records.mapped("period_end"))))
        return self.env.cr.fetchall()

    def measure_readiness(self):
        env, result = self.env, self.result
        Readiness = env["ps.billing.readiness"]
        with rolled_back(env):
            with self._profiled("evaluate"), Measure(env) as whole:
                records = Readiness._evaluate_orders(self.orders, self.day)
            result.add("evaluate_s", whole.seconds)
            result.add("evaluate_queries", whole.queries)
            result.context["readiness"] = len(records)
            states = defaultdict(int)
            for record in records:
                states[record.state] += 1
            result.notes["readiness states"] = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
            # The daily run after the first: the records exist and nothing is newly blocked.
            with Measure(env) as again:
                Readiness._evaluate_orders(self.orders, self.day)
            result.add("reevaluate_s", again.seconds)
            result.add("reevaluate_queries", again.queries)
            with self._profiled("read"), Measure(env) as read:
                per_check = self._read_side(records)
            result.add("read_ms", read.seconds * 1000)
            result.add("read_queries", read.queries)
            for code, seconds in per_check.items():
                result.add(f"check_{code}", seconds * 1000)
            with Measure(env) as floor:
                self._floor(records)
            result.add("floor_ms", floor.seconds * 1000)
        sizes = sorted({max(1, min(50, len(self.orders) // 4)), min(200, len(self.orders))})
        result.context["batches"] = sizes
        for size in sizes:
            with rolled_back(env):
                with Measure(env) as batch:
                    Readiness._evaluate_orders(self.orders[:size], self.day)
                result.add(f"batch_queries_{size}", batch.queries)
        result.notes["read side by check (ms)"] = ", ".join(
            f"{key[6:]} {result.median(key):.0f}" for key in result.samples if key.startswith("check_")
        )

    # ------------------------------------------------------------
    # Drafting
    # ------------------------------------------------------------

    def _ready_records(self):
        Readiness = self.env["ps.billing.readiness"]
        Readiness._evaluate_orders(self.orders, self.day)
        domain = [("sale_order_id", "in", self.orders.ids), ("state", "=", "ready"), ("invoice_id", "=", False)]
        due = Readiness.search(domain + [("cutoff_date", "<", self.day)])
        ready = due or Readiness.search(domain)
        # As the billing run: a period that an earlier blocked one of its engagement holds back waits.
        return ready - ready._get_held_by_earlier()

    def _draft_with_engine(self, ready):
        return ready._create_invoice_drafts()

    def _draft_with_wizard(self, ready):
        env = self.env
        moves = env["account.move"]
        # One draft per engagement up to its latest ready period, as the engine drafts.
        by_end = defaultdict(lambda: env["sale.order"])
        for order, period_end in ready._get_last_period_end_by_order().items():
            by_end[period_end] |= order
        for period_end, orders in by_end.items():
            wizard = (
                env["sale.advance.payment.inv"]
                .with_context(active_model="sale.order", active_ids=orders.ids)
                .create(
                    {
                        "advance_payment_method": "delivered",
                        "consolidated_billing": False,
                        "date_end_invoice_timesheet": period_end,
                    }
                )
            )
            before = set(orders.invoice_ids.ids)
            wizard.create_invoices()
            moves |= orders.invoice_ids.filtered(lambda move, b=before: move.id not in b)
        return moves

    def measure_drafting(self, run):
        env, result = self.env, self.result
        with rolled_back(env):
            ready = self._ready_records()
            result.context["drafted"] = len(ready)
            if not ready:
                result.notes["drafting"] = "no ready engagement: nothing to draft"
                return
            sides = [("ours", self._draft_with_engine), ("odoo", self._draft_with_wizard)]
            # Alternate which side runs first so that neither always gets the warm caches.
            for key, func in sides if run % 2 == 0 else reversed(sides):
                with rolled_back(env):
                    with self._profiled(f"draft_{key}"), Measure(env) as drafting:
                        moves = func(ready)
                    result.add(f"{key}_ms", drafting.seconds * 1000)
                    result.add(f"{key}_queries", drafting.queries)
                    result.notes[f"drafts ({key})"] = (
                        f"{len(moves)} invoices, {sum(len(move.invoice_line_ids) for move in moves)} lines"
                    )

    # ------------------------------------------------------------
    # Compliance
    # ------------------------------------------------------------

    def measure_compliance(self):
        env, result = self.env, self.result
        Compliance = env["ps.timesheet.compliance"]
        with rolled_back(env):
            with self._profiled("scan"), Measure(env) as scan:
                Compliance._scan_employees(self.employees, self.day)
            with Measure(env) as rescan:
                records = Compliance._scan_employees(self.employees, self.day)
            result.add("scan_s", scan.seconds)
            result.add("scan_queries", scan.queries)
            result.add("rescan_s", rescan.seconds)
            result.add("rescan_queries", rescan.queries)
            states = defaultdict(int)
            for record in records:
                states[record.state] += 1
            result.notes["compliance states"] = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))

    # ------------------------------------------------------------
    # Approval routing
    # ------------------------------------------------------------

    def _create_drafts(self, count):
        """Create ``count`` customer drafts billing engagement lines, as the routing's input."""
        env = self.env
        lines = self.orders.order_line.filtered(lambda line: line.product_id and not line.display_type)
        vals_list = []
        for index in range(count):
            line = lines[index % len(lines)]
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": line.order_id.partner_invoice_id.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": line.product_id.id,
                                "quantity": 1.0 + index % 40,
                                "price_unit": line.price_unit,
                                "discount": 10.0 if index % 9 == 0 else 0.0,
                                "sale_line_ids": [Command.set(line.ids)],
                            }
                        )
                    ],
                }
            )
        return env["account.move"].create(vals_list)

    def measure_routing(self):
        env, result = self.env, self.result
        count = ROUTING_BATCH * max(1, min(10, len(self.orders) // 100)) if len(self.orders) >= 100 else 20
        batch_size = min(ROUTING_BATCH, count)
        result.context["routing_batch"] = batch_size
        with rolled_back(env):
            drafts = self._create_drafts(count)
            for _run in range(self.runs):
                for start in range(0, count, batch_size):
                    batch = drafts[start : start + batch_size]
                    with rolled_back(env):
                        with Measure(env) as matching:
                            batch._get_ps_matching_rules()
                        with self._profiled("route"), Measure(env) as routing:
                            batch._ps_route_approval()
                    result.add("match_ms", matching.seconds * 1000 / len(batch))
                    result.add("match_queries", matching.queries)
                    result.add("route_ms", routing.seconds * 1000 / len(batch))
                    result.add("route_queries", routing.queries)

    # ------------------------------------------------------------
    # Driver
    # ------------------------------------------------------------

    def run(self, only=None):
        wanted = only or {"readiness", "drafting", "compliance", "routing"}
        for run in range(self.runs):
            started = time.perf_counter()
            if "readiness" in wanted:
                self.measure_readiness()
            if "drafting" in wanted:
                self.measure_drafting(run)
            if "compliance" in wanted:
                self.measure_compliance()
            self.log(f"run {run + 1}/{self.runs} done in {time.perf_counter() - started:.1f} s")
        if "routing" in wanted:
            started = time.perf_counter()
            self.measure_routing()
            self.log(f"routing runs done in {time.perf_counter() - started:.1f} s")
        return self.result


def run(env, runs=5, log=None, only=None, profile=None):
    """Run the benchmark on the firm in ``env`` (rolled back) and return its ``Result``."""
    return Benchmark(env, runs=runs, log=log, profile=profile).run(only=only)
