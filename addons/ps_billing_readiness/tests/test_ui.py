# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_FINANCE_CONTROLLER


@tagged("post_install", "-at_install")
class TestBillingControlUi(HttpCase):
    def test_finance_controller_opens_billing_control_app(self):
        controller = new_test_user(
            self.env, login="bc_tour_controller", password="bc_tour_controller",
            groups=GROUP_FINANCE_CONTROLLER, name="Tour Controller",
        )
        self.start_tour("/web", "ps_billing_control_open_app", login=controller.login)
