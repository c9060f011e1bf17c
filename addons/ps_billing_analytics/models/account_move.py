# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .ps_invoice_anomaly import HISTORY_SIZE, MIN_HISTORY, triage

GROUP_FINANCE_CONTROLLER = "ps_billing_readiness.group_finance_controller"
# A change of any of these re-triages a draft.
TRIAGE_FIELDS = {"invoice_line_ids", "line_ids", "partner_id", "currency_id", "invoice_date"}


class AccountMove(models.Model):
    _inherit = "account.move"

    ps_anomaly_ids = fields.One2many(
        "ps.invoice.anomaly", "move_id", "Anomalies", readonly=True, groups=GROUP_FINANCE_CONTROLLER
    )

    @api.depends("ps_anomaly_ids")
    def _compute_ps_exception_flag_ids(self):
        return super()._compute_ps_exception_flag_ids()

    def _get_ps_exception_flag_codes(self):
        """Return the core's codes, and ``anomaly`` for the drafts the triage flagged."""
        result = super()._get_ps_exception_flag_codes()
        # Whoever edits the draft recomputes its flags: the anomalies are read as the engine.
        groups = self.env["ps.invoice.anomaly"].sudo()._read_group([("move_id", "in", self.ids)], ["move_id"])
        for (move,) in groups:
            result[move.id].add("anomaly")
        return result

    def write(self, vals):
        result = super().write(vals)
        if TRIAGE_FIELDS & set(vals):
            self._ps_triage_anomalies()
        return result

    # ------------------------------------------------------------
    # Triage
    # ------------------------------------------------------------

    def _ps_triage_anomalies(self):
        """Compare these customer invoice drafts with their engagement's (else their client's) last posted
        invoices and replace their anomaly flags; return the new flags. Advisory: nothing is decided."""
        drafts = self.sudo().filtered(lambda m: m.state == "draft" and m.move_type == "out_invoice")
        Anomaly = self.env["ps.invoice.anomaly"].sudo()
        if not drafts:
            return Anomaly
        order_by_move = {move.id: move._ps_get_triage_order() for move in drafts}
        orders = self.env["sale.order"].union(*order_by_move.values())
        by_client, by_order = drafts._ps_get_triage_history(drafts.commercial_partner_id, orders)
        history = self.browse({mid for ids in (*by_client.values(), *by_order.values()) for mid in ids}).sudo()
        features = (drafts | history)._ps_get_triage_features()
        vals_list = []
        for move in drafts:
            engagement = by_order.get(order_by_move[move.id].id, [])
            if len(engagement) >= MIN_HISTORY:
                ids, scope = engagement, "engagement"
            else:
                ids, scope = by_client.get(move.commercial_partner_id.id, []), "client"
            for flag in triage(features[move.id], [features[mid] for mid in ids], scope):
                vals_list.append({**flag, "move_id": move.id, "abs_score": abs(flag["score"])})
        Anomaly.search([("move_id", "in", drafts.ids)]).unlink()
        return Anomaly.create(vals_list)

    def _ps_get_triage_order(self):
        """Return the engagement this invoice bills (its readiness period's, else its sales lines')."""
        return self.ps_readiness_id.sale_order_id or self.invoice_line_ids.sale_line_ids.order_id[:1]

    @api.model
    def _ps_get_triage_history(self, partners, orders):
        """Return ({client id: ids}, {engagement id: ids}) of the last posted customer invoices, newest first:
        two queries for the whole batch (a window function keeps the last ones of each)."""
        self.env["account.move"].flush_model(["move_type", "state", "commercial_partner_id", "invoice_date"])
        self.env["account.move.line"].flush_model(["move_id", "sale_line_ids"])
        self.env.cr.execute(
            """
            SELECT commercial_partner_id, id FROM (
                SELECT m.commercial_partner_id, m.id, ROW_NUMBER() OVER (
                    PARTITION BY m.commercial_partner_id ORDER BY m.invoice_date DESC, m.id DESC) AS rank
                FROM account_move m
                WHERE m.move_type = 'out_invoice' AND m.state = 'posted' AND m.commercial_partner_id = ANY(%s)
            ) ranked WHERE rank <= %s ORDER BY commercial_partner_id, rank
            """,
            [partners.ids, HISTORY_SIZE],
        )
        by_client = {}
        for partner_id, move_id in self.env.cr.fetchall():
            by_client.setdefault(partner_id, []).append(move_id)
        self.env.cr.execute(
            """
            SELECT order_id, id FROM (
                SELECT billed.order_id, billed.id, ROW_NUMBER() OVER (
                    PARTITION BY billed.order_id ORDER BY billed.invoice_date DESC, billed.id DESC) AS rank
                FROM (
                    SELECT DISTINCT sol.order_id, m.id, m.invoice_date
                    FROM account_move m
                    JOIN account_move_line aml ON aml.move_id = m.id
                    JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
                    JOIN sale_order_line sol ON sol.id = rel.order_line_id
                    WHERE m.move_type = 'out_invoice' AND m.state = 'posted' AND sol.order_id = ANY(%s)
                ) billed
            ) ranked WHERE rank <= %s ORDER BY order_id, rank
            """,
            [orders.ids, HISTORY_SIZE],
        )
        by_order = {}
        for order_id, move_id in self.env.cr.fetchall():
            by_order.setdefault(order_id, []).append(move_id)
        return by_client, by_order

    def _ps_get_triage_features(self):
        """Return {move id: {amount, hours, rate, discount, expense_share, lines}} of these invoices: untaxed
        amount (company currency), hours billed, their average rate, the discount given in percent of the
        gross, the share of re-invoiced expenses, and the number of product lines."""
        hour = self.env.ref("uom.product_uom_hour")
        # The sales lines of all the lines at once (read line by line, a many2many costs a query each).
        expense_line_ids = set(self.invoice_line_ids.sale_line_ids.filtered("is_expense").invoice_lines.ids)
        result = {}
        for move in self:
            lines = move.invoice_line_ids.filtered(lambda line: line.display_type == "product")
            time_lines = lines.filtered(lambda line: line.product_uom_id.category_id == hour.category_id)
            hours = sum(line.product_uom_id._compute_quantity(line.quantity, hour) for line in time_lines)
            gross = sum(line.quantity * line.price_unit for line in lines)
            given = sum(line.quantity * line.price_unit * line.discount / 100 for line in lines)
            untaxed = move.amount_untaxed
            expense = sum(line.price_subtotal for line in lines if line.id in expense_line_ids)
            result[move.id] = {
                "amount": abs(move.amount_untaxed_signed),
                "hours": hours,
                "rate": sum(time_lines.mapped("price_subtotal")) / hours if hours else 0.0,
                "discount": 100.0 * given / gross if gross else 0.0,
                "expense_share": expense / untaxed if untaxed else 0.0,
                "lines": len(lines),
            }
        return result
