# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The small firm every Billing Control test starts from."""

import base64
from collections import Counter
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests.common import ChromeBrowser, JsonRpcException, TransactionCase, new_test_user
from odoo.tools import mute_logger

GROUP_CONSULTANT = "ps_billing_readiness.group_consultant"
GROUP_PROJECT_MANAGER = "ps_billing_readiness.group_project_manager"
GROUP_FINANCE_CONTROLLER = "ps_billing_readiness.group_finance_controller"
GROUP_ADMINISTRATOR = "ps_billing_readiness.group_administrator"


def start_tour_with_screenshot(case, url, tour, login, path):
    """Run ``tour`` in ``case`` (an HttpCase) from ``url`` as ``login``; save the screen it ends on at ``path``.

    The screenshot is taken just before Chromium is stopped, that is on the tour's last screen.
    """
    path.unlink(missing_ok=True)
    stop = ChromeBrowser.stop

    def stop_after_screenshot(browser):
        if getattr(browser, "ws", None) and not path.exists():
            result = browser._websocket_request("Page.captureScreenshot", timeout=20)
            path.write_bytes(base64.b64decode(result["data"]))
        stop(browser)

    with patch.object(ChromeBrowser, "stop", stop_after_screenshot):
        case.start_tour(url, tour, login=login, timeout=120)
    case.assertGreater(path.stat().st_size, 10_000, f"{path.name}: a screenshot of a real screen")


def run_jobs(dispatch, *args, **kwargs):
    """Call ``dispatch`` (a scheduled action's method: it enqueues jobs) with these arguments, then perform
    the jobs it enqueued, and those they enqueue, in their order, until none is left (OCA ``trap_jobs``:
    in the test's transaction, without the job runner).

    Return the sum of the jobs' results: a Counter of their {name: count} dicts, or of their counts
    under the key "count".
    """
    totals = Counter()
    with trap_jobs() as trap:
        dispatch(*args, **kwargs)
        while trap.enqueued_jobs:
            jobs = list(trap.enqueued_jobs)
            trap.perform_enqueued_jobs()
            for job in jobs:
                if isinstance(job.result, dict):
                    totals.update(job.result)
                elif isinstance(job.result, int):
                    totals["count"] += job.result
    return totals


class CallKwMixin:
    """For an HttpCase: call a model's method over ``/web/dataset/call_kw`` as a user whose password is
    their login, with any context, as any JSON-RPC client can (the attacker tests of every control)."""

    # A context sent with every call; a call's own context goes over it.
    CALL_CONTEXT = {}
    # The error every refusal must name, e.g. "AccessError" (refused for want of rights, not because the
    # call was malformed); None: any error.
    REFUSED_ERROR = None
    # Sign in again only when the login changes: a sign-in checks the password (600,000 rounds of PBKDF2),
    # most of a call's time. Not for a test that changes a user's password between calls.
    CALL_SIGN_IN_ONCE = False

    def _call(self, login, model, method, args, kwargs=None, context=None):
        """Return the result of ``model.method(*args, **kwargs)`` called over JSON-RPC by ``login``."""
        session = getattr(self, "session", None)
        if not (self.CALL_SIGN_IN_ONCE and session and session.login == login):
            self.authenticate(login, login)
        params = {
            "model": model,
            "method": method,
            "args": args,
            "kwargs": {**(kwargs or {}), "context": self._call_context(context)},
        }
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", params)

    def _call_context(self, context):
        """Return the context a call sends: the class's ``CALL_CONTEXT`` with the call's own over it."""
        return {**self.CALL_CONTEXT, **(context or {})}

    def _refused(self, login, model, method, args, kwargs=None, context=None, error=None):
        """Assert that the call is refused (an error answer, nothing done by it), with an error named
        ``error`` (default: ``REFUSED_ERROR``)."""
        error = error or self.REFUSED_ERROR
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException, msg=f"{login} {model}.{method}") as caught:
            self._call(login, model, method, args, kwargs=kwargs, context=context)
        if error:
            self.assertIn(error, str(caught.exception))


class BillingControlCase(TransactionCase):
    """A consultancy with one engagement.

    - users: a consultant, a project manager and a finance controller, each
      with the fewest groups of their role and an employee with an hourly cost;
    - a client (a company and its contact);
    - service products: time and materials (billed on timesheets), milestones,
      fixed fee;
    - an engagement: a confirmed sale order for the client selling 100 hours of
      time and materials and a milestone line, which created its project; the
      project manager manages the project.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id

        cls.consultant = new_test_user(
            cls.env,
            login="bc_consultant",
            name="Carla Consultant",
            groups=GROUP_CONSULTANT,
            email="carla@example.com",
        )
        cls.project_manager = new_test_user(
            cls.env,
            login="bc_manager",
            name="Paul Manager",
            groups=GROUP_PROJECT_MANAGER,
            email="paul@example.com",
        )
        cls.controller = new_test_user(
            cls.env,
            login="bc_controller",
            name="Fiona Controller",
            groups=GROUP_FINANCE_CONTROLLER,
            email="fiona@example.com",
        )
        Employee = cls.env["hr.employee"]
        cls.employee_manager = Employee.create(
            {
                "name": cls.project_manager.name,
                "user_id": cls.project_manager.id,
                "hourly_cost": 60.0,
            }
        )
        cls.employee_consultant = Employee.create(
            {
                "name": cls.consultant.name,
                "user_id": cls.consultant.id,
                "hourly_cost": 40.0,
                "parent_id": cls.employee_manager.id,
            }
        )
        cls.employee_controller = Employee.create(
            {
                "name": cls.controller.name,
                "user_id": cls.controller.id,
                "hourly_cost": 55.0,
            }
        )

        cls.client = cls.env["res.partner"].create(
            {
                "name": "Northwind Industries",
                "is_company": True,
                "email": "ap@northwind.example.com",
            }
        )
        cls.client_contact = cls.env["res.partner"].create(
            {
                "name": "Nora North",
                "parent_id": cls.client.id,
                "email": "nora@northwind.example.com",
            }
        )

        uom_hour = cls.env.ref("uom.product_uom_hour")
        uom_unit = cls.env.ref("uom.product_uom_unit")
        Product = cls.env["product.product"]
        cls.product_time_materials = Product.create(
            {
                "name": "Consulting (time and materials)",
                "type": "service",
                "list_price": 150.0,
                "standard_price": 50.0,
                "uom_id": uom_hour.id,
                "uom_po_id": uom_hour.id,
                "service_tracking": "task_in_project",
                "invoice_policy": "delivery",
                "service_type": "timesheet",
            }
        )
        cls.product_milestone = Product.create(
            {
                "name": "Implementation (milestones)",
                "type": "service",
                "list_price": 10000.0,
                "uom_id": uom_unit.id,
                "uom_po_id": uom_unit.id,
                "service_tracking": "project_only",
                "invoice_policy": "delivery",
                "service_type": "milestones",
            }
        )
        cls.product_fixed_fee = Product.create(
            {
                "name": "Audit (fixed fee)",
                "type": "service",
                "list_price": 5000.0,
                "uom_id": uom_unit.id,
                "uom_po_id": uom_unit.id,
                "service_tracking": "no",
                "invoice_policy": "order",
            }
        )

        cls.engagement = cls.env["sale.order"].create(
            {
                "partner_id": cls.client.id,
                "user_id": cls.controller.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product_time_materials.id,
                            "product_uom_qty": 100.0,
                        }
                    ),
                    Command.create(
                        {
                            "product_id": cls.product_milestone.id,
                            "product_uom_qty": 1.0,
                        }
                    ),
                ],
            }
        )
        cls.engagement.action_confirm()
        cls.line_time_materials = cls.engagement.order_line.filtered(
            lambda line: line.product_id == cls.product_time_materials
        )
        cls.line_milestone = cls.engagement.order_line - cls.line_time_materials
        cls.project = cls.engagement.order_line.project_id[:1]
        cls.project.user_id = cls.project_manager
        cls.task = cls.line_time_materials.task_id
        # The engagement started in September; "today" is in November: the
        # October period is due (its cutoff passed) and November is current.
        cls.engagement.date_order = "2026-09-15 09:00:00"
        cls.today = date(2026, 11, 10)
        cls.october = (date(2026, 10, 1), date(2026, 10, 31))
        cls._set_aside_other_engagements()

    @classmethod
    def _create_reinvoiced_expense_product(cls):
        """A travel expense the engagement re-invoices at cost."""
        return cls.env["product.product"].create(
            {
                "name": "Travel (re-invoiced at cost)",
                "type": "service",
                "can_be_expensed": True,
                "expense_policy": "cost",
                "invoice_policy": "delivery",
                "standard_price": 0.0,
            }
        )

    @classmethod
    def _set_aside_other_engagements(cls):
        """Keep the demo firm out of the scheduled actions a test runs, whatever day it was generated
        on (it is dated from the day of installation): within the test's transaction its engagements
        count as evaluated and none of its periods is due. The demo stays on the screens."""
        others = cls.env["sale.order"].search([("id", "!=", cls.engagement.id), ("state", "=", "sale")])
        others.write({"ps_readiness_dirty": False, "ps_readiness_evaluated_on": date(2100, 1, 1)})
        cls.env["ps.billing.readiness"].search([("sale_order_id", "in", others.ids), ("state", "=", "ready")]).write(
            {"cutoff_date": date(2100, 1, 1)}
        )

    @classmethod
    def _evaluate(cls, orders=None, day=None):
        """Evaluate the readiness of ``orders`` (the engagement) on ``day`` (default: ``cls.today``)."""
        orders = orders if orders is not None else cls.engagement
        return cls.env["ps.billing.readiness"]._evaluate_orders(orders, day or cls.today)

    @classmethod
    def _confirm_terms(cls, orders=None):
        orders = orders if orders is not None else cls.engagement
        orders.with_user(cls.controller).action_ps_confirm_terms()

    @classmethod
    def _log_time(cls, employee, hours, date, task=None, **values):
        """Create a timesheet line of ``employee`` on the engagement's task."""
        task = task or cls.task
        return cls.env["account.analytic.line"].create(
            {
                "name": values.pop("name", "Work"),
                "employee_id": employee.id,
                "project_id": task.project_id.id,
                "task_id": task.id,
                "unit_amount": hours,
                "date": date,
                **values,
            }
        )

    def _assert_finding_comes_and_goes(self, code, make, fix, day, period_start=None):
        """On ``day``: run the billing run, ``make`` a finding of check ``code`` and run: the engagement's
        period (October by default) has it; ``fix`` it and run: it is gone. The same day, without
        evaluating by hand: what the check reads marks the engagement."""
        Readiness = self.env["ps.billing.readiness"]
        start = period_start or self.october[0]

        def codes():
            record = Readiness.search([("sale_order_id", "=", self.engagement.id), ("period_start", "=", start)])
            self.assertTrue(record, "the period exists")
            return set(record.finding_ids.mapped("check_code"))

        with freeze_time(day):
            run_jobs(Readiness._cron_billing_run)
            self.assertNotIn(code, codes(), "no finding to start with")
            make()
            self.assertTrue(self.engagement.ps_readiness_dirty, "the change marks the engagement")
            run_jobs(Readiness._cron_billing_run)
            self.assertIn(code, codes(), "the finding appears the same day")
            fix()
            self.assertTrue(self.engagement.ps_readiness_dirty, "the fix marks the engagement")
            run_jobs(Readiness._cron_billing_run)
            self.assertNotIn(code, codes(), "and disappears the same day")
