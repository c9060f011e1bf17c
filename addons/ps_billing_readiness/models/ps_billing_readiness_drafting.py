# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Readiness records: invoice drafts through Odoo's invoicing, and the escalation of blocked periods."""

from collections import defaultdict

from odoo import _, models
from odoo.exceptions import AccessError, UserError

from .ps_billing_readiness import GROUP_FINANCE_CONTROLLER

# What links a draft to the periods it bills (``_prepare_invoice_link_vals``).
INVOICE_LINK_FIELDS = ("ps_readiness_id", "ps_readiness_override_reason", "ps_expected_amount")


class PsBillingReadiness(models.Model):
    # The model is split by concern across files (house style), on purpose.
    _inherit = "ps.billing.readiness"  # pylint: disable=consider-merging-classes-inherited
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

    def _create_invoice_drafts(self, override_reason=None, in_job=False):
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
            other_lines = lines - lines._ps_filter_billed_on_timesheets()
            for line_id, quantity in other_lines._ps_get_deliverable_quantities(period_end).items():
                line = other_lines.browse(line_id)
                if quantity < line.qty_to_invoice:
                    line.qty_to_invoice = quantity
            drafted = orders.with_context(timesheet_end_date=period_end)._create_invoices(grouped=True, final=False)
            # grouped=True: one draft per engagement, found back through the sales lines it bills.
            links = []
            for move in drafted:
                order = move.line_ids.sale_line_ids.order_id[:1]
                covered = by_order.get(order)
                if not covered:
                    continue
                vals = covered._prepare_invoice_link_vals(override_reason)
                links.append((move.id, *(vals[fname] or None for fname in INVOICE_LINK_FIELDS)))
                covered.sudo().write({"invoice_id": move.id, "state": "invoiced", "blocked_since": False})
            # The links are the engine's fields of the drafts: one UPDATE for the batch, not a write of
            # each draft (Odoo's account.move write syncs every line of the draft again: half of drafting).
            self.env["ps.batch.runner"]._write_rows("account.move", list(INVOICE_LINK_FIELDS), links)
            missing = batch.filtered(lambda r: not r.invoice_id)
            if missing:
                raise UserError(
                    _("Odoo found nothing to invoice on %s.", ", ".join(missing.sale_order_id.mapped("name")))
                )
            moves |= drafted
        drafted_records = records.filtered("invoice_id")
        drafted_records._log_drafted(override_reason)
        if override_reason:
            # A blocked period drafted anyway leaves its owner's digest (and the controllers') at once.
            drafted_records._ps_refresh_digests_of()
        if moves:
            self.env["ps.billing.event.hook"]._ps_emit_event("invoice.drafted", moves)
            self._on_invoice_drafted(moves, in_job=in_job)
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
        """Say on each draft which periods it bills; on each record, who forced it and why when it was forced.

        Drafting a ready period is the engine's step (the record's state and its invoice say it):
        no note on the record then, only the decision to draft a blocked one is traced there.
        """
        if override_reason:
            body = _(
                "Drafted anyway by %(user)s despite blocking findings: %(reason)s",
                user=self.env.user.name,
                reason=override_reason,
            )
            self._message_log_batch({record.id: body for record in self})
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

    def _on_invoice_drafted(self, moves, in_job=False):
        """Hook run after the readiness engine drafted ``moves`` (a batch); returns nothing. ``in_job``:
        a month-end job drafted them, so what follows may be enqueued as jobs of its own."""
        return None

    # ------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------

    def _escalate(self):
        """Mark these blocked records escalated (once per blocking) as on their company's today; returns them.

        The finance controllers see them in their escalation digest (``ps.billing.digest``), refreshed
        by the billing run's last step: no activity and no note per record.
        """
        today = self._ps_get_today_by_company()
        for company, records in self.grouped("company_id").items():
            records.write({"escalated_on": today[company]})
        return self
