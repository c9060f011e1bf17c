# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A readiness check added by a module without touching the core: a record
(data/ps_readiness_check_data.xml), one input and one method that reads the evaluation only."""

from collections import defaultdict

from odoo import _, api, fields, models


class ClientHold(models.Model):
    """A hold a client puts on an engagement: on all of it, or on an amount of its own."""

    _name = "test.ps.client.hold"
    _description = "Test: client hold on an engagement"

    sale_order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    whole_engagement = fields.Boolean()
    amount = fields.Float()


class ReadinessWatcher(models.Model):
    """Stored fields of another model depending on fields the evaluation writes in bulk."""

    _name = "test.ps.readiness.watcher"
    _description = "Test: stored fields depending on a readiness record"

    readiness_id = fields.Many2one("ps.billing.readiness", required=True, ondelete="cascade")
    readiness_state = fields.Char(compute="_compute_readiness_copy", store=True)
    readiness_at_risk = fields.Float(compute="_compute_readiness_copy", store=True)
    # Depends on the findings, which the evaluation inserts in bulk (ps.batch.runner._insert_rows).
    finding_count = fields.Integer(compute="_compute_finding_count", store=True)

    @api.depends("readiness_id.state", "readiness_id.amount_at_risk")
    def _compute_readiness_copy(self):
        for watcher in self:
            watcher.readiness_state = watcher.readiness_id.state
            watcher.readiness_at_risk = watcher.readiness_id.amount_at_risk

    @api.depends("readiness_id.finding_ids")
    def _compute_finding_count(self):
        for watcher in self:
            watcher.finding_count = len(watcher.readiness_id.finding_ids)


class PsBillingReadiness(models.Model):
    _inherit = "ps.billing.readiness"

    # A stored field of the readiness model itself depending on a bulk-written field.
    test_blocked_label = fields.Char(compute="_compute_test_blocked_label", store=True)

    @api.depends("amount_blocked")
    def _compute_test_blocked_label(self):
        for record in self:
            record.test_blocked_label = f"{record.amount_blocked:.2f} blocked"

    def _ps_get_evaluation_inputs(self):
        res = super()._ps_get_evaluation_inputs()
        res["test_client_holds"] = self._test_read_client_holds
        return res

    @api.model
    def _test_read_client_holds(self, evaluation):
        """Return {order id: [hold]} of the engagements evaluated, in one query."""
        holds = defaultdict(list)
        for hold in self.env["test.ps.client.hold"].sudo().search([("sale_order_id", "in", evaluation.orders.ids)]):
            holds[hold.sale_order_id.id].append(hold)
        return holds

    @api.model
    def _ps_check_test_client_hold(self, evaluation):
        findings = []
        for record in evaluation.targets:
            for hold in evaluation.inputs["test_client_holds"].get(record.sale_order_id.id, ()):
                if hold.whole_engagement:
                    amount, about = evaluation.deliverable[record.id], None
                else:
                    amount, about = hold.amount, hold
                message = _(
                    "The client holds %(amount)s of %(order)s.",
                    amount=evaluation.format_amount(amount, record.currency_id),
                    order=record.sale_order_id.name,
                )
                findings.append(evaluation.finding(record, message, amount, about))
        return findings
