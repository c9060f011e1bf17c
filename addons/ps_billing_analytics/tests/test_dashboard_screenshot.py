# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo firm's controller opens the Billing Control dashboard on non-empty figures; the screen is kept
as ``<screenshots>/analytics/analytics-dashboard.png`` (the README's screenshot)."""

import pathlib

from odoo.addons.ps_billing_readiness.tests.common import start_tour_with_screenshot
from odoo.tests import HttpCase, tagged
from odoo.tools import config


@tagged("post_install", "-at_install")
class TestDashboardScreenshot(HttpCase):
    browser_size = "1440x1100"

    def test_controller_opens_the_dashboard_on_figures(self):
        controller = self.env["res.users"].search([("login", "=", "demo.fiona")])
        if not controller:
            self.skipTest("the demo firm is not loaded (installed without demo data)")
        snapshots = self.env["ps.kpi.snapshot"].with_user(controller).search([("dimension", "=", "company")])
        self.assertTrue(snapshots.filtered(lambda row: row.value or row.amount), "the demo has KPI figures")
        folder = pathlib.Path(config["screenshots"]) / "analytics"
        folder.mkdir(parents=True, exist_ok=True)
        start_tour_with_screenshot(
            self, "/web", "ps_billing_analytics_dashboard", "demo.fiona", folder / "analytics-dashboard.png"
        )
