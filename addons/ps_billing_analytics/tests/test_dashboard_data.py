# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Billing Control dashboard: the models and fields it reads exist; controllers only see it."""

import json

from odoo.addons.ps_billing_readiness.tests.common import GROUP_FINANCE_CONTROLLER
from odoo.addons.spreadsheet.tests.validate_spreadsheet_data import ValidateSpreadsheetData, fields_in_spreadsheet
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestBillingControlDashboardData(ValidateSpreadsheetData):
    def test_dashboard_models_and_fields_exist(self):
        dashboard = self.env.ref("ps_billing_analytics.spreadsheet_dashboard_billing_control")
        self.validate_spreadsheet_data(dashboard.spreadsheet_data, dashboard.name)
        used = fields_in_spreadsheet(json.loads(dashboard.spreadsheet_data))
        self.assertEqual(set(used), {"ps.kpi.snapshot"})
        self.assertTrue({"kpi_code", "month", "value", "amount", "reason", "dimension"} <= used["ps.kpi.snapshot"])

    def test_dashboard_is_for_finance_controllers(self):
        dashboard = self.env.ref("ps_billing_analytics.spreadsheet_dashboard_billing_control")
        self.assertEqual(dashboard.group_ids, self.env.ref(GROUP_FINANCE_CONTROLLER))
        self.assertEqual(dashboard.name, "Billing Control")
