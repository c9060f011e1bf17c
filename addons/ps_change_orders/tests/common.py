# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The test firm's engagement with change orders."""

import base64

from odoo import Command
from odoo.addons.ps_billing_readiness.tests.common import BillingControlCase
from odoo.tests import new_test_user


class ChangeOrderCase(BillingControlCase):
    """The engagement (100 hours of time and materials at 150.00, a milestone line of 10,000.00) and
    the client's contact with a portal login (password = login)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client_user = new_test_user(
            cls.env, login="bc_nora_co", name="Nora North", groups="base.group_portal", partner_id=cls.client_contact.id
        )
        cls.change_task = cls.env["project.task"].create({"name": "Extra interfaces", "project_id": cls.project.id})

    @classmethod
    def _change_order(cls, **values):
        """Return a draft change order of the engagement: 20 more hours and a new milestone of 4,000.00."""
        return (
            cls.env["ps.change.order"]
            .with_user(cls.project_manager)
            .create(
                {
                    "sale_order_id": cls.engagement.id,
                    "reason": "The client asked for two more interfaces.",
                    "task_ids": [Command.set(cls.change_task.ids)],
                    "line_ids": [
                        Command.create(
                            {
                                "change_type": "change_quantity",
                                "sale_line_id": cls.line_time_materials.id,
                                "quantity": 120,
                            }
                        ),
                        Command.create(
                            {
                                "change_type": "add_milestone",
                                "product_id": cls.product_milestone.id,
                                "name": "Interfaces live",
                                "price_unit": 4000.0,
                                "date": "2026-12-15",
                            }
                        ),
                    ],
                    **values,
                }
            )
            .with_user(cls.env.user)
        )

    @classmethod
    def _attach_evidence(cls, change, name="signed_change_order.pdf"):
        return cls.env["ir.attachment"].create(
            {
                "name": name,
                "res_model": "ps.change.order",
                "res_id": change.id,
                "datas": base64.b64encode(b"Signed by the client"),
            }
        )

    def _billing_snapshot(self):
        """What the engagement bills: each line's product, quantity, price and quantity to invoice, milestones."""
        self.env.invalidate_all()
        lines = self.engagement.order_line
        return (
            sorted((line.product_id.id, line.product_uom_qty, line.price_unit, line.qty_to_invoice) for line in lines),
            sorted(self.env["project.milestone"].search([("sale_line_id", "in", lines.ids)]).mapped("name")),
        )
