# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

ACTIVITY_RETAINER_BURN = "ps_billing_readiness.mail_activity_type_retainer_burn"


class PsRetainerPeriod(models.Model):
    """The drawdown of a retainer engagement in one billing period: the hours it includes (its own
    and those rolled over), the approved hours drawn, the overage and what rolls over; for an amount
    retainer, the same in value (the approved hours times the net price of their sales line). Written
    by the engine only (``sale.order._ps_refresh_retainer``); frozen once the period is invoiced."""

    _name = "ps.retainer.period"
    _description = "Retainer Period"
    _inherit = ["ps.protected.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    sale_order_id = fields.Many2one(
        "sale.order", "Engagement", required=True, ondelete="cascade", index=True, readonly=True
    )
    partner_id = fields.Many2one(related="sale_order_id.partner_id", store=True, string="Client")
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="sale_order_id.currency_id")
    user_id = fields.Many2one(related="sale_order_id.user_id", string="Salesperson")
    period_start = fields.Date(required=True, readonly=True)
    period_end = fields.Date(required=True, readonly=True)
    retainer_unit = fields.Selection(
        [("hours", "Hours"), ("amount", "Amount")],
        default="hours",
        required=True,
        readonly=True,
        help="Hours: the period includes hours. Amount: it includes an amount, drawn down by the value of the "
        "approved time (hours times the net price of their sales line).",
    )
    hours_base = fields.Float("Hours Included", readonly=True)
    hours_rollover_in = fields.Float("Rolled Over In", readonly=True)
    hours_available = fields.Float(compute="_compute_figures", store=True)
    hours_used = fields.Float("Hours Drawn", readonly=True, help="Approved time dated in the period.")
    hours_remaining = fields.Float(compute="_compute_figures", store=True)
    hours_overage = fields.Float("Overage Hours", readonly=True)
    hours_rollover_out = fields.Float("Rolls Over", readonly=True)
    amount_base = fields.Monetary("Amount Included", readonly=True)
    amount_rollover_in = fields.Monetary("Amount Rolled Over In", readonly=True)
    amount_available = fields.Monetary(compute="_compute_figures", store=True)
    amount_used = fields.Monetary(
        "Amount Drawn",
        readonly=True,
        help="Value of the approved time dated in the period: its hours times the net price of their sales line.",
    )
    amount_remaining = fields.Monetary(compute="_compute_figures", store=True)
    amount_rollover_out = fields.Monetary("Amount Rolling Over", readonly=True)
    burn_percent = fields.Float("Burn (%)", compute="_compute_figures", store=True, group_operator="max")
    amount_overage = fields.Monetary(
        "Overage Amount",
        compute="_compute_figures",
        store=True,
        help="Hours retainer: the overage hours at the overage rate. Amount retainer: the value drawn beyond the "
        "amount available, billed as it stands (the overage line's quantity is this value, at a price of 1.00).",
    )
    forecast_exhaustion_date = fields.Date(
        "Forecast Exhaustion",
        readonly=True,
        help="The day the period's hours (or amount) run out at the burn rate so far, when it falls within "
        "the period.",
    )
    alerted_threshold = fields.Integer(
        "Last Alert (%)", readonly=True, help="The highest burn alert already given for this period."
    )
    invoice_id = fields.Many2one("account.move", "Invoice", readonly=True, copy=False, index=True)

    _sql_constraints = [
        ("order_period_uniq", "unique(sale_order_id, period_start)", "One retainer period per engagement and period."),
    ]

    @api.depends("sale_order_id.name", "period_start", "period_end")
    def _compute_name(self):
        for period in self:
            period.name = f"{period.sale_order_id.name or ''} · {period.period_start} → {period.period_end}"

    @api.depends(
        "hours_base",
        "hours_rollover_in",
        "hours_used",
        "hours_overage",
        "sale_order_id.ps_retainer_overage_rate",
        "retainer_unit",
        "amount_base",
        "amount_rollover_in",
        "amount_used",
    )
    def _compute_figures(self):
        for period in self:
            amount_available = period.amount_base + period.amount_rollover_in
            period.amount_available = amount_available
            period.amount_remaining = max(amount_available - period.amount_used, 0.0)
            if period.retainer_unit == "amount":
                period.hours_available = period.hours_remaining = 0.0
                period.burn_percent = 100.0 * period.amount_used / amount_available if amount_available else 0.0
                period.amount_overage = period.currency_id.round(max(period.amount_used - amount_available, 0.0))
                continue
            available = period.hours_base + period.hours_rollover_in
            period.hours_available = available
            period.hours_remaining = max(available - period.hours_used, 0.0)
            period.burn_percent = 100.0 * period.hours_used / available if available else 0.0
            period.amount_overage = period.currency_id.round(
                period.hours_overage * period.sale_order_id.ps_retainer_overage_rate
            )

    @api.model
    def _get_ps_protected_fields(self):
        """Return every stored field: the drawdown is the engine's, never typed in."""
        return super()._get_ps_protected_fields() | self._ps_get_stored_fields_of("ps_billing_readiness")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_engine(self):
        if not self.env.su:
            raise UserError(_("Retainer periods are kept by the engine: they cannot be deleted."))

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _ps_alert_thresholds(self, day):
        """Alert the project manager and the salesperson of each period whose burn crossed a threshold not
        alerted yet: one activity per person naming the highest one crossed (it replaces their open alert
        of a lower one), and the event ``retainer.threshold`` once per threshold. Idempotent."""
        crossed = {}
        for period in self:
            thresholds = period.sale_order_id._ps_get_retainer_thresholds()
            new = [t for t in thresholds if t > period.alerted_threshold and period.burn_percent >= t - 1e-6]
            if new:
                crossed[period] = new
        if not crossed:
            return
        periods = self.browse([period.id for period in crossed])
        activity_type = self.env.ref(ACTIVITY_RETAINER_BURN)
        # A person has one burn alert per period: the newer threshold replaces the open older one.
        self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", periods.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        ).unlink()
        items = []
        for period, new in crossed.items():
            order = period.sale_order_id
            project = order.project_id or order.order_line.project_id[:1]
            if period.retainer_unit == "amount":
                note = _(
                    "%(order)s has drawn %(used)s of %(available)s (%(percent).0f%%) of the period "
                    "%(start)s to %(end)s.",
                    order=order.name,
                    used=formatLang(self.env, period.amount_used, currency_obj=period.currency_id),
                    available=formatLang(self.env, period.amount_available, currency_obj=period.currency_id),
                    percent=period.burn_percent,
                    start=period.period_start,
                    end=period.period_end,
                )
                if period.forecast_exhaustion_date:
                    note += " " + _("At this rate its amount runs out on %s.", period.forecast_exhaustion_date)
            else:
                note = _(
                    "%(order)s has drawn %(used).2f of %(available).2f hours (%(percent).0f%%) of the period "
                    "%(start)s to %(end)s.",
                    order=order.name,
                    used=period.hours_used,
                    available=period.hours_available,
                    percent=period.burn_percent,
                    start=period.period_start,
                    end=period.period_end,
                )
                if period.forecast_exhaustion_date:
                    note += " " + _("At this rate its hours run out on %s.", period.forecast_exhaustion_date)
            for user in project.user_id | order.user_id:
                items.append(
                    {
                        "record": period,
                        "user": user,
                        "summary": _("Retainer %(order)s at %(threshold)s%%", order=order.name, threshold=new[-1]),
                        "note": escape(note),
                        "date_deadline": day,
                    }
                )
        self.env["ps.batch.runner"]._schedule_activities(activity_type, items)
        for period, new in crossed.items():
            period.write({"alerted_threshold": new[-1]})
        by_threshold = {}
        for period, new in crossed.items():
            for threshold in new:
                by_threshold.setdefault(threshold, self.browse())
                by_threshold[threshold] |= period
        Hook = self.env["ps.billing.event.hook"]
        for threshold, threshold_periods in sorted(by_threshold.items()):
            Hook._ps_emit_event(
                "retainer.threshold",
                threshold_periods,
                lambda records, threshold=threshold: {
                    period.id: {
                        "threshold": threshold,
                        "burn_percent": round(period.burn_percent, 2),
                        "hours_used": period.hours_used,
                        "hours_available": period.hours_available,
                        **(
                            {
                                "unit": "amount",
                                "amount_used": period.amount_used,
                                "amount_available": period.amount_available,
                            }
                            if period.retainer_unit == "amount"
                            else {}
                        ),
                        "forecast_exhaustion_date": period.forecast_exhaustion_date
                        and fields.Date.to_string(period.forecast_exhaustion_date),
                    }
                    for period in records
                },
            )


class PsBillingReadiness(models.Model):
    _inherit = "ps.billing.readiness"

    def _on_invoice_drafted(self, moves, in_job=False):
        """Freeze the retainer periods the new drafts bill: their figures stay as invoiced."""
        res = super()._on_invoice_drafted(moves, in_job=in_job)
        Period = self.env["ps.retainer.period"].sudo()
        for move in moves:
            readiness = move.sudo().ps_readiness_id
            if not readiness or not readiness.sale_order_id.ps_is_retainer:
                continue
            Period.search(
                [
                    ("sale_order_id", "=", readiness.sale_order_id.id),
                    ("period_start", "<=", readiness.period_end),
                    ("invoice_id", "=", False),
                ]
            ).write({"invoice_id": move.id})
        return res
