"""Fill a database with a synthetic professional-services firm, deterministic from a seed.

The firm has practice leads (users, project managers), finance controllers,
consultants (employees with calendars and leaves, a few with users), clients
with tiers, engagements of every billing model with their projects, tasks and
milestones, timesheets in every approval state, expenses at every step of
their flow, subcontractor bills and a 200-rule approval matrix.

People, partners and engagements go through the ORM in batches; timesheet
lines are inserted with SQL from one ORM-created line per task (so every
column the ORM sets is right), then the stored fields depending on them are
recomputed by the ORM.
"""

import itertools
import logging
import random
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from psycopg2.extras import execute_values

from odoo import Command, fields

from .generator_costs import FirmCosts
from .generator_setup import FirmSetup
from .generator_spec import (  # noqa: F401 -- re-exported
    ANCHOR_PARAM,
    DAY_HOURS,
    MODEL_CYCLE,
    PREFIX,
    SECOND_HOURS,
    SIZE_PARAM,
    SIZES,
    WORK,
    _quiet,
)

_logger = logging.getLogger(__name__)


class Firm(FirmSetup, FirmCosts):
    """Generate one firm into ``env``; ``timings`` holds (phase, seconds) once ``generate`` ran."""

    def __init__(self, env, size="S", seed=42, anchor=None, log=None, spec=None):
        self.env = _quiet(env)
        self.size = size
        self.spec = dict(spec or SIZES[size])
        self.rng = random.Random(seed)
        self.anchor = anchor or fields.Date.context_today(env["res.users"])
        self.log = log or _logger.info
        self.timings = []
        self.company = self.env.company
        self.counts = {}

    # ------------------------------------------------------------
    # Driver
    # ------------------------------------------------------------

    @contextmanager
    def _phase(self, name):
        started = time.perf_counter()
        yield
        self.env.flush_all()
        elapsed = time.perf_counter() - started
        self.timings.append((name, elapsed))
        self.log(f"{name:<28} {elapsed:8.1f} s")

    def generate(self):
        started = time.perf_counter()
        with self._phase("setup"):
            self._setup()
        with self._phase("people"):
            self._create_people()
        with self._phase("leaves"):
            self._create_leaves()
        with self._phase("clients"):
            self._create_clients()
        with self._phase("engagements"):
            self._create_engagements()
        with self._phase("confirm"):
            self._confirm_engagements()
        with self._phase("projects and milestones"):
            self._shape_projects()
        with self._phase("timesheets"):
            self._create_timesheets()
        with self._phase("timesheet recompute"):
            self._recompute_timesheet_dependents()
        with self._phase("expenses"):
            self._create_expenses()
        with self._phase("vendor bills"):
            self._create_vendor_bills()
        with self._phase("approval matrix"):
            self._create_rules()
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(ANCHOR_PARAM, fields.Date.to_string(self.anchor))
        params.set_param(SIZE_PARAM, self.size)
        self.env.flush_all()
        total = time.perf_counter() - started
        self.timings.append(("total", total))
        self.log(f"{'total':<28} {total:8.1f} s  ({self._summary()})")
        return self

    def _summary(self):
        return ", ".join(f"{value} {key}" for key, value in self.counts.items())

    def _engagement_lines(self, model):
        rng, products = self.rng, self.products
        if model == "time_materials":
            lines = [("tm", rng.randint(300, 900), rng.choice((140.0, 150.0, 150.0, 155.0)))]
            if rng.random() < 0.7:
                lines.insert(0, ("tm_senior", rng.randint(150, 500), rng.choice((195.0, 210.0, 210.0, 220.0))))
        elif model == "milestone":
            lines = [("milestones", 1, float(rng.randrange(30_000, 150_000, 1_000)))]
            if rng.random() < 0.3:
                lines.append(("tm", rng.randint(100, 300), 150.0))
        elif model == "fixed_fee":
            lines = [("fixed_fee", 1, float(rng.randrange(20_000, 60_000, 500)))]
        else:
            lines = [("retainer", rng.randint(6, 12), float(rng.randrange(5_000, 12_000, 250)))]
        return [
            Command.create({"product_id": products[key].id, "product_uom_qty": qty, "price_unit": price})
            for key, qty, price in lines
        ]

    def _create_engagements(self):
        rng, spec = self.rng, self.spec
        self.engagements = []
        vals_list = []
        for index in range(spec["engagements"]):
            model = MODEL_CYCLE[index % len(MODEL_CYCLE)]
            # Most engagements run through the whole history, one in five started within it.
            if rng.random() < 0.8:
                start = self.anchor - timedelta(days=self.history_days + rng.randint(5, 120))
            else:
                start = self.anchor - timedelta(days=rng.randint(14, max(15, self.history_days - 7)))
            po_required = rng.random() < 0.2
            engagement = {
                "index": index,
                "model": model,
                "start": start,
                "lead": self.leads[index % len(self.leads)],
                "terms_confirmed": rng.random() < 0.9,
            }
            self.engagements.append(engagement)
            vals_list.append(
                {
                    "partner_id": self.clients[index % len(self.clients)].id,
                    "user_id": self.controllers[index % len(self.controllers)].id,
                    "client_order_ref": f"BENCH-{index:05d}",
                    "ps_billing_model": model,
                    "ps_billing_cycle": "milestone"
                    if model == "milestone"
                    else ("weekly" if model == "time_materials" and rng.random() < 0.1 else "monthly"),
                    "ps_po_required": po_required,
                    "ps_client_po_ref": f"PO-{index:06d}" if po_required and rng.random() < 0.8 else False,
                    "ps_client_approval_required": rng.random() < 0.1,
                    "order_line": self._engagement_lines(model),
                }
            )
        orders = self.env["sale.order"].create(vals_list)
        for engagement, order in zip(self.engagements, orders, strict=True):
            engagement["order"] = order
        self.orders = orders
        self.counts["engagements"] = len(orders)

    def _confirm_engagements(self):
        for start in range(0, len(self.orders), 100):
            self.orders[start : start + 100].action_confirm()
        env = self.env
        # Confirmation stamps today; an engagement was won at its start.
        execute_values(
            env.cr,
            "UPDATE sale_order o SET date_order = v.day FROM (VALUES %s) AS v(id, day) WHERE o.id = v.id",
            [
                (e["order"].id, datetime.combine(e["start"], datetime.min.time()).replace(hour=9))
                for e in self.engagements
            ],
        )
        confirmed = [e["order"].id for e in self.engagements if e["terms_confirmed"] and self._terms_ok(e["order"])]
        env["sale.order"].browse(confirmed).write(
            {
                "ps_terms_confirmed": True,
                "ps_terms_confirmed_by_id": self.controllers[0].id,
                "ps_terms_confirmed_on": fields.Datetime.now(),
                "ps_readiness_dirty": True,
            }
        )
        env["sale.order"].invalidate_model(["date_order"])

    @staticmethod
    def _terms_ok(order):
        return not order.ps_po_required or order.ps_client_po_ref

    def _shape_projects(self):
        """Give projects their practice lead, milestone projects their phases, fixed fees their tasks."""
        env, rng = self.env, self.rng
        by_lead = defaultdict(list)
        milestone_projects = []
        for engagement in self.engagements:
            project = engagement["order"].order_line.project_id[:1] or engagement["order"].project_id
            engagement["project"] = project
            by_lead[engagement["lead"].user_id.id].append(project.id)
            if engagement["model"] == "milestone":
                milestone_projects.append(project.id)
        for user_id, project_ids in by_lead.items():
            env["project.project"].browse(project_ids).write({"user_id": user_id})
        env["project.project"].browse(milestone_projects).write({"allow_milestones": True})
        env["project.project"].browse(milestone_projects).milestone_ids.unlink()

        milestone_vals, task_vals = [], []
        reached = []
        for engagement in self.engagements:
            project = engagement["project"]
            if engagement["model"] == "milestone":
                line = engagement["order"].order_line.filtered(lambda sol: sol.qty_delivered_method == "milestones")
                shares = (0.2, 0.3, 0.3, 0.2) if rng.random() < 0.5 else (0.4, 0.6)
                span = (self.anchor - engagement["start"]).days + 60
                for number, share in enumerate(shares):
                    deadline = engagement["start"] + timedelta(days=int(span * (number + 1) / len(shares)))
                    is_reached = deadline < self.anchor
                    milestone_vals.append(
                        {
                            "name": f"Phase {number + 1}",
                            "project_id": project.id,
                            "sale_line_id": line.id,
                            "quantity_percentage": share,
                            "deadline": deadline,
                            "is_reached": is_reached,
                        }
                    )
                    reached.append(deadline if is_reached else None)
            elif engagement["model"] == "fixed_fee":
                task_vals += [
                    {"name": name, "project_id": project.id} for name in ("Planning and scoping", "Fieldwork", "Report")
                ]
        milestones = env["project.milestone"].create(milestone_vals)
        # Reached milestones were asked for acceptance by the automation rule; most clients answered.
        accepted, rejected = [], []
        for milestone, reached_date in zip(milestones, reached, strict=True):
            if not reached_date:
                continue
            draw = rng.random()
            if draw < 0.7:
                accepted.append((milestone.id, reached_date))
            elif draw < 0.78:
                rejected.append(milestone.id)
        execute_values(
            env.cr,
            "UPDATE project_milestone m SET reached_date = v.day FROM (VALUES %s) AS v(id, day) WHERE m.id = v.id",
            [(milestone.id, day) for milestone, day in zip(milestones, reached, strict=True) if day],
        )
        env["project.milestone"].invalidate_model(["reached_date"])
        if accepted:
            # As superuser: the generator records decisions the way the suite's own actions do.
            env["project.milestone"].sudo().browse([mid for mid, _day in accepted]).write(
                {
                    "ps_acceptance_state": "accepted",
                    "ps_accepted_on": fields.Datetime.now(),
                    "ps_accepted_by_name": "Client signatory",
                }
            )
        if rejected:
            env["project.milestone"].sudo().browse(rejected).write(
                {"ps_acceptance_state": "rejected", "ps_reject_reason": "Deliverable incomplete"}
            )
        phase_tasks = env["project.task"].create(
            task_vals + [{"name": m.name, "project_id": m.project_id.id, "milestone_id": m.id} for m in milestones]
        )
        self.counts["milestones"] = len(milestones)
        # The tasks time is logged on, per engagement: (task, for seniors only).
        tasks_by_project = defaultdict(list)
        for task in phase_tasks:
            tasks_by_project[task.project_id.id].append(task)
        for engagement in self.engagements:
            order = engagement["order"]
            tasks = []
            for line in order.order_line:
                if line.task_id:
                    tasks.append((line.task_id, line.product_id == self.products["tm_senior"]))
            tasks += [(task, False) for task in tasks_by_project[engagement["project"].id]]
            if not tasks:
                tasks = [
                    (env["project.task"].create({"name": "Delivery", "project_id": engagement["project"].id}), False)
                ]
            engagement["tasks"] = tasks

    # ------------------------------------------------------------
    # Timesheets
    # ------------------------------------------------------------

    def _staff(self):
        """Return {employee id: [engagement, ...]}: everyone on one engagement, three in ten on two."""
        rng = self.rng
        order = list(self.engagements)
        rng.shuffle(order)
        staffing = {}
        for index, employee in enumerate(self.consultants):
            first = order[index % len(order)]
            staffing[employee.id] = [first]
            if rng.random() < 0.3 and len(order) > 1:
                second = rng.choice(order)
                if second is not first:
                    staffing[employee.id].append(second)
        return staffing

    def _pick_task(self, engagement, employee_id):
        tasks = engagement["tasks"]
        senior = employee_id in self.seniors
        preferred = [task for task, senior_only in tasks if senior_only == senior] or [task for task, _s in tasks]
        return self.rng.choice(preferred)

    def _plan_lines(self, staffing):
        """Return the planned lines (employee, engagement, task, day, hours), about the wanted count."""
        rng = self.rng
        first = self.anchor - timedelta(days=self.history_days)
        days = [first + timedelta(days=offset) for offset in range(self.history_days)]
        workdays = [day for day in days if day.weekday() < 5 and day not in self.holidays]
        silent = {employee.id for employee in rng.sample(self.consultants, max(1, len(self.consultants) // 30))}
        planned = []
        for employee in self.consultants:
            part_time = employee.resource_calendar_id == self.part_time
            engagements = staffing[employee.id]
            for day in workdays:
                if part_time and day.weekday() == 4:
                    continue
                if day in self.leave_days[employee.id] or rng.random() < 0.07:
                    continue
                if employee.id in silent and (self.anchor - day).days <= 7:
                    continue
                active = [e for e in engagements if e["start"] <= day]
                if not active:
                    continue
                total = rng.choice(DAY_HOURS)
                if len(active) > 1:
                    second = rng.choice(SECOND_HOURS)
                    split = [(active[0], total - second), (active[1], second)]
                else:
                    split = [(active[0], total)]
                for engagement, hours in split:
                    planned.append((employee, engagement, self._pick_task(engagement, employee.id), day, hours))
        if len(planned) > self.spec["lines"]:
            keep = sorted(rng.sample(range(len(planned)), self.spec["lines"]))
            planned = [planned[index] for index in keep]
        return planned

    def _state_of(self, day):
        """Return (state, submitted days after, approved days after) of a line of ``day``: a realistic mix."""
        this_week = self.anchor - timedelta(days=self.anchor.weekday())
        draw = self.rng.random()
        if day >= this_week:
            return "draft"
        if day >= this_week - timedelta(days=7):
            return "submitted" if draw < 0.7 else "draft"
        if draw < 0.94:
            return "approved"
        if draw < 0.97:
            return "submitted"
        return "rejected" if draw < 0.98 else "draft"

    def _create_timesheets(self):
        env = self.env
        staffing = self._staff()
        planned = self._plan_lines(staffing)
        # One line per task through the ORM: its row is the template of the task's other lines.
        first_of_task = {}
        for index, (_employee, _engagement, task, _day, _hours) in enumerate(planned):
            first_of_task.setdefault(task.id, index)
        template_indexes = sorted(first_of_task.values())
        templates = env["account.analytic.line"].create(
            [
                {
                    "name": self.rng.choice(WORK),
                    "employee_id": planned[index][0].id,
                    "project_id": planned[index][2].project_id.id,
                    "task_id": planned[index][2].id,
                    "date": planned[index][3],
                    "unit_amount": planned[index][4],
                }
                for index in template_indexes
            ]
        )
        env.flush_all()
        template_of = {line.task_id.id: line for line in templates}
        columns, rows = self._template_rows(templates)
        by_id = {row["id"]: row for row in rows}
        # Columns each generated line sets itself; the others are copied from its task's template line.
        own = (
            "employee_id",
            "user_id",
            "department_id",
            "manager_id",
            "date",
            "unit_amount",
            "amount",
            "name",
            "create_date",
            "write_date",
            "ps_state",
            "ps_submitted_on",
            "ps_approved_by_id",
            "ps_approved_on",
            "ps_reject_reason",
            "is_so_line_edited",
        )
        copied = [column for column in columns if column != "id" and column not in own]
        insert_columns = copied + list(own)
        now = fields.Datetime.now()
        template_set = set(template_indexes)
        values = []
        states = defaultdict(int)
        template_states = defaultdict(list)
        for index, (employee, engagement, task, day, hours) in enumerate(planned):
            state = self._state_of(day)
            states[state] += 1
            if index in template_set:
                template_states[state].append(template_of[task.id].id)
                continue
            row = by_id[template_of[task.id].id]
            approver = engagement["lead"].user_id.id
            submitted = datetime.combine(day, datetime.min.time()) + timedelta(days=3, hours=17)
            values.append(
                tuple(row[column] for column in copied)
                + (
                    employee.id,
                    employee.user_id.id or None,
                    employee.department_id.id or None,
                    employee.parent_id.id or None,
                    day,
                    hours,
                    round(-hours * employee.hourly_cost, 2),
                    self.rng.choice(WORK),
                    now,
                    now,
                    state,
                    submitted if state != "draft" else None,
                    approver if state == "approved" else None,
                    submitted + timedelta(days=2) if state == "approved" else None,
                    "Wrong task" if state == "rejected" else None,
                    False,
                )
            )
        names = ", ".join(f'"{column}"' for column in insert_columns)
        query = f"INSERT INTO account_analytic_line ({names}) VALUES %s"  # noqa: S608 -- the table's own columns
        for start in range(0, len(values), 20_000):
            execute_values(
                env.cr,
                query,
                values[start : start + 20_000],
                page_size=2_000,
            )
        # The templates take their state too, written like the others (the ORM refuses it on create).
        for state, ids in template_states.items():
            env.cr.execute("UPDATE account_analytic_line SET ps_state = %s WHERE id IN %s", (state, tuple(ids)))
        env["account.analytic.line"].invalidate_model()
        self.counts["timesheet lines"] = len(planned)
        self.counts.update({f"{state} lines": count for state, count in sorted(states.items())})

    def _template_rows(self, templates):
        cr = self.env.cr
        cr.execute("SELECT * FROM account_analytic_line WHERE id IN %s", (tuple(templates.ids),))
        columns = [desc[0] for desc in cr.description]
        return columns, [dict(zip(columns, row, strict=True)) for row in cr.fetchall()]

    def _recompute_timesheet_dependents(self):
        """Recompute, through the ORM, the stored fields of other models that depend on the inserted lines.

        The lines' own stored fields came from their task's template row; the
        sales lines' delivered quantities, the tasks' hours and what depends on
        them are marked as the ORM marks them on create, then recomputed.
        """
        env = self.env
        Line = env["account.analytic.line"].sudo().with_context(active_test=False)
        env.cr.execute("SELECT id FROM account_analytic_line WHERE project_id IS NOT NULL ORDER BY id")
        ids = [row[0] for row in env.cr.fetchall()]
        trigger_fields = [field for field in Line._fields.values() if field.store and field.name != "id"]
        tree = env.registry.get_trigger_tree(trigger_fields, select=lambda field: field.compute and field.store)
        for start in range(0, len(ids), 50_000):
            lines = Line.browse(ids[start : start + 50_000])
            todo = [lines._modified_triggers(tree, True)]
            for field, records, create in itertools.chain.from_iterable(todo):
                if field.model_name == Line._name or not (field.compute and field.store):
                    continue
                if field.recursive:
                    todo.append(records._modified([field], create))
                env.add_to_compute(field, records)
            env.flush_all()
            env.invalidate_all()


def generate(env, size="S", seed=42, anchor=None, log=None, spec=None):
    """Generate a firm of ``size`` into ``env`` without committing; return the ``Firm`` (timings, counts)."""
    if isinstance(anchor, str):
        anchor = date.fromisoformat(anchor)
    return Firm(env, size=size, seed=seed, anchor=anchor, log=log, spec=spec).generate()
