# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, models


class PsPeriodMixin(models.AbstractModel):
    """Calendar periods and their cutoffs, one way for the whole suite: the billing periods
    of the readiness engine and the timesheet periods of the compliance scan."""

    _name = "ps.period.mixin"
    _description = "Billing Control Periods"

    @api.model
    def _ps_get_period(self, cycle, day, cutoff_days):
        """Return (start, end, cutoff) of the ``cycle`` ("weekly": Monday to Sunday, or "monthly")
        period containing ``day``; the cutoff is ``cutoff_days`` after its end."""
        if cycle == "weekly":
            start = day - timedelta(days=day.weekday())
            end = start + timedelta(days=6)
        elif cycle == "monthly":
            start = day.replace(day=1)
            end = start + relativedelta(months=1, days=-1)
        else:
            raise ValueError(f"Unknown period cycle {cycle!r}")
        return start, end, end + timedelta(days=cutoff_days)

    @api.model
    def _ps_get_periods_between(self, cycle, first_day, last_day, cutoff_days):
        """Return the ``cycle`` periods (start, end, cutoff) overlapping ``first_day`` to ``last_day``."""
        periods = []
        day = first_day
        while day <= last_day:
            period = self._ps_get_period(cycle, day, cutoff_days)
            periods.append(period)
            day = period[1] + timedelta(days=1)
        return periods
