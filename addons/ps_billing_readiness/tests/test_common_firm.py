# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import BillingControlCase


@tagged("post_install", "-at_install")
class TestCommonFirm(BillingControlCase):
    def test_engagement_has_a_project_managed_by_the_project_manager(self):
        self.assertEqual(self.engagement.state, "sale")
        self.assertTrue(self.project, "confirming the engagement creates its project")
        self.assertEqual(self.project.user_id, self.project_manager)
        self.assertEqual(self.project.sale_line_id.order_id, self.engagement)
        self.assertEqual(self.task.sale_line_id, self.line_time_materials)

    def test_timesheets_on_the_engagement_are_delivered_time(self):
        self._log_time(self.employee_consultant, 3.0, "2026-01-05")
        self.assertEqual(self.line_time_materials.qty_delivered, 3.0)
