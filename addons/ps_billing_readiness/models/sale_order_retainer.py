# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Retainer terms of an engagement, and its drawdown period by period.

A retainer engagement (billing model ``retainer`` with hours or an amount per period) bills one
unit of its fee lines (lines invoiced on order) per billing period, plus the overage on a sales
line of the overage product that the engine keeps delivered: with hours, the hours drawn beyond
the period's allowance at the overage rate; with an amount, the value drawn beyond the period's
amount (quantity: that value, at a price of 1.00). Unused hours (or amount) roll over into the
next period, up to the cap.

An amount retainer values its drawdown as the engine values time elsewhere: the approved hours
(in the sales line's unit) times the net price of the sales line they are logged on (its price
less its discount).

Drawdown counts approved time only: ``account.analytic.line._ps_get_approved_time_domain()``
(a core hook: all time counts in the core alone; the timesheet compliance module narrows it
to approved timesheets).
"""

from collections import defaultdict
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, float_round

from ..ps_db_defaults import set_db_defaults

RETAINER_TERMS_FIELDS = (
    "ps_retainer_unit",
    "ps_retainer_hours",
    "ps_retainer_amount",
    "ps_retainer_rollover",
    "ps_retainer_rollover_cap",
    "ps_retainer_rollover_cap_amount",
    "ps_retainer_overage_rate",
    "ps_retainer_thresholds",
)
OVERAGE_PRODUCT = "ps_billing_readiness.product_product_retainer_overage"


class SaleOrder(models.Model):
    # Retainer terms and drawdown: a concern of its own (house style), on purpose.
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def init(self):
        # A required column on Odoo's table: Odoo's own inserts (without the suite loaded) need its default.
        res = super().init()
        set_db_defaults(self, {"ps_retainer_unit": "hours"})
        return res

    ps_retainer_unit = fields.Selection(
        [("hours", "Hours"), ("amount", "Amount")],
        "Retainer Unit",
        default="hours",
        required=True,
        tracking=True,
        help="Hours: the retainer includes hours per period, its overage is billed at the overage rate. "
        "Amount: it includes an amount per period, drawn down by the value of the approved time (hours times "
        "the net price of their sales line); the value beyond is billed as it stands.",
    )
    ps_retainer_hours = fields.Float(
        "Retainer Hours per Period",
        tracking=True,
        help="Hours included in each billing period's retainer fee (the period is the billing cycle).",
    )
    ps_retainer_amount = fields.Monetary(
        "Retainer Amount per Period",
        tracking=True,
        help="Value of approved time included in each billing period's retainer fee (the period is the billing "
        "cycle), in the engagement's currency: each approved hour draws down the net price of its sales line.",
    )
    ps_retainer_rollover = fields.Boolean(
        "Roll Over Unused Hours",
        tracking=True,
        help="Unused hours (or amount, for an amount retainer) of a period are added to the next one.",
    )
    ps_retainer_rollover_cap = fields.Float(
        "Rollover Cap (Hours)", tracking=True, help="The most hours carried into the next period (0: no cap)."
    )
    ps_retainer_rollover_cap_amount = fields.Monetary(
        "Rollover Cap (Amount)",
        tracking=True,
        help="The most unused amount carried into the next period (0: no cap).",
    )
    ps_retainer_overage_rate = fields.Monetary(
        "Overage Rate (per Hour)", tracking=True, help="Price of each approved hour beyond a period's allowance."
    )
    ps_retainer_thresholds = fields.Char(
        "Burn Alerts (%)",
        default="50,75,90,100",
        tracking=True,
        help="Percentages of a period's hours at which the project manager and the salesperson are alerted, "
        "once each per period.",
    )
    ps_retainer_period_ids = fields.One2many("ps.retainer.period", "sale_order_id", string="Retainer Periods")
    ps_retainer_period_count = fields.Integer(compute="_compute_ps_retainer_period_count")
    ps_is_retainer = fields.Boolean(
        "Retainer With Hours",
        compute="_compute_ps_is_retainer",
        help="A retainer engagement with hours (or an amount) per period: the engine draws its time down "
        "period by period.",
    )

    @api.depends("ps_billing_model", "ps_retainer_unit", "ps_retainer_hours", "ps_retainer_amount")
    def _compute_ps_is_retainer(self):
        for order in self:
            allowance = order.ps_retainer_amount if order.ps_retainer_unit == "amount" else order.ps_retainer_hours
            order.ps_is_retainer = order.ps_billing_model == "retainer" and allowance > 0

    def _compute_ps_retainer_period_count(self):
        counts = dict(
            self.env["ps.retainer.period"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.ps_retainer_period_count = counts.get(order, 0)

    @api.constrains(*RETAINER_TERMS_FIELDS)
    def _check_ps_retainer_terms(self):
        for order in self:
            if min(order.ps_retainer_hours, order.ps_retainer_rollover_cap, order.ps_retainer_overage_rate) < 0:
                raise ValidationError(_("Retainer hours, rollover cap and overage rate cannot be negative."))
            if min(order.ps_retainer_amount, order.ps_retainer_rollover_cap_amount) < 0:
                raise ValidationError(_("The retainer amount and its rollover cap cannot be negative."))
            order._ps_get_retainer_thresholds()

    @api.model
    def _get_ps_terms_fields(self):
        """Return the terms fields, with the retainer's: changing them withdraws finance's confirmation."""
        return (*super()._get_ps_terms_fields(), *RETAINER_TERMS_FIELDS)

    @api.model
    def _get_ps_protected_fields(self):
        """Return the engine's retainer periods too: only the drawdown writes them."""
        return super()._get_ps_protected_fields() | {"ps_retainer_period_ids"}

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_ps_view_retainer_periods(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ps_billing_readiness.ps_retainer_period_action")
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"default_sale_order_id": self.id}
        return action

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _ps_get_retainer_thresholds(self):
        """Return the burn-alert percentages of this engagement, ascending."""
        self.ensure_one()
        try:
            parts = (self.ps_retainer_thresholds or "").split(",")
            values = sorted({int(part.strip()) for part in parts if part.strip()})
        except ValueError as error:
            raise ValidationError(
                _("Burn alerts are whole percentages separated by commas, such as 50,75,90,100.")
            ) from error
        if any(value <= 0 or value > 1000 for value in values):
            raise ValidationError(_("Burn alerts are percentages between 1 and 1000."))
        return values

    def _ps_get_retainer_fee_lines(self):
        """Return the lines of these retainer engagements that bill one unit per period (invoiced on order)."""
        overage = self.env.ref(OVERAGE_PRODUCT, raise_if_not_found=False)
        return self.filtered("ps_is_retainer").order_line.filtered(
            lambda line: not line.display_type
            and line.product_id.invoice_policy == "order"
            and line.product_id != overage
        )

    def _ps_get_retainer_overage_lines(self):
        """Return the sales lines on which these retainer engagements bill their overage."""
        overage = self.env.ref(OVERAGE_PRODUCT, raise_if_not_found=False)
        return self.filtered("ps_is_retainer").order_line.filtered(lambda line: line.product_id == overage)

    def _ps_get_retainer_periods_until(self, day):
        """Return the billing periods (start, end) of this engagement from its start to the one containing ``day``."""
        self.ensure_one()
        Readiness = self.env["ps.billing.readiness"]
        first = fields.Date.to_date(self.date_order) if self.date_order else day
        periods = []
        current = Readiness._get_period(self, first)
        while current[0] <= day:
            periods.append(current[:2])
            current = Readiness._get_period(self, current[1] + timedelta(days=1))
        return periods

    def _ps_read_retainer_hours(self, last_day):
        """Return {order id: [(date, hours)]}: the approved time logged on these engagements up to ``last_day``."""
        Line = self.env["account.analytic.line"].sudo()
        domain = [
            ("order_id", "in", self.ids),
            ("project_id", "!=", False),
            ("date", "<=", last_day),
            *Line._ps_get_approved_time_domain(),
        ]
        result = defaultdict(list)
        for order, day, hours in Line._read_group(domain, ["order_id", "date:day"], ["unit_amount:sum"]):
            result[order.id].append((fields.Date.to_date(day), hours))
        return result

    def _ps_read_retainer_values(self, last_day):
        """Return {order id: [(date, hours, value)]}: the approved time logged on these engagements up to
        ``last_day`` and its value, as the engine values time elsewhere: the hours (in the sales line's
        unit) times the net price of their sales line (its price less its discount)."""
        Line = self.env["account.analytic.line"].sudo()
        domain = [
            ("order_id", "in", self.ids),
            ("project_id", "!=", False),
            ("date", "<=", last_day),
            *Line._ps_get_approved_time_domain(),
        ]
        rows = Line._read_group(domain, ["order_id", "so_line", "product_uom_id", "date:day"], ["unit_amount:sum"])
        result = defaultdict(list)
        for order, sale_line, uom, day, hours in rows:
            quantity = hours
            if uom and sale_line.product_uom and uom != sale_line.product_uom:
                if uom.category_id == sale_line.product_uom.category_id:
                    quantity = uom._compute_quantity(hours, sale_line.product_uom, rounding_method="HALF-UP")
            price = sale_line.price_unit * (1.0 - (sale_line.discount or 0.0) / 100.0)
            result[order.id].append((fields.Date.to_date(day), hours, quantity * price))
        return result

    def _ps_refresh_retainer_amounts(self, day, existing):
        """Return (vals by period, vals to create) bringing the periods of these amount retainers up to
        ``day``: like the hours (``_ps_refresh_retainer``), with the value of the approved time."""
        drawn_by_order = self._ps_read_retainer_values(day)
        vals_by_key, to_create = {}, []
        for order in self:
            rows = drawn_by_order.get(order.id, ())
            round_amount = order.currency_id.round
            frozen_hours = frozen_value = 0.0
            rollover = 0.0
            first_open = True
            cap = order.ps_retainer_rollover_cap_amount
            base = round_amount(order.ps_retainer_amount)
            for start, end in order._ps_get_retainer_periods_until(day):
                period = existing.get((order.id, start))
                if period and period.invoice_id:
                    # An invoiced period keeps what it billed; time approved late goes to the first open one.
                    frozen_hours += period.hours_used
                    frozen_value += period.amount_used
                    rollover = period.amount_rollover_out
                    continue
                if first_open:
                    hours = sum(h for d, h, v in rows if d <= end) - frozen_hours
                    value = sum(v for d, h, v in rows if d <= end) - frozen_value
                    first_open = False
                else:
                    hours = sum(h for d, h, v in rows if start <= d <= end)
                    value = sum(v for d, h, v in rows if start <= d <= end)
                hours = float_round(max(hours, 0.0), precision_digits=2)
                value = round_amount(max(value, 0.0))
                included = round_amount(base + rollover)
                unused = max(included - value, 0.0)
                rollover_out = 0.0
                if order.ps_retainer_rollover:
                    rollover_out = min(unused, cap) if cap else unused
                vals = {
                    "retainer_unit": "amount",
                    "period_end": end,
                    "hours_base": 0.0,
                    "hours_rollover_in": 0.0,
                    "hours_used": hours,
                    "hours_overage": 0.0,
                    "hours_rollover_out": 0.0,
                    "amount_base": base,
                    "amount_rollover_in": rollover,
                    "amount_used": value,
                    "amount_rollover_out": round_amount(rollover_out),
                    "forecast_exhaustion_date": self._ps_forecast_exhaustion(start, end, day, included, value),
                }
                rollover = vals["amount_rollover_out"]
                if period:
                    changed = {k: v for k, v in vals.items() if period[k] != v}
                    if changed:
                        vals_by_key[period] = changed
                else:
                    to_create.append({"sale_order_id": order.id, "period_start": start, **vals})
        return vals_by_key, to_create

    def _ps_refresh_retainer(self, day):
        """Bring the drawdown of these engagements up to ``day``: their periods' figures, the burn alerts
        crossed since the last refresh, and the overage line's delivered hours. Idempotent."""
        orders = self.sudo().filtered(lambda order: order.ps_is_retainer and order.state == "sale")
        if not orders:
            return
        Period = self.env["ps.retainer.period"].sudo()
        amount_orders = orders.filtered(lambda order: order.ps_retainer_unit == "amount")
        hours_orders = orders - amount_orders
        hours_by_order = hours_orders._ps_read_retainer_hours(day)
        existing = {
            (period.sale_order_id.id, period.period_start): period
            for period in Period.search([("sale_order_id", "in", orders.ids)])
        }
        vals_by_key, to_create = amount_orders._ps_refresh_retainer_amounts(day, existing)
        for order in hours_orders:
            frozen_used = 0.0
            rollover = 0.0
            first_open = True
            cap = order.ps_retainer_rollover_cap
            for start, end in order._ps_get_retainer_periods_until(day):
                period = existing.get((order.id, start))
                if period and period.invoice_id:
                    # An invoiced period keeps what it billed; time approved late goes to the first open one.
                    frozen_used += period.hours_used
                    rollover = period.hours_rollover_out
                    continue
                if first_open:
                    used = sum(h for d, h in hours_by_order.get(order.id, ()) if d <= end) - frozen_used
                    first_open = False
                else:
                    used = sum(h for d, h in hours_by_order.get(order.id, ()) if start <= d <= end)
                used = float_round(max(used, 0.0), precision_digits=2)
                included = order.ps_retainer_hours + rollover
                unused = max(included - used, 0.0)
                rollover_out = 0.0
                if order.ps_retainer_rollover:
                    rollover_out = min(unused, cap) if cap else unused
                vals = {
                    "retainer_unit": "hours",
                    "period_end": end,
                    "amount_base": 0.0,
                    "amount_rollover_in": 0.0,
                    "amount_used": 0.0,
                    "amount_rollover_out": 0.0,
                    "hours_base": order.ps_retainer_hours,
                    "hours_rollover_in": rollover,
                    "hours_used": used,
                    "hours_overage": float_round(max(used - included, 0.0), precision_digits=2),
                    "hours_rollover_out": float_round(rollover_out, precision_digits=2),
                    "forecast_exhaustion_date": self._ps_forecast_exhaustion(start, end, day, included, used),
                }
                rollover = vals["hours_rollover_out"]
                if period:
                    changed = {k: v for k, v in vals.items() if period[k] != v}
                    if changed:
                        vals_by_key[period] = changed
                else:
                    to_create.append({"sale_order_id": order.id, "period_start": start, **vals})
        for period, vals in vals_by_key.items():
            period.write(vals)
        created = Period.with_context(mail_create_nolog=True, tracking_disable=True).create(to_create)
        periods = Period.search([("sale_order_id", "in", orders.ids), ("invoice_id", "=", False)])
        periods._ps_alert_thresholds(day)
        orders._ps_sync_overage_lines()
        return created

    @api.model
    def _ps_forecast_exhaustion(self, start, end, day, included, used):
        """Return the day the period's hours (or amount) run out at the burn rate so far (False when they
        do not within the period, or it is not under way)."""
        if not start <= day <= end or used <= 0 or float_compare(used, included, precision_digits=2) >= 0:
            return False
        elapsed = (day - start).days + 1
        days_left = (included - used) / (used / elapsed)
        exhaustion = day + timedelta(days=int(days_left))
        return exhaustion if exhaustion <= end else False

    def _ps_get_retainer_overage_price(self):
        """Return the unit price of this engagement's overage line: the overage rate of an hours retainer;
        1.00 for an amount retainer, whose overage line delivers the value beyond the period's amount as its
        quantity, so that the invoice bills exactly that value."""
        self.ensure_one()
        return 1.0 if self.ps_retainer_unit == "amount" else self.ps_retainer_overage_rate

    @api.model
    def _ps_get_retainer_overage_figure(self, unit):
        """Return the period figure an overage line of a retainer in ``unit`` delivers."""
        return "amount_overage" if unit == "amount" else "hours_overage"

    def _ps_sync_overage_lines(self):
        """Keep the overage line of each engagement delivered with the overage of its periods (created when
        first needed, through the order's lines as Odoo adds any line): the overage hours of an hours
        retainer (at the overage rate), the value beyond the amount of an amount retainer (at 1.00)."""
        product = self.env.ref(OVERAGE_PRODUCT)
        Period = self.env["ps.retainer.period"].sudo()
        totals = {}
        for unit, orders in self.grouped("ps_retainer_unit").items():
            figure = self._ps_get_retainer_overage_figure(unit)
            totals.update(
                Period._read_group([("sale_order_id", "in", orders.ids)], ["sale_order_id"], [f"{figure}:sum"])
            )
        for order in self:
            total = float_round(totals.get(order, 0.0), precision_digits=2)
            price = order._ps_get_retainer_overage_price()
            line = order._ps_get_retainer_overage_lines()[:1]
            if not line:
                if not total:
                    continue
                if order.ps_retainer_unit == "amount":
                    name = _("Retainer overage (value beyond the period's amount, billed at 1.00 a unit)")
                else:
                    name = _("Retainer overage (hours beyond the period's allowance)")
                order.write(
                    {
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "name": name,
                                    "product_uom_qty": 0.0,
                                    "price_unit": price,
                                }
                            )
                        ]
                    }
                )
                line = order._ps_get_retainer_overage_lines()[:1]
            vals = {}
            if float_compare(line.qty_delivered, total, precision_digits=2):
                vals["qty_delivered"] = total
            if not line.qty_invoiced and float_compare(
                line.price_unit, price, precision_rounding=order.currency_id.rounding
            ):
                vals["price_unit"] = price
            if vals:
                line.write(vals)
