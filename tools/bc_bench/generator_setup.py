"""The generated firm: its setup, people, leaves and clients."""

import math
from collections import defaultdict
from datetime import datetime, timedelta

from odoo import Command

from .generator_spec import CLIENT_SUFFIXES, CLIENT_WORDS, FIRST_NAMES, LAST_NAMES, PRACTICES, PREFIX


class FirmSetup:
    """Methods of ``generator.Firm``."""

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
