"""A walk of the main screens for each role, in the real web client, on the demo firm.

Each walk is a tour (``ps_billing_readiness/static/tests/tours/ps_role_walk_tours.js``)
run in headless Chromium as a demo user of that role; the screen it ends on is kept as a
PNG in ``<screenshots>/role-walk/`` (bin/test sets Odoo's ``screenshots`` option to its
results folder), so a reviewer can look at what each role sees.
"""

import pathlib

from odoo.addons.ps_billing_readiness.tests.common import start_tour_with_screenshot
from odoo.tests import HttpCase, tagged
from odoo.tools import config


@tagged("post_install", "-at_install")
class TestRoleWalks(HttpCase):
    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = pathlib.Path(config["screenshots"]) / "role-walk"
        cls.folder.mkdir(parents=True, exist_ok=True)

    def _walk(self, tour, login, shot, url="/web"):
        """Run ``tour`` from ``url`` as the demo user ``login``; save the screen it ends on as ``shot``.png."""
        start_tour_with_screenshot(self, url, tour, login, self.folder / f"{shot}.png")

    def test_controller_walk(self):
        self._walk("ps_walk_controller_board", "demo.fiona", "controller-1-board")
        self._walk("ps_walk_controller_exception", "demo.fiona", "controller-2-exception")
        self._walk("ps_walk_controller_wip", "demo.fiona", "controller-3-unbilled-wip")

    def test_controller_walk_to_a_failed_month_end_job(self):
        """A drafting job of a demo engagement failed: the controller finds it in Month-end Jobs, and on
        the period it blocks, with the error and Retry."""
        period = self.env["ps.billing.readiness"].search([("state", "=", "ready")], order="id", limit=1)
        self.assertTrue(period, "the demo has a ready period")
        job = period.sale_order_id._ps_enqueue("_job_draft_batch", period.company_id._ps_today())
        job.set_failed(
            exc_info="Traceback ...",
            exc_name="odoo.exceptions.UserError",
            exc_message="The journal Customer Invoices is archived.",
        )
        job.store()
        self.assertEqual(period.state, "blocked")
        self._walk("ps_walk_controller_month_end_jobs", "demo.fiona", "controller-4-month-end-jobs")
        url = f"/web#model=ps.billing.readiness&id={period.id}&view_type=form"
        self._walk(
            "ps_walk_controller_failed_job_exception", "demo.fiona", "controller-5-failed-job-exception", url=url
        )

    def test_controller_walk_to_a_change_order_and_a_retainer(self):
        """The demo change order waits for the client: the controller reads its diff against the engagement;
        then the demo retainer's periods, from the engagement's Retainer button."""
        self._walk("ps_walk_controller_change_order", "demo.fiona", "controller-6-change-order")
        retainer = self.env["sale.order"].search([("ps_billing_model", "=", "retainer"), ("ps_retainer_hours", ">", 0)])
        self.assertTrue(retainer.ps_retainer_period_ids, "the demo retainer is drawn down")
        url = f"/web#model=sale.order&id={retainer.id}&view_type=form"
        self._walk("ps_walk_controller_retainer", "demo.fiona", "controller-7-retainer", url=url)

    def test_client_walk_to_a_change_order_in_the_portal(self):
        change = self.env["ps.change.order"].search([("state", "=", "submitted")], order="id", limit=1)
        self.assertTrue(change, "the demo change order waits for the client")
        url = f"/my/change_orders/{change.id}"
        self._walk("ps_walk_client_change_order_portal", "demo.peter", "client-1-change-order-portal", url=url)

    def test_project_manager_walk(self):
        self._walk("ps_walk_project_manager", "demo.sofia", "project-manager-1-timesheets-to-approve")
        self._walk("ps_walk_project_manager_exceptions", "demo.sofia", "project-manager-2-exceptions")

    def test_consultant_walk(self):
        self._walk("ps_walk_consultant", "demo.lucas", "consultant-1-my-timesheets")

    def test_approver_walk(self):
        """The managing director opens the draft that waits for them (the demo's 60,000.00 one at level 3)."""
        director = self.env["res.users"].search([("login", "=", "demo.margaret")])
        draft = (
            self.env["ps.approval.request"]
            .search([("state", "=", "pending"), ("approver_ids", "in", director.ids)], order="id", limit=1)
            .move_id
        )
        self.assertTrue(draft, "the demo has a draft waiting for the managing director")
        url = f"/web#model=account.move&id={draft.id}&view_type=form"
        self._walk("ps_walk_approver_invoice", "demo.margaret", "approver-1-invoice-to-approve", url=url)

    def test_administrator_walk_through_the_integration(self):
        """An endpoint's delivery exhausted its retries: the administrator sees it counted in the board's
        Integration Health, and finds the demo's business events."""
        endpoint = self.env["ps.webhook.endpoint"].create(
            {"name": "n8n (month-end flows)", "url": "https://n8n.example.com/webhook/billing-events"}
        )
        endpoint.sudo()._ps_rotate_secret()
        blocked = self.env["ps.billing.readiness"].search([("state", "=", "blocked")], order="id", limit=1)
        event = self.env["ps.billing.event.hook"]._ps_emit_event("readiness.blocked", blocked)
        delivery = self.env["ps.webhook.delivery"].search([("endpoint_id", "=", endpoint.id)])
        self.assertEqual(len(delivery), 1, event)
        # Its ten attempts failed (as the delivery tests make them fail): a dead letter.
        delivery.sudo().write({"state": "dead", "next_attempt_on": False})
        self._walk("ps_walk_administrator_integration_health", "admin", "administrator-1-integration-health")
        self._walk("ps_walk_administrator_events", "admin", "administrator-2-business-events")
