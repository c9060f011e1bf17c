# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import BillingControlCase


@tagged("post_install", "-at_install")
class TestBillingControlUi(BillingControlCase, HttpCase):
    def test_finance_controller_opens_billing_control_app(self):
        self.start_tour("/web", "ps_billing_control_open_app", login=self.controller.login)

    def test_controller_follows_a_finding_from_the_exception_queue(self):
        last_month = fields.Date.today().replace(day=1) - timedelta(days=1)
        self._log_time(self.employee_consultant, 5.0, last_month)
        self.engagement.date_order = fields.Datetime.now() - timedelta(days=90)
        readiness = self._evaluate(day=fields.Date.today())
        self.assertIn("blocked", readiness.mapped("state"))
        self.start_tour("/web", "ps_readiness_follow_exception", login=self.controller.login)
