# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import escape
from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import float_compare, float_is_zero, format_amount, format_date, frozendict, get_lang

GROUP_FINANCE_CONTROLLER = "ps_billing_readiness.group_finance_controller"
CRON_BATCH = 200

_logger = logging.getLogger(__name__)


class PsBillingReadiness(models.Model):
    """Whether an engagement can be invoiced for one billing period, and why not.

    Evaluation runs the active ``ps.readiness.check`` records over a batch of
    readiness records: each check is a method ``_check_<code>(check)`` that
    returns the findings of the whole batch at once.
    """

    _name = "ps.billing.readiness"
    _description = "Billing Readiness"
    _inherit = ["ps.protected.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True, precompute=True)
    sale_order_id = fields.Many2one(
        "sale.order", "Engagement", required=True, ondelete="cascade", index=True, check_company=True, readonly=True
    )
    project_id = fields.Many2one("project.project", readonly=True, index=True, check_company=True)
    # Computed before the INSERT of a batch of new records, not written back one UPDATE per record.
    partner_id = fields.Many2one(related="sale_order_id.partner_id", store=True, precompute=True, string="Client")
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True, precompute=True, index=True)
    currency_id = fields.Many2one(related="sale_order_id.currency_id", store=True, precompute=True)
    billing_model = fields.Selection(related="sale_order_id.ps_billing_model", store=True, precompute=True)
    period_start = fields.Date(required=True, readonly=True)
    period_end = fields.Date(required=True, readonly=True)
    cutoff_date = fields.Date(required=True, readonly=True, help="After this date the period is drafted if ready.")
    state = fields.Selection(
        [("not_ready", "Not Ready"), ("blocked", "Blocked"), ("ready", "Ready"), ("invoiced", "Invoiced")],
        default="not_ready",
        required=True,
        readonly=True,
        index=True,
        group_expand="_group_expand_states",
        help="Transitions that matter (blocked, unblocked, invoiced) are logged in the chatter.",
    )
    finding_ids = fields.One2many("ps.readiness.finding", "readiness_id", readonly=True)
    blocking_count = fields.Integer(compute="_compute_finding_counts")
    warning_count = fields.Integer(compute="_compute_finding_counts")
    owner_id = fields.Many2one(
        "res.users",
        "Owner",
        tracking=True,
        index=True,
        help="Who resolves the findings: the project manager by default.",
    )
    blocked_since = fields.Date(readonly=True)
    blocked_days = fields.Integer("Days Blocked", compute="_compute_blocked_days")
    escalated_on = fields.Date(readonly=True, copy=False)
    evaluated_on = fields.Datetime(readonly=True)
    invoice_id = fields.Many2one("account.move", "Invoice Draft", readonly=True, copy=False, check_company=True)
    amount_deliverable = fields.Monetary(
        readonly=True, help="Delivered value not yet invoiced, up to the end of the period."
    )
    amount_ready = fields.Monetary(readonly=True, help="Deliverable value that no blocking finding holds back.")
    amount_blocked = fields.Monetary(readonly=True, help="Deliverable value held back by blocking findings.")
    amount_at_risk = fields.Monetary(readonly=True, help="Sum of the findings' amounts at risk.")
    cutoff_passed = fields.Boolean(compute="_compute_cutoff_passed")
    can_draft = fields.Boolean(compute="_compute_can_draft")
    cannot_draft_reason = fields.Char(compute="_compute_can_draft")

    _sql_constraints = [
        ("order_period_uniq", "unique(sale_order_id, period_start)", "One readiness record per engagement and period."),
        ("period_check", "check(period_start <= period_end)", "A period cannot end before it starts."),
    ]

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("sale_order_id.name", "period_start", "period_end")
    def _compute_name(self):
        label = self._get_date_label()
        for record in self:
            record.name = "%s · %s → %s" % (
                record.sale_order_id.name or "",
                label(record.period_start),
                label(record.period_end),
            )

    def _compute_finding_counts(self):
        counts = {
            (readiness.id, severity): count
            for readiness, severity, count in self.env["ps.readiness.finding"]._read_group(
                [("readiness_id", "in", self.ids)], ["readiness_id", "severity"], ["__count"]
            )
        }
        for record in self:
            record.blocking_count = counts.get((record.id, "blocking"), 0)
            record.warning_count = counts.get((record.id, "warning"), 0)

    def _compute_blocked_days(self):
        today = fields.Date.context_today(self)
        for record in self:
            record.blocked_days = (today - record.blocked_since).days if record.blocked_since else 0

    def _compute_cutoff_passed(self):
        today = fields.Date.context_today(self)
        for record in self:
            record.cutoff_passed = record.cutoff_date < today

    @api.depends_context("uid")
    @api.depends("state", "invoice_id", "cutoff_date")
    def _compute_can_draft(self):
        is_controller = self.env.user.has_group(GROUP_FINANCE_CONTROLLER)
        for record in self:
            reason = record._get_cannot_draft_reason(is_controller)
            record.can_draft = not reason
            record.cannot_draft_reason = reason

    def _get_cannot_draft_reason(self, is_controller):
        """Return why the current user cannot draft this record now, or False."""
        self.ensure_one()
        if not is_controller:
            return _("Only a Finance Controller can create invoice drafts.")
        if self.invoice_id:
            return _("This period already has its invoice draft %s.", self.invoice_id.display_name)
        if self.state != "ready":
            return _(
                "Only a ready period can be drafted (this one is %s).",
                dict(self._fields["state"]._description_selection(self.env))[self.state],
            )
        if self.cutoff_date >= fields.Date.context_today(self):
            return _(
                "The cutoff of this period is %s: draft it after that date.", format_date(self.env, self.cutoff_date)
            )
        return False

    @api.model
    def _group_expand_states(self, states, domain, order):
        return [key for key, _label in self._fields["state"].selection]

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _get_ps_protected_fields(self):
        """Return every stored field the engine sets: only the owner is assigned by people."""
        return super()._get_ps_protected_fields() | {
            "name",
            "sale_order_id",
            "project_id",
            "partner_id",
            "company_id",
            "currency_id",
            "billing_model",
            "period_start",
            "period_end",
            "cutoff_date",
            "state",
            "finding_ids",
            "blocked_since",
            "escalated_on",
            "evaluated_on",
            "invoice_id",
            "amount_deliverable",
            "amount_ready",
            "amount_blocked",
            "amount_at_risk",
        }

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        if any(record.invoice_id for record in self):
            raise UserError(_("A period that has its invoice draft cannot be deleted."))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_evaluate(self):
        """Re-evaluate these periods now."""
        self.check_access_rights("read")
        self.check_access_rule("read")
        self.sudo()._evaluate()
        return True

    def action_create_invoice_draft(self):
        """Create the invoice draft of ready periods whose cutoff has passed."""
        is_controller = self.env.user.has_group(GROUP_FINANCE_CONTROLLER)
        # The earlier ready periods of the same engagements go with them: their draft bills them too.
        last_end = self._get_last_period_end_by_order()
        records = self | self.search(
            [("sale_order_id", "in", self.sale_order_id.ids), ("state", "=", "ready"), ("invoice_id", "=", False)]
        ).filtered(lambda r: r.period_end < last_end[r.sale_order_id])
        for record in records:
            reason = record._get_cannot_draft_reason(is_controller)
            if reason:
                raise UserError(reason)
        moves = records.sudo()._create_invoice_drafts()
        if len(moves) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "account.move",
                "res_id": moves.id,
                "views": [(False, "form")],
            }
        return True

    def action_draft_anyway(self):
        """Open the wizard that drafts a blocked period with a reason."""
        self._check_can_draft_anyway()
        return {
            "type": "ir.actions.act_window",
            "name": _("Draft Anyway"),
            "res_model": "ps.readiness.draft.anyway",
            "view_mode": "form",
            "target": "new",
            "context": {"default_readiness_id": self.id},
        }

    def action_open_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.invoice_id.id,
            "views": [(False, "form")],
        }

    def action_open_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "views": [(False, "form")],
        }

    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
        }

    @api.model
    def _get_list_action(self, records):
        action = self.env["ir.actions.act_window"]._for_xml_id("ps_billing_readiness.ps_billing_readiness_action")
        action["domain"] = [("id", "in", records.ids)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------
    # Periods
    # ------------------------------------------------------------

    @api.model
    def _get_period(self, order, day):
        """Return (start, end, cutoff) of the billing period of ``order`` containing ``day``."""
        if order.ps_billing_cycle == "weekly":
            start = day - timedelta(days=day.weekday())
            end = start + timedelta(days=6)
            cutoff = end + timedelta(days=1)
        else:
            start = day.replace(day=1)
            end = start + relativedelta(months=1, days=-1)
            cutoff = end + timedelta(days=order.company_id.ps_billing_cutoff_day)
        return start, end, cutoff

    @api.model
    def _get_open_periods(self, order, day):
        """Return the periods of ``order`` to evaluate on ``day``: the previous one
        (closing, or due once its cutoff passed) and the current one."""
        current = self._get_period(order, day)
        previous = self._get_period(order, current[0] - timedelta(days=1))
        engagement_start = fields.Date.to_date(order.date_order)
        if previous[1] < engagement_start:
            return [current]
        return [previous, current]

    @api.model
    def _get_or_create_for_orders(self, orders, day=None):
        """Return the open readiness records of ``orders`` on ``day``: those of the open
        periods (created when missing) and any older period still not invoiced."""
        day = day or fields.Date.context_today(self)
        wanted = {}
        for order in orders:
            for start, end, cutoff in self._get_open_periods(order, day):
                wanted[(order.id, start)] = (order, end, cutoff)
        existing = self.search(
            [
                ("sale_order_id", "in", orders.ids),
                "|",
                ("state", "!=", "invoiced"),
                ("period_start", "in", list({start for _id, start in wanted})),
            ]
        )
        found = {(record.sale_order_id.id, record.period_start) for record in existing}
        # The projects and their managers of the whole batch in one read, not one per engagement.
        (orders.order_line.project_id | orders.project_id).mapped("user_id")
        vals_list = [
            self._prepare_readiness_vals(order, start, end, cutoff)
            for (order_id, start), (order, end, cutoff) in wanted.items()
            if (order_id, start) not in found
        ]
        # A new period is no news: no "created" note and no follower per record (the owner gets
        # an activity when it needs one).
        quiet = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
        created = quiet.create(vals_list).with_env(self.env) if vals_list else self.browse()
        return (existing | created).filtered(lambda r: r.state != "invoiced")

    @api.model
    def _prepare_readiness_vals(self, order, start, end, cutoff):
        """Return the values of a new readiness record of ``order`` for a period."""
        project = order.order_line.project_id[:1] or order.project_id
        return {
            "sale_order_id": order.id,
            "project_id": project.id,
            "period_start": start,
            "period_end": end,
            "cutoff_date": cutoff,
            "owner_id": (project.user_id or order.user_id).id,
        }

    # ------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------

    @api.model
    def _evaluate_orders(self, orders, day=None):
        """Evaluate the open periods of ``orders`` and return their readiness records."""
        orders = orders.filtered(lambda o: o.state == "sale")
        if not orders:
            raise UserError(_("Only confirmed engagements have a billing readiness."))
        orders.check_access_rights("read")
        orders.check_access_rule("read")
        Readiness = self.sudo()
        day = day or fields.Date.context_today(self)
        records = Readiness._get_or_create_for_orders(orders.sudo(), day)
        records._evaluate(day)
        orders.sudo().write({"ps_readiness_dirty": False, "ps_readiness_evaluated_on": day})
        orders._ps_forget_readiness_marks()
        return records.with_env(self.env)

    def _evaluate(self, day=None):
        """Run every active check over these records (as on ``day``) and update states, amounts and findings."""
        records = self.filtered(lambda r: r.state != "invoiced")
        if not records:
            return
        deliverable, findings_vals = records._run_checks()
        self.env["ps.readiness.finding"]._replace_findings(records, findings_vals)
        records._apply_findings(findings_vals, deliverable, day or fields.Date.context_today(self))

    def _run_checks(self, timings=None):
        """Return the deliverable values {record id: amount} and the findings' values of every
        active check over these records, writing nothing.

        The time logged and not invoiced is read once for the deliverable and every check
        (from the context). ``timings``, a dict, receives the seconds of each step.
        """
        started = time.perf_counter()
        lines = self.sale_order_id.order_line.filtered(lambda line: line.qty_delivered_method == "timesheet")
        hours = self._read_uninvoiced_hours(lines)
        records = self.with_context(
            ps_readiness_hours=(frozenset(lines.ids), max(self.mapped("period_end")), frozendict(hours))
        )
        deliverable = records._compute_deliverable_amounts()
        # The checks read the deliverable values of this evaluation from the context.
        records = records.with_context(ps_readiness_deliverable=frozendict(deliverable))
        if timings is not None:
            timings["deliverable"] = time.perf_counter() - started
        findings_vals = []
        by_model = defaultdict(list)  # the records of each billing model, once for every check
        for record in records:
            by_model[record.billing_model].append(record.id)
        for check in self.env["ps.readiness.check"].search([]):
            started = time.perf_counter()
            targets = records.browse(
                [rid for model, ids in by_model.items() if check._applies_to(model) for rid in ids]
            )
            for vals in getattr(targets, f"_check_{check.code}")(check) if targets else ():
                # A check may set a finding's severity itself (e.g. by billing model).
                vals.setdefault("severity", check.severity)
                vals.update(check_id=check.id, check_code=check.code)
                findings_vals.append(vals)
            if timings is not None:
                timings[check.code] = time.perf_counter() - started
        return deliverable, findings_vals

    def _apply_findings(self, findings_vals, deliverable, day):
        """Set state, amounts and aging from the new findings (their values); open or close the owner's activity."""
        # Findings about the engagement itself (terms, PO) each hold back the same
        # whole deliverable: they count once, the largest; findings about other
        # records (an expense, a sale line, a draft) add up.
        totals = defaultdict(lambda: {"wide": 0.0, "wide_blocking": 0.0, "other": 0.0, "other_blocking": 0.0})
        blocking_messages = defaultdict(list)
        order_of = {record.id: record.sale_order_id.id for record in self}
        for finding in findings_vals:
            readiness_id = finding["readiness_id"]
            record_totals = totals[readiness_id]
            blocking = finding["severity"] == "blocking"
            amount = finding["amount_at_risk"]
            if blocking:
                blocking_messages[readiness_id].append(finding["message"])
            if finding["res_model"] == "sale.order" and finding["res_id"] == order_of[readiness_id]:
                record_totals["wide"] = max(record_totals["wide"], amount)
                if blocking:
                    record_totals["wide_blocking"] = max(record_totals["wide_blocking"], amount)
            else:
                record_totals["other"] += amount
                if blocking:
                    record_totals["other_blocking"] += amount
        at_risk = {rid: t["wide"] + t["other"] for rid, t in totals.items()}
        blocking_amount = {rid: t["wide_blocking"] + t["other_blocking"] for rid, t in totals.items()}
        now = fields.Datetime.now()
        newly_blocked, unblocked = self.browse(), self.browse()
        rows = []
        for record in self:
            total = deliverable.get(record.id, 0.0)
            amount_blocked = min(total, blocking_amount.get(record.id, 0.0))
            if record.id in blocking_messages:
                state = "blocked"
            elif float_compare(total, 0.0, precision_rounding=record.currency_id.rounding) > 0:
                state = "ready"
            else:
                state = "not_ready"
            blocked_since, escalated_on = record.blocked_since, record.escalated_on
            if state == "blocked" and record.state != "blocked":
                blocked_since = day
                newly_blocked |= record
            elif state != "blocked" and record.state == "blocked":
                blocked_since = escalated_on = None
                unblocked |= record
            rows.append(
                (
                    record.id,
                    state,
                    total,
                    amount_blocked,
                    total - amount_blocked,
                    at_risk.get(record.id, 0.0),
                    blocked_since or None,
                    escalated_on or None,
                    now,
                )
            )
        # One UPDATE for the batch: the amounts differ, the ORM would write each record alone.
        self.env["ps.batch.runner"]._write_rows(
            self._name,
            [
                "state",
                "amount_deliverable",
                "amount_blocked",
                "amount_ready",
                "amount_at_risk",
                "blocked_since",
                "escalated_on",
                "evaluated_on",
            ],
            rows,
        )
        newly_blocked._message_log_batch(
            {record.id: _("Blocked: %s", "; ".join(blocking_messages[record.id])) for record in newly_blocked}
        )
        unblocked._message_log_batch({record.id: _("No longer blocked.") for record in unblocked})
        newly_blocked._schedule_blocked_activity(blocking_messages)
        unblocked._close_blocked_activities()

    def _compute_deliverable_amounts(self):
        """Return {record id: value delivered and not yet invoiced} for these records.

        The earliest open period of an engagement takes everything not yet
        invoiced up to its end (late approvals, milestones, expenses); a later
        period takes the time logged within its own dates.
        """
        if not self:
            return {}
        lines = self.sale_order_id.order_line.filtered(lambda line: not line.display_type)
        lines_by_order = lines.grouped("order_id")
        earliest_ids = set(self._get_earliest_open().ids)
        timesheet_lines = lines.filtered(lambda line: line.qty_delivered_method == "timesheet")
        hours = self._read_uninvoiced_hours(timesheet_lines)
        other_lines = lines - timesheet_lines
        # Quantities delivered by each date that bounds a period: the earliest open period
        # takes all delivered by its end, a later one what was delivered within its dates.
        bounds = defaultdict(set)
        for record in self:
            bounds[record.period_end].add(record.sale_order_id.id)
            if record.id not in earliest_ids:
                bounds[record.period_start - timedelta(days=1)].add(record.sale_order_id.id)
        other_qty = {
            day: other_lines.filtered(
                lambda line, ids=order_ids: line.order_id.id in ids
            )._ps_get_deliverable_quantities(day)
            for day, order_ids in bounds.items()
        }
        result = {}
        for record in self:
            is_earliest = record.id in earliest_ids
            before = record.period_start - timedelta(days=1)
            total = 0.0
            for line in lines_by_order.get(record.sale_order_id, ()):
                price = line.price_unit * (1.0 - (line.discount or 0.0) / 100.0)
                if line.qty_delivered_method == "timesheet":
                    lower = None if is_earliest else record.period_start
                    qty = sum(
                        qty
                        for day, qty in hours.get(line.id, ())
                        if day <= record.period_end and (lower is None or day >= lower)
                    )
                elif is_earliest:
                    qty = other_qty[record.period_end].get(line.id, 0.0)
                else:
                    qty = max(0.0, other_qty[record.period_end].get(line.id, 0.0) - other_qty[before].get(line.id, 0.0))
                total += qty * price
            result[record.id] = record.currency_id.round(total)
        return result

    def _get_earliest_open(self):
        """Return those of these records that are the earliest open period of their engagement."""
        rows = self.sudo()._read_group(
            [("sale_order_id", "in", self.sale_order_id.ids), ("state", "!=", "invoiced")],
            ["sale_order_id"],
            ["period_start:min"],
        )
        first = {order.id: start for order, start in rows}
        return self.filtered(lambda r: first.get(r.sale_order_id.id) == r.period_start)

    def _read_uninvoiced_hours(self, sale_lines):
        """Return {sale line id: [(date, quantity in the line's unit)]} of timesheets not yet invoiced.

        The date is the first day of its month for the engagements whose periods here are
        whole months (see ``_get_row_granularity``), the day itself for the others.
        """
        if not sale_lines:
            return {}
        shared = self.env.context.get("ps_readiness_hours")
        if shared and set(sale_lines.ids) <= shared[0] and max(self.mapped("period_end")) <= shared[1]:
            return shared[2]  # read by the running evaluation
        rows = self._read_timesheet_rows(
            sale_lines,
            expression.AND(
                [
                    sale_lines._timesheet_compute_delivered_quantity_domain(),
                    ["|", ("timesheet_invoice_id", "=", False), ("timesheet_invoice_id.state", "=", "cancel")],
                ]
            ),
            ["so_line", "product_uom_id"],
            ["unit_amount:sum"],
        )
        result = defaultdict(list)
        for sale_line, uom, day, quantity in rows:
            if uom and uom != sale_line.product_uom and uom.category_id == sale_line.product_uom.category_id:
                quantity = uom._compute_quantity(quantity, sale_line.product_uom, rounding_method="HALF-UP")
            result[sale_line.id].append((day, quantity))
        return result

    def _read_timesheet_rows(self, sale_lines, domain, groupby, aggregates):
        """Return the ``_read_group`` rows of the timesheets of ``sale_lines`` matching ``domain``
        up to the last period end of these records, by ``groupby`` and then their date.

        The date (the last column before the aggregates) is the first day of its month for
        the engagements whose periods here are whole months, the day itself for the others
        (see ``_get_row_granularity``).
        """
        granularity = self._get_row_granularity()
        rows = []
        for lines in sale_lines.grouped(lambda line: granularity[line.order_id.id]).values():
            rows += (
                self.env["account.analytic.line"]
                .sudo()
                ._read_group(
                    expression.AND(
                        [[("so_line", "in", lines.ids), ("date", "<=", max(self.mapped("period_end")))], domain]
                    ),
                    [*groupby, f"date:{granularity[lines[:1].order_id.id]}"],
                    aggregates,
                )
            )
        count = len(groupby)
        return [(*row[:count], fields.Date.to_date(row[count]), *row[count + 1 :]) for row in rows]

    def _get_row_granularity(self):
        """Return {order id: "month" or "day"}: how finely to read the rows of each engagement of these records.

        A record takes the rows of its period (or up to its end), so rows summed by month
        are exact for an engagement whose periods here are all whole calendar months, with
        far fewer rows than by day; the others (weekly cycles) are read by day.
        """
        granularity = defaultdict(lambda: "month")
        for record in self:
            if record.period_start.day != 1 or (record.period_end + timedelta(days=1)).day != 1:
                granularity[record.sale_order_id.id] = "day"
        return granularity

    def _get_deliverable(self):
        """Return the deliverable value of this record as computed by the running evaluation."""
        self.ensure_one()
        return self.env.context.get("ps_readiness_deliverable", {}).get(self.id, self.amount_deliverable)

    def _finding(self, message, amount=0.0, record=None):
        """Return the values of a finding of this readiness record about ``record``."""
        self.ensure_one()
        return {
            "readiness_id": self.id,
            "message": message,
            "amount_at_risk": self.currency_id.round(amount or 0.0),
            "res_model": record._name if record else self.sale_order_id._name,
            "res_id": record.id if record else self.sale_order_id.id,
        }

    def _get_date_label(self):
        """Return a function writing a date as ``format_date`` does, each distinct date once:
        a batch shares a few dates, and the language lookup of each costs more than the writing."""
        labels = {}

        def label(day):
            if day not in labels:
                labels[day] = format_date(self.env, day)
            return labels[day]

        return label

    def _format(self, amount):
        """Return ``amount`` in the record's currency as Odoo's ``format_amount`` writes it.

        The checks write thousands of amounts, and looking the language up costs
        more than the formatting: the language is looked up once per transaction.
        """
        key = ("ps_billing_readiness.format_lang", self.env.context.get("lang"), self.env.uid)
        if key not in self.env.cr.cache:
            self.env.cr.cache[key] = get_lang(self.env).id
        lang = self.env["res.lang"].browse(self.env.cr.cache[key])
        currency = self.currency_id
        formatted = (
            lang.format(f"%.{currency.decimal_places}f", currency.round(amount), grouping=True, monetary=True)
            .replace(" ", "\N{NO-BREAK SPACE}")
            .replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
        )
        if currency.position == "before":
            return f"{currency.symbol or ''}\N{NO-BREAK SPACE}{formatted}"
        return f"{formatted}\N{NO-BREAK SPACE}{currency.symbol or ''}"

    # ------------------------------------------------------------
    # Core checks: each returns the findings of the whole batch
    # ------------------------------------------------------------

    def _check_terms_confirmed(self, check):
        findings = []
        for record in self:
            order = record.sale_order_id
            if not order.ps_billing_model:
                findings.append(
                    record._finding(
                        _("%s has no billing model: set it in the engagement's billing terms.", order.name),
                        record._get_deliverable(),
                    )
                )
            elif not order.ps_terms_confirmed:
                findings.append(
                    record._finding(
                        _(
                            "The billing terms of %(order)s are not confirmed by finance; %(amount)s waits on them.",
                            order=order.name,
                            amount=record._format(record._get_deliverable()),
                        ),
                        record._get_deliverable(),
                    )
                )
        return findings

    def _check_po_reference(self, check):
        return [
            record._finding(
                _(
                    "%(client)s requires a purchase order on %(order)s and none is recorded; "
                    "%(amount)s cannot be billed.",
                    client=record.partner_id.display_name,
                    order=record.sale_order_id.name,
                    amount=record._format(record._get_deliverable()),
                ),
                record._get_deliverable(),
            )
            for record in self
            if record.sale_order_id.ps_po_required and not record.sale_order_id.ps_client_po_ref
        ]

    def _check_expenses_validated(self, check):
        expenses = (
            self.env["hr.expense"]
            .sudo()
            .search(
                [
                    ("sale_order_id", "in", self.sale_order_id.ids),
                    ("state", "in", ("draft", "reported", "submitted")),
                    ("product_id.expense_policy", "in", ("cost", "sales_price")),
                    ("date", "<=", max(self.mapped("period_end"))),
                ]
            )
        )
        states = dict(expenses._fields["state"]._description_selection(self.env))
        text = _('Expense "%(expense)s" of %(employee)s (%(date)s, %(amount)s) is not approved yet (%(state)s).')
        return self._expense_findings(
            expenses,
            lambda record: record.sale_order_id.id,
            lambda expense: [expense.sale_order_id.id],
            lambda expense, amount, day: text
            % {
                "expense": expense.name,
                "employee": expense.employee_id.name,
                "date": day,
                "amount": amount,
                "state": states[expense.state],
            },
        )

    def _check_expenses_unlinked(self, check):
        accounts = self.project_id.analytic_account_id
        if not accounts:
            return []
        expenses = (
            self.env["hr.expense"]
            .sudo()
            .search(
                [
                    ("sale_order_id", "=", False),
                    ("analytic_distribution", "in", accounts.ids),
                    ("product_id.expense_policy", "in", ("cost", "sales_price")),
                    ("state", "!=", "refused"),
                    ("date", "<=", max(self.mapped("period_end"))),
                ]
            )
        )
        text = _(
            'Expense "%(expense)s" of %(employee)s (%(date)s, %(amount)s) is charged to the project but '
            "linked to no sales order: it will never be re-invoiced."
        )
        return self._expense_findings(
            expenses,
            lambda record: record.project_id.analytic_account_id.id,
            lambda expense: {
                int(account) for key in (expense.analytic_distribution or {}) for account in key.split(",")
            },
            lambda expense, amount, day: text
            % {"expense": expense.name, "employee": expense.employee_id.name, "date": day, "amount": amount},
        )

    def _expense_findings(self, expenses, record_key, expense_keys, message):
        """Return a finding per record and expense of its key (its order, its project's account).

        ``message(expense, amount, date)`` gets the amount and the expense's date formatted.
        """
        label = self._get_date_label()
        by_key = defaultdict(list)
        for expense in expenses:
            for key in expense_keys(expense):
                by_key[key].append(expense)
        findings = []
        for record in self:
            for expense in by_key.get(record_key(record), ()):
                if expense.date > record.period_end:
                    continue
                amount = expense.company_currency_id._convert(
                    expense.total_amount, record.currency_id, record.company_id, expense.date or record.period_end
                )
                findings.append(
                    record._finding(message(expense, record._format(amount), label(expense.date)), amount, expense)
                )
        return findings

    def _check_rate_mismatch(self, check):
        lines = self.sale_order_id.order_line.filtered(lambda line: line.qty_delivered_method == "timesheet")
        if not lines:
            return []
        hours = self._read_uninvoiced_hours(lines)
        earliest_ids = set(self._get_earliest_open().ids)
        lines_by_order = lines.grouped("order_id")
        list_prices = {}
        for pricelist, pl_lines in lines.grouped(lambda line: line.order_id.pricelist_id).items():
            if pricelist:
                prices = pricelist._get_products_price(pl_lines.product_id, 1.0)
            else:
                prices = {product.id: product.lst_price for product in pl_lines.product_id}
            for line in pl_lines:
                list_prices[line.id] = prices.get(line.product_id.id, 0.0)
        findings = []
        for record in self:
            for line in lines_by_order.get(record.sale_order_id, ()):
                sold = line.price_unit * (1.0 - (line.discount or 0.0) / 100.0)
                list_price = list_prices[line.id]
                if float_compare(sold, list_price, precision_rounding=record.currency_id.rounding) >= 0:
                    continue
                lower = None if record.id in earliest_ids else record.period_start
                qty = sum(
                    qty
                    for day, qty in hours.get(line.id, ())
                    if day <= record.period_end and (lower is None or day >= lower)
                )
                if float_is_zero(qty, precision_digits=2):
                    continue
                at_risk = (list_price - sold) * qty
                findings.append(
                    record._finding(
                        _(
                            "%(product)s is sold at %(sold)s an hour on %(order)s, below the pricelist's %(list)s: "
                            "%(hours).2f hours lose %(amount)s.",
                            product=line.product_id.display_name,
                            sold=record._format(sold),
                            order=line.order_id.name,
                            list=record._format(list_price),
                            hours=qty,
                            amount=record._format(at_risk),
                        ),
                        at_risk,
                        line,
                    )
                )
        return findings

    def _check_stale_draft(self, check):
        companies = self.company_id
        oldest = min(companies.mapped("ps_stale_draft_days") or [0])
        limit = fields.Datetime.now() - timedelta(days=oldest)
        drafts = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "draft"),
                    ("create_date", "<", limit),
                    ("line_ids.sale_line_ids.order_id", "in", self.sale_order_id.ids),
                ]
            )
        )
        drafts_by_order = defaultdict(list)
        for move in drafts:
            for order in move.line_ids.sale_line_ids.order_id:
                drafts_by_order[order.id].append(move)
        findings = []
        for record in self:
            stale_limit = fields.Datetime.now() - timedelta(days=record.company_id.ps_stale_draft_days)
            for move in drafts_by_order.get(record.sale_order_id.id, ()):
                if move.create_date >= stale_limit:
                    continue
                age = (fields.Datetime.now() - move.create_date).days
                findings.append(
                    record._finding(
                        _(
                            "Invoice draft %(move)s of %(amount)s has waited %(days)s days without being posted.",
                            move=move.display_name,
                            amount=format_amount(self.env, move.amount_untaxed, move.currency_id),
                            days=age,
                        ),
                        move.amount_untaxed,
                        move,
                    )
                )
        return findings

    # ------------------------------------------------------------
    # Drafting
    # ------------------------------------------------------------

    def _check_can_draft_anyway(self):
        if not self.env.user.has_group(GROUP_FINANCE_CONTROLLER):
            raise AccessError(_("Only a Finance Controller can draft a blocked engagement anyway."))
        for record in self:
            if record.invoice_id:
                raise UserError(_("This period already has its invoice draft %s.", record.invoice_id.display_name))
            if record.state != "blocked":
                raise UserError(_("Draft anyway is for blocked periods; this one can be drafted normally."))

    def _create_invoice_drafts(self, override_reason=None):
        """Create the invoice drafts of these records through Odoo's invoicing and link them; return the drafts.

        One draft per engagement, billing what was delivered up to the end of the latest
        of its periods among these records: the earlier ones are invoiced by the same
        draft (after a long block the backlog reaches one invoice, and Odoo never finds
        a period emptied by the one drafted before it). An earlier open period of the
        engagement with something to bill must be among them: a draft of a later period
        would bill it too. Engagements whose drafts end on the same day are drafted by
        one call of ``_create_invoices``, as Odoo's own invoicing wizard does.
        """
        records = self.filtered(lambda r: not r.invoice_id)
        records._check_earlier_periods_included()
        by_order = records.grouped("sale_order_id")
        latest_by_end = defaultdict(lambda: self.browse())
        for order_records in by_order.values():
            latest = order_records.sorted("period_end")[-1]
            latest_by_end[latest.period_end] |= latest
        moves = self.env["account.move"]
        for period_end in sorted(latest_by_end):
            batch = latest_by_end[period_end]
            orders = batch.sale_order_id
            lines = orders.order_line.filtered(lambda line: not line.display_type)
            lines._recompute_qty_to_invoice(None, period_end)
            # What was delivered after the period (a milestone reached since) waits for its own period.
            other_lines = lines.filtered(lambda line: line.qty_delivered_method != "timesheet")
            for line_id, quantity in other_lines._ps_get_deliverable_quantities(period_end).items():
                line = other_lines.browse(line_id)
                if quantity < line.qty_to_invoice:
                    line.qty_to_invoice = quantity
            drafted = orders.with_context(timesheet_end_date=period_end)._create_invoices(grouped=True, final=False)
            # grouped=True: one draft per engagement, found back through the sales lines it bills.
            for move in drafted:
                order = move.line_ids.sale_line_ids.order_id[:1]
                covered = by_order.get(order)
                if not covered:
                    continue
                move.sudo().write(covered._prepare_invoice_link_vals(override_reason))
                covered.sudo().write({"invoice_id": move.id, "state": "invoiced", "blocked_since": False})
            missing = batch.filtered(lambda r: not r.invoice_id)
            if missing:
                raise UserError(
                    _("Odoo found nothing to invoice on %s.", ", ".join(missing.sale_order_id.mapped("name")))
                )
            moves |= drafted
        drafted_records = records.filtered("invoice_id")
        drafted_records._log_drafted(override_reason)
        drafted_records._close_blocked_activities()
        if moves:
            self._on_invoice_drafted(moves)
        return moves

    def _get_last_period_end_by_order(self):
        """Return {engagement: end of its latest period among these records}: where its one draft stops."""
        return {order: max(periods.mapped("period_end")) for order, periods in self.grouped("sale_order_id").items()}

    def _check_earlier_periods_included(self):
        """Refuse to draft a period while an earlier one of its engagement, with something to bill, stays open."""
        held = self._get_held_by_earlier()
        if held:
            raise UserError(
                _(
                    "An earlier period of %s is still open with something to bill: draft it first, or together "
                    "with this one (its draft would bill the earlier period too).",
                    ", ".join(held.sale_order_id.mapped("name")),
                )
            )

    def _create_invoice_draft(self, override_reason=None):
        """Create the invoice draft of this record; return it."""
        self.ensure_one()
        return self._create_invoice_drafts(override_reason)

    def _log_drafted(self, override_reason=None):
        """Say on each record and its draft what was drafted, and by whom when it was forced."""
        if override_reason:
            body = _(
                "Drafted anyway by %(user)s despite blocking findings: %(reason)s",
                user=self.env.user.name,
                reason=override_reason,
            )
            self._message_log_batch({record.id: body for record in self})
        else:
            self._message_log_batch(
                {record.id: _("Invoice draft %s created for this period.", record.invoice_id.name) for record in self}
            )
        self.invoice_id._message_log_batch(
            {
                move.id: _(
                    "Drafted from the billing readiness of %s.", ", ".join(periods.sorted("period_end").mapped("name"))
                )
                for move, periods in self.grouped("invoice_id").items()
            }
        )

    def _prepare_invoice_link_vals(self, override_reason=None):
        """Return the values written on the new invoice draft of these periods of one engagement
        to link it to the latest of them."""
        return {
            "ps_readiness_id": self.sorted("period_end")[-1:].id,
            "ps_readiness_override_reason": override_reason or False,
            "ps_expected_amount": sum(self.mapped("amount_deliverable")),
        }

    def _on_invoice_drafted(self, moves):
        """Hook run after the readiness engine drafted ``moves`` (a batch); returns nothing."""
        return None

    # ------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------

    def _schedule_blocked_activity(self, blocking_messages):
        """Give the owner of each newly blocked record one activity to resolve it, listing what blocks it."""
        activity_type = self.env.ref("ps_billing_readiness.mail_activity_type_readiness_blocked")
        runner = self.env["ps.batch.runner"]
        existing = {res_id for res_id, _user_id in runner._get_activity_keys(self, activity_type)}
        today = fields.Date.context_today(self)
        vals_list = [
            {
                "res_model_id": self.env["ir.model"]._get_id(self._name),
                "res_id": record.id,
                "activity_type_id": activity_type.id,
                "automated": True,
                "user_id": record.owner_id.id,
                "summary": _("Resolve what blocks billing of %s", record.sale_order_id.name),
                "note": "<br/>".join(escape(message) for message in blocking_messages.get(record.id, ())),
                "date_deadline": today + timedelta(days=record.company_id.ps_escalation_days),
            }
            for record in self
            if record.owner_id and record.id not in existing
        ]
        runner._create_activities(vals_list)

    def _close_blocked_activities(self):
        types = [
            "ps_billing_readiness.mail_activity_type_readiness_blocked",
            "ps_billing_readiness.mail_activity_type_readiness_escalation",
        ]
        if self:
            self.sudo().activity_feedback(types, feedback=_("No longer blocked."))

    def _escalate(self):
        """Give the finance controllers one escalation activity per record; returns the escalated records."""
        activity_type = self.env.ref("ps_billing_readiness.mail_activity_type_readiness_escalation")
        controllers = self.env["sale.order"]._ps_get_finance_controllers()
        today = fields.Date.context_today(self)
        vals_list = []
        for record in self:
            vals_list += [
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": record.id,
                    "activity_type_id": activity_type.id,
                    "automated": True,
                    "user_id": user.id,
                    "summary": _(
                        "%(order)s blocked for %(days)s days", order=record.sale_order_id.name, days=record.blocked_days
                    ),
                    "date_deadline": today,
                }
                for user in controllers
            ]
        self.env["ps.batch.runner"]._create_activities(vals_list)
        self.write({"escalated_on": today})
        self._message_log_batch(
            {
                record.id: _(
                    "Blocked since %s: escalated to the finance controllers.",
                    format_date(self.env, record.blocked_since),
                )
                for record in self
            }
        )
        return self

    # ------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------

    @api.model
    def _cron_billing_run(self, limit=CRON_BATCH):
        """The billing run: one scheduled action whose steps run in this order, whatever the cron thread does.

        1. ``_ps_before_billing_run``: modules bring what the checks read up to date
           (the milestones' deemed acceptance);
        2. ``_evaluate_stale``: the engagements marked outdated or evaluated before today;
        3. ``_draft_due_periods``: the ready periods past their cutoff, each engagement
           locked and re-evaluated first if it went stale since;
        4. ``_escalate_blocked_periods``: what stays blocked too long.

        A change that a check reads marks its engagement and calls the run again, so a
        finding appears and disappears the same day. Each step works in batches of
        ``limit``; the run calls itself again while work remains. Returns {step: count}.
        """
        today = fields.Date.context_today(self)
        self._ps_before_billing_run(today, limit)
        evaluated, more_stale = self._evaluate_stale(today, limit)
        drafted, more_due = self._draft_due_periods(today, limit)
        escalated, more_blocked = self._escalate_blocked_periods(today, limit)
        if more_stale or more_due or more_blocked:
            self.env.ref("ps_billing_readiness.ir_cron_evaluate_readiness")._trigger()
        return {"evaluated": evaluated, "drafted": drafted, "escalated": escalated}

    @api.model
    def _ps_before_billing_run(self, today, limit):
        """Hook: bring the inputs of the checks up to date before the evaluation (extend with super())."""
        return None

    @api.model
    def _get_stale_domain(self, today):
        return [
            ("state", "=", "sale"),
            ("ps_has_services", "=", True),
            "|",
            ("ps_readiness_dirty", "=", True),
            "|",
            ("ps_readiness_evaluated_on", "=", False),
            ("ps_readiness_evaluated_on", "<", today),
        ]

    @api.model
    def _evaluate_stale(self, today, limit=CRON_BATCH):
        """Evaluate a batch of the engagements marked outdated or not evaluated today, the marked first.
        Return (how many, whether more remain)."""
        Order = self.env["sale.order"]
        domain = self._get_stale_domain(today)
        orders = Order.search(domain, order="ps_readiness_dirty desc, id", limit=limit)
        if not orders:
            return 0, False
        self.env["ps.batch.runner"]._run_batch(
            orders,
            lambda batch: self._evaluate_orders(batch, today),
            "evaluate the readiness of",
            on_failure=lambda order, error: self._on_evaluation_failure(order, today, error),
        )
        self.env["ps.batch.runner"]._commit_between_batches()
        return len(orders), bool(Order.search_count(domain, limit=1))

    @api.model
    def _get_due_domain(self, today):
        """Ready periods past their cutoff (``_draft_fresh`` re-evaluates those gone stale)."""
        return [("state", "=", "ready"), ("invoice_id", "=", False), ("cutoff_date", "<", today)]

    @api.model
    def _draft_due_periods(self, today, limit=CRON_BATCH):
        """Draft a batch of the due periods, the oldest first; return (how many, whether more remain).

        A period held by an earlier one of its engagement that cannot be drafted (blocked,
        or not due) waits: its draft would bill the earlier period too.
        """
        domain = self._get_due_domain(today)
        candidates = self.search(domain, order="cutoff_date, id")
        held = candidates._get_held_by_earlier()
        records = (candidates - held)[:limit]
        self.env["ps.batch.runner"]._run_batch(
            records,
            lambda batch: batch._draft_fresh(today),
            "draft the invoice of",
            on_failure=lambda record, error: record._on_drafting_failure(error),
        )
        self.env["ps.batch.runner"]._commit_between_batches()
        return len(records.filtered("invoice_id")), len(candidates - held) > limit

    def _get_held_by_earlier(self):
        """Return those of these records that an earlier open period of their engagement, with something
        to bill and not among them, holds back."""
        earlier = self.search(
            [
                ("sale_order_id", "in", self.sale_order_id.ids),
                ("state", "in", ("ready", "blocked")),
                ("invoice_id", "=", False),
                ("id", "not in", self.ids),
            ]
        )
        first_open = {}
        for record in earlier:
            order = record.sale_order_id
            first_open[order] = min(first_open.get(order, record.period_end), record.period_end)
        return self.filtered(lambda r: r.sale_order_id in first_open and first_open[r.sale_order_id] < r.period_end)

    def _draft_fresh(self, today):
        """Draft these due periods from an evaluation as recent as their data.

        The engagements are locked first: a change committed since this transaction began
        fails the lock (the change marked them and called the run again), and one made
        from now on waits for this draft. An engagement marked outdated is re-evaluated
        before anything of it is drafted.
        """
        orders = self.sale_order_id
        self.env.cr.execute("SELECT id FROM sale_order WHERE id IN %s FOR NO KEY UPDATE NOWAIT", [tuple(orders.ids)])
        orders.invalidate_recordset(["ps_readiness_dirty", "ps_readiness_evaluated_on"])
        stale = orders.filtered(lambda o: o.ps_readiness_dirty or o.ps_readiness_evaluated_on != today)
        if stale:
            self._evaluate_orders(stale, today)
            self.invalidate_recordset()
        due = self.filtered(lambda r: r.state == "ready" and not r.invoice_id)
        due -= due._get_held_by_earlier()  # the new evaluation may have blocked an earlier period
        return due._create_invoice_drafts() if due else self.env["account.move"]

    @api.model
    def _escalate_blocked_periods(self, today, limit=CRON_BATCH):
        """Escalate records blocked for longer than the company's delay, once per blocking.
        Return (how many, whether more remain)."""
        shortest = min(self.env["res.company"].search([]).mapped("ps_escalation_days") or [0])
        records = self.search(
            [
                ("state", "=", "blocked"),
                ("escalated_on", "=", False),
                ("blocked_since", "<=", today - timedelta(days=shortest)),
            ],
            order="blocked_since, id",
        )
        due = records.filtered(lambda r: (today - r.blocked_since).days >= r.company_id.ps_escalation_days)
        batch = due[:limit]
        failed = self.env["ps.batch.runner"]._run_batch(batch, lambda records: records._escalate(), "escalate")
        self.env["ps.batch.runner"]._commit_between_batches()
        # More to do, and this batch made progress (a record that always fails must not loop the run).
        return len(batch) - len(failed), len(due) > limit and failed != batch

    @api.model
    def _on_evaluation_failure(self, order, day, error):
        """Count a failed engagement as evaluated on ``day`` (no retry loop) and say why on it."""
        order.sudo().write({"ps_readiness_dirty": False, "ps_readiness_evaluated_on": day})
        order.message_post(body=_("Billing readiness could not be evaluated: %s", error))

    def _on_drafting_failure(self, error):
        """A period Odoo could not invoice goes back to not ready, with the reason, until re-evaluated.

        An engagement being changed at the same moment is no failure: the change marked it
        and called the run again, which drafts it from the new data.
        """
        self.ensure_one()
        if isinstance(error, errors.LockNotAvailable | errors.SerializationFailure):
            _logger.info("Billing Control: %s is being changed; it is drafted by the next run", self.name)
            return
        self.write({"state": "not_ready"})
        self.message_post(body=_("The invoice draft could not be created: %s", error))
