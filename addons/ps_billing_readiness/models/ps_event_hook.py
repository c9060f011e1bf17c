# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PsBillingEventHook(models.AbstractModel):
    """Where the suite says that a business event happened (a period blocked, an invoice approved, ...).

    The modules call ``_ps_emit_event`` once per batch of records, in the transaction of the change,
    at the point where the change is made. The core records nothing: the call costs one method call.
    ``ps_billing_events`` extends it with ``super()`` to write the events to its outbox (and deliver
    them as signed webhooks), so that the outer ring never needs to know the feature modules.
    """

    _name = "ps.billing.event.hook"
    _description = "Billing Control Business Event Hook"

    @api.model
    def _ps_emit_event(self, event_type, records, payload_fn=None, one_event=False):
        """Hook: record the business event ``event_type`` (e.g. ``"invoice.approved"``) about each of
        ``records`` (or, with ``one_event``, one event for all of them per engagement); returns nothing.

        ``payload_fn(records)``, optional, returns {record id: dict} of the figures only the emitting
        module knows, added to each event's payload; it is called only when events are recorded.
        """
        return None
