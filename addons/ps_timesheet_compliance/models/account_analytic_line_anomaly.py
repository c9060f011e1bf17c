# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets: the advisory anomaly flags shown to the approver."""

from collections import defaultdict

from odoo import _, api, models
from odoo.exceptions import UserError

from .account_analytic_line import ANOMALY_CODES, HISTORY_DAYS, MIN_HISTORY_DAYS


class AccountAnalyticLine(models.Model):
    # The model is split by concern across files (house style), on purpose.
    _inherit = "account.analytic.line"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # Anomalies
    # ------------------------------------------------------------

    @api.model
    def _get_ps_anomaly_labels(self):
        """Return (code, label) of the advisory anomaly flags."""
        return [
            ("over_daily_max", _("Over the daily maximum")),
            ("weekend_holiday", _("Weekend or public holiday")),
            ("no_description", _("No description")),
            ("unusual_hours", _("Far from the usual hours")),
        ]

    def _flush_ps_anomaly_sources(self):
        self.env["account.analytic.line"].flush_model(
            ["date", "unit_amount", "employee_id", "project_id", "company_id", "name"]
        )
        self.env["res.company"].flush_model(["ps_timesheet_daily_max", "ps_timesheet_deviation_factor"])
        self.env["hr.employee"].flush_model(["resource_calendar_id"])
        self.env["resource.calendar.leaves"].flush_model()

    def _read_ps_anomalies(self):
        """Return {line id: set of anomaly codes} for these lines, one query per flag."""
        self._flush_ps_anomaly_sources()
        result = defaultdict(set)
        for code in ANOMALY_CODES:
            query, params = self._get_ps_anomaly_query(code, self.ids)
            self.env.cr.execute(query, params)
            for (line_id,) in self.env.cr.fetchall():
                result[line_id].add(code)
        return result

    @api.model
    def _get_ps_anomaly_query(self, code, ids=None):
        """Return (query, params) selecting the ids of the timesheet lines flagged ``code`` (among ``ids``).

        Only constant SQL fragments of this method are interpolated; values go through parameters.
        """
        restrict, params = "", []
        if ids is not None:
            restrict, params = "AND l.id IN %s", [tuple(ids) or (0,)]
        if code == "no_description":
            query = f"""
                SELECT l.id FROM account_analytic_line l
                 WHERE l.project_id IS NOT NULL {restrict}
                   AND COALESCE(btrim(l.name), '') IN ('', '/')
            """  # noqa: S608
        elif code == "weekend_holiday":
            query = f"""
                SELECT l.id FROM account_analytic_line l
                  JOIN res_company co ON co.id = l.company_id
                  LEFT JOIN hr_employee e ON e.id = l.employee_id
                  LEFT JOIN resource_calendar c ON c.id = COALESCE(e.resource_calendar_id, co.resource_calendar_id)
                 WHERE l.project_id IS NOT NULL {restrict}
                   AND (EXTRACT(ISODOW FROM l.date) IN (6, 7) OR EXISTS (
                        SELECT 1 FROM resource_calendar_leaves h
                         WHERE h.resource_id IS NULL
                           AND (h.calendar_id IS NULL OR h.calendar_id = c.id)
                           AND (h.company_id IS NULL OR h.company_id = l.company_id)
                           AND l.date BETWEEN
                               (h.date_from AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(c.tz, 'UTC'))::date
                               AND (h.date_to AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(c.tz, 'UTC'))::date))
            """  # noqa: S608
        elif code == "over_daily_max":
            day_restrict = ""
            if ids is not None:
                day_restrict = (
                    "AND (t.employee_id, t.date) IN "
                    "(SELECT employee_id, date FROM account_analytic_line WHERE id IN %s)"
                )
                params = params + params
            query = f"""
                SELECT l.id FROM account_analytic_line l
                  JOIN res_company co ON co.id = l.company_id
                  JOIN (SELECT t.employee_id, t.date, SUM(t.unit_amount) AS total
                          FROM account_analytic_line t
                         WHERE t.project_id IS NOT NULL AND t.employee_id IS NOT NULL {day_restrict}
                         GROUP BY t.employee_id, t.date) d ON d.employee_id = l.employee_id AND d.date = l.date
                 WHERE l.project_id IS NOT NULL {restrict}
                   AND COALESCE(co.ps_timesheet_daily_max, 0) > 0 AND d.total > co.ps_timesheet_daily_max
            """  # noqa: S608
        elif code == "unusual_hours":
            employee_restrict = ""
            if ids is not None:
                employee_restrict = (
                    "AND t.employee_id IN (SELECT employee_id FROM account_analytic_line WHERE id IN %s)"
                )
                params = params + params
            query = f"""
                WITH days AS (
                    SELECT t.employee_id, t.date, SUM(t.unit_amount) AS total
                      FROM account_analytic_line t
                     WHERE t.project_id IS NOT NULL AND t.employee_id IS NOT NULL {employee_restrict}
                     GROUP BY t.employee_id, t.date
                )
                SELECT l.id FROM account_analytic_line l
                  JOIN res_company co ON co.id = l.company_id
                  JOIN days d ON d.employee_id = l.employee_id AND d.date = l.date
                  JOIN LATERAL (
                       SELECT AVG(p.total) AS average, COUNT(*) AS n FROM days p
                        WHERE p.employee_id = d.employee_id
                          AND p.date >= d.date - {HISTORY_DAYS} AND p.date < d.date
                  ) h ON TRUE
                 WHERE l.project_id IS NOT NULL {restrict}
                   AND COALESCE(co.ps_timesheet_deviation_factor, 0) > 1 AND h.n >= {MIN_HISTORY_DAYS}
                   AND (d.total > h.average * co.ps_timesheet_deviation_factor
                        OR d.total < h.average / co.ps_timesheet_deviation_factor)
            """  # noqa: S608
        else:
            raise UserError(_("Unknown anomaly flag %s.", code))
        return query, params
