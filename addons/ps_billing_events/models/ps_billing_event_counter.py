# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools.sql import SQL


class PsBillingEventCounter(models.Model):
    """The last sequence number given to an engagement's events: consumers order them by it."""

    _name = "ps.billing.event.counter"
    _description = "Billing Event Sequence per Engagement"
    _rec_name = "sale_order_id"

    sale_order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", readonly=True)
    last_number = fields.Integer(readonly=True)

    _sql_constraints = [("sale_order_uniq", "unique(sale_order_id)", "One counter per engagement.")]

    @api.model
    def _ps_take_numbers(self, counts):
        """Reserve ``counts`` {engagement id: how many} numbers; return {engagement id: first number}.

        One statement for the batch: an upsert that adds to each counter and locks its row until the
        transaction ends, so two transactions emitting for one engagement take distinct numbers (the
        second waits for the first). Engagements in id order, so that two of them never deadlock.
        """
        if not counts:
            return {}
        order_ids = sorted(counts)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO ps_billing_event_counter (sale_order_id, last_number, create_uid, write_uid,
                                                      create_date, write_date)
                SELECT order_id, amount, %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM unnest(%(orders)s::int[], %(amounts)s::int[]) AS v(order_id, amount)
                ON CONFLICT (sale_order_id) DO UPDATE
                   SET last_number = ps_billing_event_counter.last_number + EXCLUDED.last_number,
                       write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                RETURNING sale_order_id, last_number
                """,
                uid=self.env.uid,
                orders=order_ids,
                amounts=[counts[order_id] for order_id in order_ids],
            )
        )
        rows = self.env.cr.fetchall()
        # Written around the ORM: what it cached of the counters is stale.
        self.invalidate_model(["last_number"])
        return {order_id: last - counts[order_id] + 1 for order_id, last in rows}
