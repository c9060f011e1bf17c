# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The firm of the core tests, plus a director, an administrator and invoice drafts to route."""

from odoo import Command
from odoo.addons.ps_billing_readiness.tests.common import (
    GROUP_ADMINISTRATOR,
    GROUP_FINANCE_CONTROLLER,
    BillingControlCase,
)
from odoo.tests.common import new_test_user


class ApprovalCase(BillingControlCase):
    """Adds to the core firm:

    - a director (finance controller) and a billing administrator;
    - helpers to create approval rules and customer invoice drafts, created by
      the finance controller unless told otherwise.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.director = new_test_user(
            cls.env,
            login="bc_director",
            name="Diana Director",
            groups=GROUP_FINANCE_CONTROLLER,
            email="diana@example.com",
        )
        cls.administrator = new_test_user(
            cls.env,
            login="bc_admin",
            name="Adam Administrator",
            groups=GROUP_ADMINISTRATOR,
            email="adam@example.com",
        )
        cls.Rule = cls.env["ps.approval.rule"]
        # Tests build their own matrix: the demo firm's rules, if loaded, stay out of the way.
        cls.Rule.search([]).active = False
        cls.Request = cls.env["ps.approval.request"]
        cls.other_client = cls.env["res.partner"].create({"name": "Southwind Partners", "is_company": True})
        cls.key_account_tag = cls.env["res.partner.category"].create({"name": "Key account"})

    @classmethod
    def _rule(cls, name="Rule", level=1, approver=None, **values):
        """Create a rule routed to ``approver`` (users), unless the values say otherwise."""
        if "approver_type" not in values:
            values.update(approver_type="users", user_ids=[Command.set((approver or cls.director).ids)])
        return cls.Rule.create({"name": name, "level": level, **values})

    @classmethod
    def _draft(cls, untaxed=1000.0, partner=None, creator=None, move_type="out_invoice", **values):
        """Create a customer invoice draft of one line of ``untaxed`` (no tax), by ``creator``."""
        line_values = values.pop("line_values", {})
        Move = cls.env["account.move"].with_user(creator or cls.controller)
        if not Move.env.user.has_group("account.group_account_invoice"):
            # Created by someone who cannot invoice (e.g. a project manager): only the author matters here.
            Move = Move.sudo()
        return Move.create(
            {
                "move_type": move_type,
                "partner_id": (partner or cls.client).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product_fixed_fee.id,
                            "quantity": 1.0,
                            "price_unit": untaxed,
                            "tax_ids": [Command.clear()],
                            **line_values,
                        }
                    )
                ],
                **values,
            }
        ).with_user(cls.env.user)

    @classmethod
    def _invoice_engagement(cls, hours=10.0, employee=None, day="2026-10-05"):
        """Log ``hours`` of ``employee`` on the engagement and invoice them through Odoo's invoicing."""
        cls._log_time(employee or cls.employee_consultant, hours, day)
        return cls.engagement.with_user(cls.controller)._create_invoices().with_user(cls.env.user)

    def _pending(self, move):
        return move.ps_approval_request_ids.filtered(lambda r: r.state == "pending")

    def _current(self, move):
        return move.ps_approval_request_ids.filtered(lambda r: r.round == move.ps_approval_round)
