# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, models

_logger = logging.getLogger(__name__)


class PsCronMixin(models.AbstractModel):
    """How every scheduled action of the suite works through its work (house rule 7).

    A run handles one batch (``limit`` records) and calls its scheduled action again
    while work remains (``_ps_retrigger``); Odoo commits after each run, so a crash loses
    one batch at most and the next run takes it again. Within a batch, a savepoint for
    the whole batch, or for each record once the batch failed, so that one bad record
    cannot sink the others.
    """

    _name = "ps.cron.mixin"
    _description = "Billing Control Scheduled Action"

    @api.model
    def _ps_run_batch(self, records, func, what, on_failure=None):
        """Run ``func`` on the whole batch in one savepoint; if it fails, run it record by record.
        Return the records that failed (logged, handed to ``on_failure(record, error)``, skipped).
        An empty batch is no work: ``func`` is not called."""
        if not records:
            return records
        try:
            with self.env.cr.savepoint():
                func(records)
            return records.browse()
        except Exception as error:  # noqa: BLE001 -- the culprit is isolated below
            if len(records) == 1:
                self._ps_handle_failure(records, error, what, on_failure)
                return records
            _logger.info("Billing Control: a batch failed to %s; retrying one by one", what)
        return records.browse([item.id for item in self._ps_run_each(records, func, what, on_failure)])

    @api.model
    def _ps_run_each(self, items, func, what, on_failure=None):
        """Run ``func`` on each item in its own savepoint; return the list of items that failed."""
        failed = []
        for item in items:
            try:
                with self.env.cr.savepoint():
                    func(item)
            except Exception as error:  # noqa: BLE001 -- one record must not sink the batch
                self._ps_handle_failure(item, error, what, on_failure)
                failed.append(item)
        return failed

    @api.model
    def _ps_handle_failure(self, item, error, what, on_failure):
        name = item.display_name if isinstance(item, models.BaseModel) else item
        _logger.warning("Billing Control: could not %s %s: %s", what, name, error)
        if on_failure:
            with self.env.cr.savepoint():
                on_failure(item, error)

    @api.model
    def _ps_retrigger(self, cron_xmlid, more):
        """Call the scheduled action ``cron_xmlid`` again (after this run is committed) if ``more`` work remains."""
        if more:
            self.env.ref(cron_xmlid)._trigger()
        return more
