# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import Command, api, models

_logger = logging.getLogger(__name__)

CORE = "ps_billing_readiness"
MODULE = "ps_billing_approvals"


class PsDemoFirm(models.AbstractModel):
    _inherit = "ps.demo.firm"

    @api.model
    def _load_demo_approvals(self):
        """Give the demo firm the approval matrix of a mid-size firm and drafts waiting at each level.

        Matrix: key accounts → their account manager (level 1); over 10k, any
        write-off or manual edit → Finance Controller (level 2); over 50k or a
        margin below 20 % → the managing director (level 3).
        """
        if self.env.ref(f"{MODULE}.demo_approval_rule_over_10k", raise_if_not_found=False):
            _logger.info("The demo approval matrix is already loaded.")
            return
        users = {
            user.login: user
            for user in self.env["res.users"].search([("login", "in", ("demo.margaret", "demo.fiona", "demo.sofia"))])
        }
        if len(users) < 3:
            _logger.info("No demo firm: the demo approval matrix is not loaded.")
            return
        env = self.with_context(tracking_disable=True, mail_create_nolog=True, mail_activity_quick_update=True).env
        controller_group = env.ref(f"{CORE}.group_finance_controller")
        flags = {code: env.ref(f"{CORE}.flag_{code}") for code in ("write_off", "manual_edit")}
        specs = [
            (
                "key_accounts",
                {
                    "name": "Key accounts: account manager",
                    "level": 1,
                    "sequence": 10,
                    "partner_category_ids": [Command.set(env.ref(f"{CORE}.demo_partner_category_tier_1").ids)],
                    "approver_type": "salesperson",
                },
            ),
            (
                "over_10k",
                {
                    "name": "Over 10k: Finance Controller",
                    "level": 2,
                    "sequence": 10,
                    "amount_min": 10000.0,
                    "approver_type": "group",
                    "group_id": controller_group.id,
                },
            ),
            (
                "write_off_manual_edit",
                {
                    "name": "Write-off or manual edit: Finance Controller",
                    "level": 2,
                    "sequence": 20,
                    "exception_flag_ids": [Command.set([flag.id for flag in flags.values()])],
                    "approver_type": "group",
                    "group_id": controller_group.id,
                },
            ),
            (
                "over_50k",
                {
                    "name": "Over 50k: Managing Director",
                    "level": 3,
                    "sequence": 10,
                    "amount_min": 50000.0,
                    "approver_type": "users",
                    "user_ids": [Command.set(users["demo.margaret"].ids)],
                },
            ),
            (
                "low_margin",
                {
                    "name": "Margin below 20 %: Managing Director",
                    "level": 3,
                    "sequence": 20,
                    "margin_below": 20.0,
                    "approver_type": "users",
                    "user_ids": [Command.set(users["demo.margaret"].ids)],
                },
            ),
        ]
        rules = env["ps.approval.rule"].create([vals for _key, vals in specs])
        env["ir.model.data"].create(
            [
                {
                    "module": MODULE,
                    "name": f"demo_approval_rule_{key}",
                    "model": rules._name,
                    "res_id": rule.id,
                    "noupdate": True,
                }
                for (key, _vals), rule in zip(specs, rules, strict=True)
            ]
        )
        env["ps.demo.firm"]._create_demo_approval_drafts(users)

    @api.model
    def _create_demo_approval_drafts(self, users):
        """Create invoice drafts waiting at level 1, 2 and 3, and one straight-through."""
        product = self.env.ref(f"{CORE}.demo_product_time_materials")
        partner = {
            key: self.env.ref(f"{CORE}.demo_partner_{key}") for key in ("northgate", "meridian", "alder", "greenleaf")
        }
        drafts = [
            # (client, salesperson, hours, price)
            ("northgate", users["demo.sofia"], 40, 150.0),  # key account, 6,000: level 1
            ("meridian", users["demo.fiona"], 120, 150.0),  # 18,000: level 2
            ("alder", users["demo.sofia"], 400, 150.0),  # 60,000: level 2 approved, level 3 waits
            ("greenleaf", users["demo.sofia"], 20, 150.0),  # 3,000: straight through
        ]
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner[client].id,
                    "invoice_user_id": salesperson.id,
                    "invoice_line_ids": [
                        Command.create({"product_id": product.id, "quantity": hours, "price_unit": price})
                    ],
                }
                for client, salesperson, hours, price in drafts
            ]
        )
        moves.action_ps_request_approval()
        northgate, meridian, alder, _greenleaf = moves
        # Meridian (a key account) passed its account manager: it waits for a finance controller.
        meridian.with_user(users["demo.fiona"]).action_ps_approve("The client confirmed the hours.")
        # Alder passed the finance controller: it waits for the managing director.
        alder.with_user(users["demo.fiona"]).action_ps_approve("Rates checked against the contract.")
        _logger.info(
            "Demo approvals: %s waits at level 1, %s at level 2, %s at level 3.",
            northgate.partner_id.name,
            meridian.partner_id.name,
            alder.partner_id.name,
        )
