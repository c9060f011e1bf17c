# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo firm: a 30-person consultancy with two months of work to bill."""

import io
import logging
import random
import time
from collections import defaultdict
from datetime import datetime, timedelta
from datetime import time as day_time

from dateutil.relativedelta import relativedelta
from PIL import Image, ImageDraw

from odoo import Command, api, fields, models

from .ps_demo_firm_data import (
    BILLABLE_HOURS_SHARE,
    DAY_HOURS,
    DAY_OFF_CHANCE,
    ENGAGEMENTS,
    EXPENSE_STEPS,
    EXPENSES,
    FRIDAY,
    HISTORY_DAYS,
    LEAD_HOURS,
    MODULE,
    PART_TIME,
    PEOPLE,
    PORTAL_CONTACTS,
    ROLE_GROUP,
    ROLE_HOURLY_COST,
    ROLE_TITLE,
    SATURDAY,
    SECOND_ENGAGEMENT_CHANCE,
    SECOND_ENGAGEMENT_HOURS,
    SEED,
    SILENT_DAYS,
    STAFF_ROLES,
    TERMS_CONFIRMED_BY,
    TIME_MATERIALS_PRODUCTS,
    WORK_DESCRIPTIONS,
    _email,
    _login,
)

_logger = logging.getLogger(__name__)


class PsDemoFirm(models.AbstractModel):
    _name = "ps.demo.firm"
    _description = "Billing Control demo firm"

    @api.model
    def _enable_milestones_feature(self):
        """The demo firm bills milestones: switch on Odoo's Milestones feature (Project settings),
        as a firm doing so would. The suite itself leaves Odoo's settings alone."""
        self.env.ref("base.group_user").write(
            {"implied_ids": [Command.link(self.env.ref("project.group_project_milestone").id)]}
        )

    @api.model
    def _load_demo_firm(self):
        """Create the people, engagements, timesheets and expenses of the demo firm.

        Everything is dated relative to today so that the firm always has two
        fresh months of work to bill. Called once by the demo data; when the
        demo users already exist it leaves the database untouched.
        """
        if self.env["res.users"].with_context(active_test=False).search_count([("login", "=", _login(PEOPLE[0][0]))]):
            _logger.info("The demo firm is already loaded.")
            return
        started = time.perf_counter()
        firm = self.with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
            # The demo must not mail its users: no invitations, no "assigned to you" notices.
            mail_activity_quick_update=True,
            mail_auto_subscribe_no_notify=True,
            no_reset_password=True,
        )
        rng = random.Random(SEED)
        today = fields.Date.context_today(self)
        employees = firm._create_demo_people(rng)
        firm._create_demo_portal_users()
        engagements = firm._create_demo_engagements(employees, today)
        staffing = firm._staff_demo_engagements(rng, engagements)
        firm._assign_demo_tasks(employees, engagements, staffing)
        firm._create_demo_timesheets(rng, employees, engagements, staffing, today)
        firm._create_demo_expenses(rng, employees, engagements, staffing, today)
        _logger.info("Demo firm loaded in %.1f s.", time.perf_counter() - started)

    @api.model
    def _evaluate_demo_readiness(self, module="ps_billing_readiness"):
        """Evaluate the demo engagements so the readiness board opens on every module's findings.

        Each suite module calls it at the end of its demo data; only the last of the modules
        being installed together evaluates (the checks of the others are not there yet).
        """
        pending = self.env["ir.module.module"].search_count(
            [
                ("state", "in", ("to install", "to upgrade")),
                ("name", "!=", module),
                "|",
                ("name", "=", "ps_billing_readiness"),
                ("dependencies_id.name", "=", "ps_billing_readiness"),
            ]
        )
        if pending:
            _logger.info("Demo readiness: evaluated once the other Billing Control modules are installed.")
            return
        orders = self.env["sale.order"].search([("state", "=", "sale"), ("ps_has_services", "=", True)])
        if not orders:
            return
        Readiness = self.env["ps.billing.readiness"].with_context(tracking_disable=True)
        if not Readiness.search_count([]):
            # Last month's billing run already happened: the periods due then that were ready are
            # drafted through Odoo's invoicing, so the board shows invoiced periods beside the open
            # ones. Once only: a later module's install evaluates today's periods alone.
            company = self.env.company
            last_run = company._ps_today().replace(day=1) - relativedelta(months=1)
            last_run += timedelta(days=company.ps_billing_cutoff_day)
            Readiness._evaluate_orders(orders, last_run)
            drafted, _more = Readiness._draft_due_periods(last_run, limit=3 * len(orders))
            _logger.info("Demo readiness: %s periods drafted by the billing run of %s.", drafted, last_run)
        Readiness._evaluate_orders(orders)
        # As the billing run's last step does: each owner's digest of the periods to clear.
        Readiness._ps_refresh_digests()

    @api.model
    def _create_demo_people(self, rng):
        """Create the users and employees of the firm; return the employees by person key."""
        groups = {role: self.env.ref(f"{MODULE}.{group}") for role, group in ROLE_GROUP.items()}
        users = self.env["res.users"].create(
            [
                {
                    "name": name,
                    "login": _login(key),
                    "password": _login(key),
                    "email": _email(key, name),
                    "groups_id": [Command.set(groups[role].ids)],
                }
                for key, name, role, _department in PEOPLE
            ]
        )
        departments = {
            key: self.env.ref(f"{MODULE}.demo_department_{key}")
            for key in ("strategy", "technology", "risk", "finance")
        }
        full_time = self.env.company.resource_calendar_id
        part_time = self.env.ref(f"{MODULE}.demo_resource_calendar_part_time_32h")
        employee_list = self.env["hr.employee"].create(
            [
                {
                    "name": name,
                    "user_id": user.id,
                    "department_id": departments[department].id,
                    "job_title": ROLE_TITLE[role],
                    "resource_calendar_id": (part_time if key in PART_TIME else full_time).id,
                    "hourly_cost": ROLE_HOURLY_COST[role] + rng.randint(-4, 4),
                }
                for (key, name, role, department), user in zip(PEOPLE, users, strict=True)
            ]
        )
        employees = {person[0]: employee for person, employee in zip(PEOPLE, employee_list, strict=True)}

        # Consultants report to their practice lead, leads and controllers to the director:
        # the manager is who their timesheets and expense reports go to.
        director = next(employees[key] for key, _name, role, _department in PEOPLE if role == "director")
        leads = {department: employees[key] for key, _name, role, department in PEOPLE if role == "lead"}
        teams = defaultdict(lambda: self.env["hr.employee"])
        for key, _name, role, department in PEOPLE:
            if role in STAFF_ROLES:
                teams[leads[department]] |= employees[key]
            elif role != "director":
                teams[director] |= employees[key]
        for manager, team in teams.items():
            team.write({"parent_id": manager.id})
        managers = {**leads, "finance": director}
        for department, manager in managers.items():
            departments[department].manager_id = manager
        return employees

    @api.model
    def _create_demo_portal_users(self):
        """Give the client contacts of PORTAL_CONTACTS a customer portal login; return their users."""
        portal = self.env.ref("base.group_portal")
        return self.env["res.users"].create(
            [
                {
                    "partner_id": self.env.ref(f"{MODULE}.demo_partner_{client}_contact").id,
                    "login": _login(key),
                    "password": _login(key),
                    "groups_id": [Command.set(portal.ids)],
                }
                for key, client in PORTAL_CONTACTS
            ]
        )

    @api.model
    def _create_demo_engagements(self, employees, today):
        """Sell and confirm the engagements with their billing terms, then shape their projects.

        Return per engagement key a dict with the spec, start date, order, project,
        time-and-materials tasks by seniority and the other tasks of the project.
        """
        products = {
            key: self.env.ref(f"{MODULE}.demo_product_{key}")
            for key in {product for spec in ENGAGEMENTS for product, _qty, _price in spec["lines"]}
        }
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.env.ref(f"{MODULE}.demo_partner_{spec['client']}").id,
                    "user_id": employees[spec["salesperson"]].user_id.id,
                    "ps_billing_cycle": "milestone" if spec.get("milestones") else "monthly",
                    "ps_po_required": "po" in spec,
                    "ps_client_po_ref": spec.get("po") or False,
                    "ps_client_approval_required": spec.get("client_approval", False),
                    **({"ps_billing_model": spec["billing_model"]} if "billing_model" in spec else {}),
                    **spec.get("retainer", {}),
                    "order_line": [
                        Command.create(
                            {"product_id": products[product].id, "product_uom_qty": qty, "price_unit": price}
                        )
                        for product, qty, price in spec["lines"]
                    ],
                }
                for spec in ENGAGEMENTS
            ]
        )
        orders.action_confirm()
        # Finance has confirmed the terms of all but the newest engagements, which wait for it.
        terms_confirmed = orders.browse(
            [order.id for spec, order in zip(ENGAGEMENTS, orders, strict=True) if spec.get("terms_confirmed", True)]
        )
        terms_confirmed.with_user(employees[TERMS_CONFIRMED_BY].user_id).action_ps_confirm_terms()

        leads = {department: employees[key] for key, _name, role, department in PEOPLE if role == "lead"}
        engagements = {}
        for spec, order in zip(ENGAGEMENTS, orders, strict=True):
            start = today - timedelta(days=spec["start"])
            project = order.order_line.project_id
            # Confirmation stamps the order with today; the engagement was won at its start.
            order.date_order = datetime.combine(start, day_time(9))
            project.write(
                {
                    "name": f"{order.partner_id.name} - {spec['title']}",
                    "user_id": leads[spec["practice"]].user_id.id,
                    **({"allow_milestones": True} if spec.get("milestones") else {}),
                }
            )
            lines = list(zip(spec["lines"], order.order_line, strict=True))
            engagements[spec["key"]] = {
                "spec": spec,
                "start": start,
                "order": order,
                "project": project,
                "time_materials_tasks": {
                    TIME_MATERIALS_PRODUCTS[product]: line.task_id
                    for (product, _qty, _price), line in lines
                    if product in TIME_MATERIALS_PRODUCTS
                },
                "other_tasks": self.env["project.task"].union(
                    *(line.task_id for (product, _qty, _price), line in lines if product not in TIME_MATERIALS_PRODUCTS)
                ),
            }
        self._create_demo_milestones(engagements, today)
        self._create_demo_phase_tasks(engagements)
        return engagements

    @api.model
    def _create_demo_milestones(self, engagements, today):
        """Replace the single 100% milestone of each milestone engagement by its phases and their tasks."""
        milestone_engagements = [
            engagement for engagement in engagements.values() if engagement["spec"].get("milestones")
        ]
        projects = self.env["project.project"].union(*(engagement["project"] for engagement in milestone_engagements))
        projects.milestone_ids.unlink()
        vals_list, reached_dates = [], []
        for engagement in milestone_engagements:
            line = engagement["order"].order_line.filtered_domain([("qty_delivered_method", "=", "milestones")])
            for name, share, deadline, reached in engagement["spec"]["milestones"]:
                vals_list.append(
                    {
                        "name": name,
                        "project_id": engagement["project"].id,
                        "sale_line_id": line.id,
                        "quantity_percentage": share,
                        "deadline": today + timedelta(days=deadline),
                        "is_reached": reached is not None,
                    }
                )
                reached_dates.append(reached is not None and today - timedelta(days=reached))
        milestones = self.env["project.milestone"].create(vals_list)
        # The reached date is computed as the day is_reached is set, and create does not
        # keep a value given for it: backdate it once the milestones exist.
        for milestone, reached_date in zip(milestones, reached_dates, strict=True):
            if reached_date:
                milestone.reached_date = reached_date
        tasks = self.env["project.task"].create(
            [
                {
                    "name": milestone.name,
                    "project_id": milestone.project_id.id,
                    "milestone_id": milestone.id,
                    "state": "1_done" if milestone.is_reached else "01_in_progress",
                }
                for milestone in milestones
            ]
        )
        for engagement in milestone_engagements:
            engagement["other_tasks"] |= tasks.filtered_domain([("project_id", "=", engagement["project"].id)])

    @api.model
    def _create_demo_phase_tasks(self, engagements):
        """Create the work breakdown of engagements sold without tasks (the fixed-fee audit)."""
        phased = [engagement for engagement in engagements.values() if engagement["spec"].get("tasks")]
        tasks = self.env["project.task"].create(
            [
                {"name": name, "project_id": engagement["project"].id}
                for engagement in phased
                for name in engagement["spec"]["tasks"]
            ]
        )
        for engagement in phased:
            engagement["other_tasks"] |= tasks.filtered_domain([("project_id", "=", engagement["project"].id)])

    @api.model
    def _staff_demo_engagements(self, rng, engagements):
        """Assign consultants to engagements of their practice; return engagement keys by person key.

        The first engagement of a person is one that runs through the whole history;
        engagements that started later are staffed as a second engagement.
        """
        staffing = {}
        # Ordered iteration: a set would change the random draws from one process to the next.
        for practice in dict.fromkeys(spec["practice"] for spec in ENGAGEMENTS):
            keys = [spec["key"] for spec in ENGAGEMENTS if spec["practice"] == practice]
            running = [key for key in keys if engagements[key]["spec"]["start"] >= HISTORY_DAYS]
            people = [key for key, _name, role, department in PEOPLE if department == practice and role in STAFF_ROLES]
            rng.shuffle(people)
            for index, person in enumerate(people):
                staffing[person] = [running[index % len(running)]]
            for key in sorted(set(keys) - set(running)):
                available = [person for person in people if len(staffing[person]) == 1]
                for person in rng.sample(available, min(3, len(available))):
                    staffing[person].append(key)
            for person in people:
                if len(staffing[person]) == 1 and rng.random() < SECOND_ENGAGEMENT_CHANCE:
                    staffing[person].append(rng.choice([key for key in running if key != staffing[person][0]]))
            lead = next(key for key, _name, role, department in PEOPLE if department == practice and role == "lead")
            staffing[lead] = keys
        return staffing

    @api.model
    def _assign_demo_tasks(self, employees, engagements, staffing):
        """Assign the tasks of each engagement to the people staffed on it, so that "My Tasks" is theirs."""
        for engagement_key, engagement in engagements.items():
            users = self.env["res.users"].union(
                *(employees[key].user_id for key, keys in staffing.items() if engagement_key in keys)
            )
            tasks = engagement["other_tasks"].union(*engagement["time_materials_tasks"].values())
            tasks.user_ids = users

    @api.model
    def _create_demo_timesheets(self, rng, employees, engagements, staffing, today):
        """Log the weekdays of the last two months, with the gaps of a real firm.

        People skip a day now and then, part-timers never work Fridays, and two
        consultants have not logged their last week: the missing time that
        timesheet compliance is about.
        """
        days = [today - timedelta(days=offset) for offset in range(HISTORY_DAYS, 0, -1)]
        workdays = [day for day in days if day.weekday() < SATURDAY]
        consultants = sorted(key for key, _name, role, _department in PEOPLE if role in STAFF_ROLES)
        silent = set(rng.sample(consultants, 2))
        vals_list = []
        for key, _name, role, _department in PEOPLE:
            if key not in staffing:
                continue
            for day in workdays:
                if (key in PART_TIME and day.weekday() == FRIDAY) or rng.random() < DAY_OFF_CHANCE:
                    continue
                if key in silent and (today - day).days <= SILENT_DAYS:
                    continue
                active = [engagement for engagement in staffing[key] if engagements[engagement]["start"] <= day]
                if not active:
                    continue
                if role == "lead":
                    split = [(rng.choice(active), rng.choice(LEAD_HOURS))]
                elif len(active) > 1:
                    total, second = rng.choice(DAY_HOURS), rng.choice(SECOND_ENGAGEMENT_HOURS)
                    split = [(active[0], total - second), (active[1], second)]
                else:
                    split = [(active[0], rng.choice(DAY_HOURS))]
                for engagement_key, hours in split:
                    task = self._pick_demo_task(rng, engagements[engagement_key], role)
                    vals_list.append(
                        {
                            "name": rng.choice(WORK_DESCRIPTIONS),
                            "employee_id": employees[key].id,
                            "project_id": task.project_id.id,
                            "task_id": task.id,
                            "date": day,
                            "unit_amount": hours,
                        }
                    )
        self.env["account.analytic.line"].create(vals_list)

    @api.model
    def _pick_demo_task(self, rng, engagement, role):
        """Return the task a person of ``role`` logs one day's time on in ``engagement``.

        Seniors and leads bill at the senior rate when the engagement sells one;
        an engagement with both phases and billable hours spends most time on its phases.
        """
        billable = engagement["time_materials_tasks"]
        other = engagement["other_tasks"]
        if billable and (not other or rng.random() < BILLABLE_HOURS_SHARE):
            level = "consultant" if role == "consultant" else "senior"
            return billable.get(level) or next(iter(billable.values()))
        return rng.choice(other)

    @api.model
    def _create_demo_expenses(self, rng, employees, engagements, staffing, today):
        """Record client expenses at every step of their flow, posted ones re-invoiced on their engagement."""
        consultants = {key for key, _name, role, _department in PEOPLE if role in STAFF_ROLES}
        spenders = {}
        vals_list = []
        for engagement_key, product_key, amount, days_ago, _status, linked, description in EXPENSES:
            engagement = engagements[engagement_key]
            if engagement_key not in spenders:
                team = sorted(key for key in consultants if engagement_key in staffing[key])
                spenders[engagement_key] = employees[rng.choice(team)]
            product = self.env.ref(f"{MODULE}.demo_product_{product_key}")
            vals = {
                "name": description,
                "employee_id": spenders[engagement_key].id,
                "product_id": product.id,
                "date": today - timedelta(days=days_ago),
            }
            # Priced products (mileage) are expensed by quantity, the others by their amount.
            vals["quantity" if product.standard_price else "total_amount_currency"] = amount
            if linked:
                vals["sale_order_id"] = engagement["order"].id
            else:
                vals["analytic_distribution"] = {str(engagement["project"].analytic_account_id.id): 100}
            vals_list.append(vals)
        expenses = self.env["hr.expense"].create(vals_list)
        # Each expense comes with its receipt, as a consultant scans it in: the invoices that re-invoice
        # them go out with their receipts in the backup package.
        self.env["ir.attachment"].create(
            [
                {
                    "name": f"receipt_{expense.date}_{index}.png",
                    "res_model": "hr.expense",
                    "res_id": expense.id,
                    "raw": self._draw_demo_receipt(expense),
                }
                for index, expense in enumerate(expenses, 1)
            ]
        )

        # One report per engagement and status, pushed through the native flow as far as its status.
        reports = defaultdict(lambda: self.env["hr.expense"])
        for expense, (engagement_key, *_spec, status, _linked, _description) in zip(expenses, EXPENSES, strict=True):
            if status != "draft":
                reports[engagement_key, status] |= expense
        sheets = self.env["hr.expense.sheet"].create(
            [
                {
                    "name": f"{engagements[engagement_key]['spec']['title']}: client expenses",
                    "employee_id": report.employee_id.id,
                    "expense_line_ids": [Command.set(report.ids)],
                }
                for (engagement_key, _status), report in reports.items()
            ]
        )
        step = dict(zip(sheets, (EXPENSE_STEPS.index(status) for _engagement_key, status in reports), strict=True))
        sheets.filtered(lambda sheet: step[sheet] >= EXPENSE_STEPS.index("submitted")).action_submit_sheet()
        sheets.filtered(lambda sheet: step[sheet] >= EXPENSE_STEPS.index("approved")).action_approve_expense_sheets()
        sheets.filtered(lambda sheet: step[sheet] >= EXPENSE_STEPS.index("posted")).action_sheet_move_create()

    @api.model
    def _draw_demo_receipt(self, expense):
        """Return a scanned receipt of ``expense`` (PNG bytes): what it was, its date and its amount."""
        image = Image.new("RGB", (620, 820), "white")
        draw = ImageDraw.Draw(image)
        lines = [
            "RECEIPT",
            "",
            expense.name,
            fields.Date.to_string(expense.date),
            "",
            f"TOTAL  {expense.total_amount_currency:.2f} {expense.currency_id.name}",
        ]
        for index, line in enumerate(lines):
            draw.text((60, 60 + index * 40), line, fill="black")
        with io.BytesIO() as buffer:
            image.save(buffer, format="PNG")
            return buffer.getvalue()
