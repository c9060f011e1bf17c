# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PsBillingEventHook(models.AbstractModel):
    _inherit = "ps.billing.event.hook"

    @api.model
    def _ps_emit_event(self, event_type, records, payload_fn=None, one_event=False):
        """Write the events to the outbox, in the caller's transaction (see the core's hook)."""
        res = super()._ps_emit_event(event_type, records, payload_fn=payload_fn, one_event=one_event)
        if records:
            self.env["ps.billing.event"]._ps_record_events(event_type, records, payload_fn, one_event)
        return res
