# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, models
from odoo.addons.queue_job.job import identity_exact
from odoo.tools import split_every

_logger = logging.getLogger(__name__)

# The channel of the suite's month-end jobs (odoo.conf, [queue_job] channels: its capacity).
BILLING_CHANNEL = "root.billing"


class PsCronMixin(models.AbstractModel):
    """How every scheduled action of the suite works through its work (house rule 7), on OCA queue_job.

    A scheduled action is a dispatcher: it finds the work and enqueues it as jobs on the
    ``root.billing`` channel, one job per batch (``_ps_get_batch_delayables``), or one job that
    enqueues the next batch while work remains (``_ps_enqueue``). The job runner executes
    them on any node; each job is one transaction, so a crash or a killed worker loses one
    batch at most, and the runner requeues it. Every job has an identity key (its model,
    method, records and arguments): dispatching twice enqueues nothing twice while the
    first is waiting, and each job takes only what is still to do when it runs, so a
    requeued or repeated job handles nothing twice. Within a batch, a savepoint for the
    whole batch, or for each record once the batch failed, so that one bad record cannot
    sink the others.
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

    # ------------------------------------------------------------
    # Jobs
    # ------------------------------------------------------------

    def _ps_delayable(self, description=None, method=None):
        """Return a delayable of these records for a job on the billing channel, with its identity key
        and ``description`` (by default, what ``method`` does and to how many records)."""
        if description is None and method:
            description = _(
                "Billing Control: %(what)s (%(count)s %(model)s)",
                what=method.removeprefix("_job_").replace("_", " "),
                count=len(self),
                model=self._description,
            )
        return self.delayable(channel=BILLING_CHANNEL, identity_key=identity_exact, description=description)

    def _ps_enqueue(self, method, *args, description=None, **kwargs):
        """Enqueue ``method`` of these records with these arguments as one job; return the job (a ``Job``,
        or the waiting one with the same identity)."""
        delayable = getattr(self._ps_delayable(description, method), method)(*args, **kwargs)
        delayable.delay()
        return delayable._generated_job

    def _ps_get_batch_delayables(self, method, size, *args, description=None):
        """Return one delayable of ``method(*args)`` per batch of ``size`` of these records."""
        return [
            getattr(self.browse(ids)._ps_delayable(description, method), method)(*args)
            for ids in split_every(size, self.ids, list)
        ]

    def _ps_enqueue_batches(self, method, size, *args, description=None):
        """Enqueue ``method(*args)`` on each batch of ``size`` of these records as a job of its own; return
        how many jobs (a dispatcher's answer)."""
        return self._ps_delay_each(self._ps_get_batch_delayables(method, size, *args, description=description))

    @api.model
    def _ps_delay_each(self, delayables):
        """Enqueue each of ``delayables`` as a job of its own, so that each batch is one identity (a batch
        waiting already is not enqueued twice); return how many there were."""
        for delayable in delayables:
            delayable.delay()
        return len(delayables)
