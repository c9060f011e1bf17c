# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import _, api, models
from odoo.tools.sql import SQL

from ..problems import ApiProblem

MAX_EVENTS = 500


class PsBillingEvent(models.Model):
    """The pull feed ``GET /events?after=<cursor>`` over the outbox of ps_billing_events.

    Event ids come from a sequence, so a transaction that started earlier can commit an event with a
    smaller id after a reader has moved past it. Each event row also holds the id of the transaction
    that wrote it (a column of its own, set by PostgreSQL) and the feed hands out events ordered by
    (transaction, id), of transactions older than any that was still running in this database when
    the reader's snapshot was taken: no event is skipped, and a later page never holds an older one.
    """

    _inherit = "ps.billing.event"

    def init(self):
        res = super().init()
        self.env.cr.execute(
            """
            ALTER TABLE ps_billing_event ADD COLUMN IF NOT EXISTS ps_api_txid bigint DEFAULT txid_current();
            CREATE INDEX IF NOT EXISTS ps_billing_event_ps_api_feed_idx ON ps_billing_event (ps_api_txid, id);
            """
        )
        return res

    @api.model
    def _ps_parse_cursor(self, cursor):
        """Return (transaction id, event id) of a cursor of the feed ("<txid>.<id>"); (0, 0) for none."""
        if not cursor:
            return 0, 0
        txid, sep, event_id = cursor.partition(".")
        if not (sep and txid.isdigit() and event_id.isdigit() and len(cursor) <= 40):
            raise ApiProblem(400, "invalid-cursor", _("Invalid cursor"), _("Pass the next_cursor of a previous page."))
        return int(txid), int(event_id)

    @api.model
    def _ps_get_feed(self, after=None, limit=100):
        """Return the page of events after the cursor ``after``, in the client's companies."""
        txid, event_id = self._ps_parse_cursor(after)
        limit = max(1, min(limit, MAX_EVENTS))
        horizon = self._ps_get_feed_horizon()
        self.env.cr.execute(
            SQL(
                """
                SELECT id, ps_api_txid FROM ps_billing_event
                 WHERE (ps_api_txid < %(horizon)s OR ps_api_txid = txid_current_if_assigned())
                   AND (ps_api_txid, id) > (%(txid)s, %(event_id)s)
                   AND company_id = ANY(%(companies)s)
                 ORDER BY ps_api_txid, id
                 LIMIT %(limit)s
                """,
                horizon=horizon,
                txid=txid,
                event_id=event_id,
                companies=self.env.user.company_ids.ids,
                limit=limit + 1,
            )
        )
        rows = self.env.cr.fetchall()
        has_more = len(rows) > limit
        rows = rows[:limit]
        events = self.browse([row[0] for row in rows])
        bodies = {event.id: event.body for event in events}
        items = []
        for row_id, row_txid in rows:
            body = json.loads(bodies[row_id] or "{}")
            items.append(dict(body, cursor=f"{row_txid}.{row_id}"))
        return {
            "events": items,
            "next_cursor": items[-1]["cursor"] if items else (after or None),
            "has_more": has_more,
        }

    @api.model
    def _ps_get_feed_horizon(self):
        """Return the first transaction id whose events the feed cannot hand out yet: the oldest of the
        transactions running when this transaction's snapshot was taken, leaving aside those still
        running in other databases of the cluster (a long test or job elsewhere must not stall the feed).
        """
        cr = self.env.cr
        cr.execute(
            """
            SELECT txid_snapshot_xmax(txid_current_snapshot()),
                   ARRAY(SELECT txid_snapshot_xip(txid_current_snapshot())),
                   ARRAY(SELECT backend_xid::text::bigint FROM pg_stat_activity
                          WHERE datname IS DISTINCT FROM current_database() AND backend_xid IS NOT NULL)
            """
        )
        xmax, running, elsewhere = cr.fetchone()
        elsewhere = set(elsewhere)
        # txids carry an epoch in their high 32 bits; pg_stat_activity shows the low 32 bits (the xid).
        ours = [xid for xid in running if xid % 2**32 not in elsewhere]
        return min(ours, default=xmax)
