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
import math
import random
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from psycopg2.extras import execute_values

from odoo import Command, fields

_logger = logging.getLogger(__name__)

PREFIX = "bench"
ANCHOR_PARAM = "bc_bench.anchor_date"
SIZE_PARAM = "bc_bench.size"

# consultants: employees who log time; consultant_users: how many of them get a user (creating
# thousands of users costs minutes and they are not needed to log time); rules: approval matrix.
SIZES = {
    "tiny": {
        "engagements": 4,
        "consultants": 6,
        "lines": 200,
        "leads": 2,
        "controllers": 2,
        "clients": 3,
        "consultant_users": 2,
        "rules": 20,
    },
    "S": {
        "engagements": 100,
        "consultants": 200,
        "lines": 20_000,
        "leads": 20,
        "controllers": 4,
        "clients": 30,
        "consultant_users": 20,
        "rules": 200,
    },
    "M": {
        "engagements": 1_000,
        "consultants": 2_000,
        "lines": 200_000,
        "leads": 150,
        "controllers": 8,
        "clients": 250,
        "consultant_users": 100,
        "rules": 200,
    },
}

PRACTICES = ("Strategy", "Technology", "Risk", "Operations", "Data", "People")
FIRST_NAMES = (
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kira",
    "Liam",
    "Maya",
    "Nico",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Xavi",
    "Yara",
    "Zoe",
)
LAST_NAMES = (
    "Adler",
    "Brandt",
    "Costa",
    "Dahl",
    "Evans",
    "Fontaine",
    "Gupta",
    "Haas",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quist",
    "Rossi",
    "Silva",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Young",
    "Zimmer",
)
CLIENT_WORDS = (
    "Northgate",
    "Meridian",
    "Alder",
    "Greenleaf",
    "Contour",
    "Tailwind",
    "Fairhaven",
    "Bluewater",
    "Harbor",
    "Summit",
    "Lumen",
    "Cobalt",
    "Redwood",
    "Silverline",
    "Keystone",
    "Orchid",
    "Granite",
    "Vantage",
)
CLIENT_SUFFIXES = ("Group", "Holdings", "Logistics", "Energy", "Health", "Retail", "Bank", "Insurance", "Foods")
WORK = (
    "Client workshop",
    "Workshop preparation",
    "Stakeholder interviews",
    "Data analysis",
    "Status meeting",
    "Internal review",
    "Documentation",
    "Steering committee preparation",
    "Solution design",
    "Quality review",
)
# Billing models in the order engagements take them: every model appears in the first four.
MODEL_CYCLE = (
    "time_materials",
    "milestone",
    "fixed_fee",
    "retainer",
    "time_materials",
    "time_materials",
    "milestone",
    "time_materials",
    "retainer",
    "time_materials",
    "fixed_fee",
    "milestone",
    "time_materials",
    "time_materials",
    "retainer",
    "milestone",
    "time_materials",
    "fixed_fee",
    "time_materials",
    "milestone",
)
DAY_HOURS = (6.0, 6.5, 7.0, 7.5, 8.0, 8.0, 8.0)
SECOND_HOURS = (1.0, 1.5, 2.0, 3.0)
EXPENSE_STEPS = ("draft", "reported", "submitted", "approved", "posted")


def _quiet(env):
    return env(
        context=dict(
            env.context,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
            mail_activity_quick_update=True,
            mail_auto_subscribe_no_notify=True,
            no_reset_password=True,
        )
    )


class Firm:
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

    # ------------------------------------------------------------
    # Setup: company, products, calendars, tags
    # ------------------------------------------------------------

    def _setup(self):
        env = self.env
        # The firm bills milestones: Odoo's Milestones feature on, as its settings would put it.
        env["ps.demo.firm"]._enable_milestones_feature()
        hour = env.ref("uom.product_uom_hour")
        unit = env.ref("uom.product_uom_unit")
        km = env.ref("uom.product_uom_km")
        common = {"type": "service", "purchase_ok": False}
        values = {
            "tm_senior": {
                **common,
                "name": "Senior consultant (T&M)",
                "default_code": "B-TM-SR",
                "list_price": 210.0,
                "standard_price": 85.0,
                "uom_id": hour.id,
                "uom_po_id": hour.id,
                "service_policy": "delivered_timesheet",
                "service_tracking": "task_in_project",
            },
            "tm": {
                **common,
                "name": "Consultant (T&M)",
                "default_code": "B-TM-CO",
                "list_price": 150.0,
                "standard_price": 60.0,
                "uom_id": hour.id,
                "uom_po_id": hour.id,
                "service_policy": "delivered_timesheet",
                "service_tracking": "task_in_project",
            },
            "milestones": {
                **common,
                "name": "Implementation (milestones)",
                "default_code": "B-FF-MS",
                "list_price": 50000.0,
                "uom_id": unit.id,
                "uom_po_id": unit.id,
                "invoice_policy": "delivery",
                "service_type": "milestones",
                "service_tracking": "project_only",
            },
            "retainer": {
                **common,
                "name": "Advisory retainer (monthly)",
                "default_code": "B-RET",
                "list_price": 8000.0,
                "uom_id": unit.id,
                "uom_po_id": unit.id,
                "invoice_policy": "order",
                "service_type": "manual",
                "service_tracking": "task_in_project",
            },
            "fixed_fee": {
                **common,
                "name": "Compliance audit (fixed fee)",
                "default_code": "B-FF-AUD",
                "list_price": 35000.0,
                "uom_id": unit.id,
                "uom_po_id": unit.id,
                "invoice_policy": "order",
                "service_type": "manual",
                "service_tracking": "project_only",
            },
            "travel": {
                "type": "service",
                "name": "Client travel (at cost)",
                "default_code": "B-EXP-TRV",
                "uom_id": unit.id,
                "uom_po_id": unit.id,
                "can_be_expensed": True,
                "expense_policy": "cost",
                "invoice_policy": "delivery",
                "sale_ok": False,
                "purchase_ok": False,
            },
            "mileage": {
                "type": "service",
                "name": "Client mileage",
                "default_code": "B-EXP-MIL",
                "standard_price": 0.45,
                "list_price": 0.70,
                "uom_id": km.id,
                "uom_po_id": km.id,
                "can_be_expensed": True,
                "expense_policy": "sales_price",
                "invoice_policy": "delivery",
                "sale_ok": False,
                "purchase_ok": False,
            },
            "subcontracting": {
                "type": "service",
                "name": "Subcontracted work",
                "default_code": "B-SUB",
                "standard_price": 90.0,
                "uom_id": hour.id,
                "uom_po_id": hour.id,
                "sale_ok": False,
                "purchase_ok": True,
            },
        }
        products = env["product.product"].create(list(values.values()))
        self.products = dict(zip(values, products, strict=True))
        self.full_time = self.company.resource_calendar_id
        self.part_time = env["resource.calendar"].create(
            {
                "name": "Bench part-time 32 h (Mon-Thu)",
                "company_id": self.company.id,
                "hours_per_day": 8.0,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day} {part}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": part,
                        }
                    )
                    for day in range(4)
                    for part, start, end in (("morning", 8, 12), ("afternoon", 13, 17))
                ],
            }
        )
        self.departments = env["hr.department"].create([{"name": f"{PREFIX.title()} {p}"} for p in PRACTICES])
        self.tags = env["res.partner.category"].create(
            [{"name": name} for name in ("Bench key account", "Bench public sector", "Bench strategic")]
        )
        # Monthly billing cutoff a few days after the month end, weekly timesheet periods.
        self.company.write({"ps_billing_cutoff_day": 3})

    # ------------------------------------------------------------
    # People
    # ------------------------------------------------------------

    def _person_name(self, index):
        rng = self.rng
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {index:04d}"

    def _create_people(self):
        env, spec, rng = self.env, self.spec, self.rng
        groups = {
            "lead": env.ref("ps_billing_readiness.group_project_manager"),
            "controller": env.ref("ps_billing_readiness.group_finance_controller"),
            "consultant": env.ref("ps_billing_readiness.group_consultant"),
        }
        people = (
            [("controller", i) for i in range(spec["controllers"])]
            + [("lead", i) for i in range(spec["leads"])]
            + [("consultant", i) for i in range(spec["consultant_users"])]
        )
        users = env["res.users"].create(
            [
                {
                    "name": self._person_name(index),
                    "login": f"{PREFIX}.{role}.{index}",
                    "email": f"{PREFIX}.{role}.{index}@example.com",
                    "groups_id": [Command.set(groups[role].ids)],
                }
                for role, index in people
            ]
        )
        by_role = defaultdict(list)
        for (role, _index), user in zip(people, users, strict=True):
            by_role[role].append(user)
        self.controllers = env["res.users"].union(*by_role["controller"])
        lead_users = by_role["lead"]
        managers = env["hr.employee"].create(
            [
                {
                    "name": user.name,
                    "user_id": user.id,
                    "department_id": self.departments[index % len(self.departments)].id,
                    "job_title": "Practice Lead",
                    "hourly_cost": 90.0 + rng.randint(-5, 5),
                }
                for index, user in enumerate(lead_users)
            ]
        )
        self.leads = list(managers)
        consultant_users = by_role["consultant"]
        vals_list = []
        for index in range(spec["consultants"]):
            lead = self.leads[index % len(self.leads)]
            vals_list.append(
                {
                    "name": consultant_users[index].name if index < len(consultant_users) else self._person_name(index),
                    "user_id": consultant_users[index].id if index < len(consultant_users) else False,
                    "department_id": lead.department_id.id,
                    "parent_id": lead.id,
                    "job_title": "Senior Consultant" if index % 3 == 0 else "Consultant",
                    "resource_calendar_id": (self.part_time if index % 10 == 7 else self.full_time).id,
                    "hourly_cost": (75.0 if index % 3 == 0 else 55.0) + rng.randint(-6, 6),
                    "work_email": f"{PREFIX}.employee.{index}@example.com",
                    "ps_timesheet_required": True,
                }
            )
        self.consultants = list(env["hr.employee"].create(vals_list))
        self.seniors = {employee.id for index, employee in enumerate(self.consultants) if index % 3 == 0}
        self.counts["consultants"] = len(self.consultants)
        self.counts["users"] = len(users)

    def _create_leaves(self):
        """A public holiday for everyone and a few days of leave for one consultant in eight."""
        env, rng = self.env, self.rng
        self.history_days = self._history_days()
        first = self.anchor - timedelta(days=self.history_days)
        holiday = first + timedelta(days=self.history_days // 2)
        while holiday.weekday() >= 5:
            holiday += timedelta(days=1)
        vals_list = [
            {
                "name": "Bench public holiday",
                "company_id": self.company.id,
                "calendar_id": False,
                "date_from": datetime.combine(holiday, datetime.min.time()),
                "date_to": datetime.combine(holiday, datetime.max.time().replace(microsecond=0)),
            }
        ]
        self.holidays = {holiday}
        self.leave_days = defaultdict(set)
        for employee in self.consultants:
            if rng.random() >= 0.125:
                continue
            start = first + timedelta(days=rng.randint(0, self.history_days - 7))
            length = rng.randint(1, 5)
            vals_list.append(
                {
                    "name": f"Leave of {employee.name}",
                    "company_id": self.company.id,
                    "calendar_id": employee.resource_calendar_id.id,
                    "resource_id": employee.resource_id.id,
                    "date_from": datetime.combine(start, datetime.min.time()),
                    "date_to": datetime.combine(start + timedelta(days=length - 1), datetime.max.time()).replace(
                        microsecond=0
                    ),
                }
            )
            self.leave_days[employee.id] |= {start + timedelta(days=offset) for offset in range(length)}
        env["resource.calendar.leaves"].create(vals_list)
        self.counts["leaves"] = len(vals_list)

    def _history_days(self):
        """Return how many days of history give about the wanted number of lines per consultant."""
        per_consultant = self.spec["lines"] / self.spec["consultants"]
        # ~1.3 lines a working day (30% work on two engagements), 90% of the days logged.
        workdays = per_consultant * 1.1 / (1.3 * 0.9)
        return max(21, math.ceil(workdays * 7 / 5))

    # ------------------------------------------------------------
    # Clients and engagements
    # ------------------------------------------------------------

    def _create_clients(self):
        rng = self.rng
        vals_list = []
        for index in range(self.spec["clients"]):
            tags = self.tags[index % 3] if index % 4 == 0 else self.tags.browse()
            vals_list.append(
                {
                    "name": f"{rng.choice(CLIENT_WORDS)} {rng.choice(CLIENT_SUFFIXES)} {index:04d}",
                    "is_company": True,
                    "email": f"billing{index}@client.example.com",
                    "category_id": [Command.set(tags.ids)],
                }
            )
        self.clients = list(self.env["res.partner"].create(vals_list))
        self.vendors = list(
            self.env["res.partner"].create(
                [
                    {"name": f"Bench subcontractor {index:02d}", "is_company": True, "supplier_rank": 1}
                    for index in range(max(2, self.spec["engagements"] // 50))
                ]
            )
        )
        self.counts["clients"] = len(self.clients)

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


def generate(env, size="S", seed=42, anchor=None, log=None, spec=None):
    """Generate a firm of ``size`` into ``env`` without committing; return the ``Firm`` (timings, counts)."""
    if isinstance(anchor, str):
        anchor = date.fromisoformat(anchor)
    return Firm(env, size=size, seed=seed, anchor=anchor, log=log, spec=spec).generate()
