# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Business events: how a batch of records becomes events (outbox rows), and what their data says.

The data of an event carries ids and business figures, never secrets and no personal data beyond
what its type needs (a consultant's id and name for missing time; no email, no message text).
"""

from collections import defaultdict

from odoo import api, fields, models

# What a month-end job's error says, at most: enough to recognise it, not its traceback.
ERROR_EXCERPT = 300


class PsBillingEvent(models.Model):
    # The model is split by concern across files (house style), on purpose.
    _inherit = "ps.billing.event"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # Recording
    # ------------------------------------------------------------

    @api.model
    def _ps_record_events(self, code, records, payload_fn=None, one_event=False):
        """Write the events of type ``code`` about ``records`` (one per record, or with ``one_event``
        one per engagement of them) and their deliveries to the subscribed endpoints; return the events.
        The queries of a batch do not grow with its size."""
        event_type = (
            self.env["ps.billing.event.type"]
            .sudo()
            .with_context(active_test=False)
            .search([("code", "=", code)], limit=1)
        )
        if not event_type:
            raise ValueError(f"Unknown billing event type {code!r}: ship its ps.billing.event.type record")
        records = records.sudo().exists()
        if not event_type.active or not records:
            return self.browse()
        orders = self._ps_get_event_orders(records)
        if one_event:
            groups = list(records.grouped(lambda r: orders.get(r.id) or self.env["sale.order"]).items())
            groups = [(group, order) for order, group in groups]
            data = {group[:1].id: self._ps_get_group_data(group) for group, _order in groups}
        else:
            groups = [(record, orders.get(record.id) or self.env["sale.order"]) for record in records]
            data = self._ps_get_event_data(records)
            extra = payload_fn(records) if payload_fn else {}
            for record_id, values in extra.items():
                data.setdefault(record_id, {}).update(values)
        counts = {}
        for _group, order in groups:
            if order:
                counts[order.id] = counts.get(order.id, 0) + 1
        first = self.env["ps.billing.event.counter"].sudo()._ps_take_numbers(counts)
        now = fields.Datetime.now()
        has_company = "company_id" in records._fields
        endpoints = self._ps_get_subscribed_endpoints(event_type)
        vals_list = []
        for group, order in groups:
            number = 0
            if order:
                number = first[order.id]
                first[order.id] += 1
            company = (order.company_id if order else group[:1].company_id if has_company else None) or self.env.company
            event_uuid = self._fields["uuid"].default(self)
            vals_list.append(
                {
                    "uuid": event_uuid,
                    "type_id": event_type.id,
                    "event_type": code,
                    "state": "pending" if company in endpoints else "no_endpoint",
                    "occurred_on": now,
                    "company_id": company.id,
                    "res_model": records._name,
                    "res_id": group[:1].id,
                    "sale_order_id": order.id,
                    "sequence_number": number,
                    "body": self._ps_prepare_body(
                        event_uuid, code, now, company, order, number, data.get(group[:1].id, {})
                    ),
                }
            )
        # The events of a batch and their deliveries in one INSERT each (the outbox is the engine's own
        # table, written inside the evaluation: the ORM's per-record create tripled its time at size M).
        Runner = self.env["ps.batch.runner"]
        events = Runner._insert_rows(self._name, vals_list).sudo()
        deliveries = [
            {
                "event_id": event.id,
                "endpoint_id": endpoint.id,
                "company_id": vals["company_id"],
                "state": "pending",
                "attempt_count": 0,
                "job_token": 0,
            }
            for event, vals in zip(events, vals_list, strict=True)
            for endpoint in endpoints.get(self.env["res.company"].browse(vals["company_id"]), ())
        ]
        if deliveries:
            # Each event's state is what its new pending deliveries make it, given above ("pending"): not
            # computed again record by record and written back once the deliveries exist.
            with self.env.protecting([self._fields["state"]], events):
                new_deliveries = Runner._insert_rows("ps.webhook.delivery", deliveries)
            new_deliveries.sudo()._ps_enqueue_first_attempts()
        return events

    @api.model
    def _ps_get_subscribed_endpoints(self, event_type):
        """Return {company: [endpoints]} of the enabled endpoints with a secret that receive ``event_type``."""
        endpoints = (
            self.env["ps.webhook.endpoint"]
            .sudo()
            .search([("state", "=", "enabled"), ("secret_set_on", "!=", False)], order="id")
        )
        subscribed = {}
        for endpoint in endpoints:
            if not endpoint.type_ids or event_type in endpoint.type_ids:
                subscribed.setdefault(endpoint.company_id, []).append(endpoint)
        return subscribed

    # ------------------------------------------------------------
    # Engagements and data
    # ------------------------------------------------------------

    @api.model
    def _ps_get_event_orders(self, records):
        """Return {record id: its engagement (sale.order)} for ``records``: the events' sequence follows it.
        Records of models it does not know have none (their events carry no sequence number)."""
        model = records._name
        if model == "sale.order":
            return {record.id: record for record in records}
        if model == "account.move":
            return {
                move.id: move.ps_readiness_id.sale_order_id or move.line_ids.sale_line_ids.order_id[:1]
                for move in records
            }
        if model == "project.milestone":
            return {milestone.id: milestone.sale_line_id.order_id for milestone in records}
        if model == "account.analytic.line":
            return {line.id: line.so_line.order_id or line.project_id.sale_order_id for line in records}
        if model == "queue.job":
            result = {}
            for job in records:
                orders = job._ps_get_orders()
                if len(orders) == 1:
                    result[job.id] = orders
            return result
        field = records._fields.get("sale_order_id")
        if field is not None and field.type == "many2one" and field.comodel_name == "sale.order":
            return {record.id: record.sale_order_id for record in records}
        return {}

    @api.model
    def _ps_get_event_data(self, records):
        """Return {record id: the data of its event}: ``_ps_get_event_data_<model>`` where a model has one."""
        method = getattr(self, "_ps_get_event_data_" + records._name.replace(".", "_"), None)
        data = method(records) if method else {}
        for record in records:
            data.setdefault(record.id, {})
            data[record.id] = {"model": records._name, "id": record.id, **data[record.id]}
        return data

    @api.model
    def _ps_get_group_data(self, records):
        """Return the data of one event about all of ``records`` (``one_event``)."""
        if records._name == "account.analytic.line":
            dates = records.mapped("date")
            return {
                "model": records._name,
                "ids": records.ids,
                "count": len(records),
                "hours": round(sum(records.mapped("unit_amount")), 2),
                "date_from": str(min(dates)) if dates else None,
                "date_to": str(max(dates)) if dates else None,
                "employee_ids": records.employee_id.ids,
                "project_ids": records.project_id.ids,
                "sale_line_ids": records.so_line.ids,
                "by_user_id": self.env.uid,
            }
        return {"model": records._name, "ids": records.ids, "count": len(records)}

    @api.model
    def _ps_get_event_data_ps_billing_readiness(self, records):
        # The findings' figures straight from the engine's table (thousands of them at a month-end).
        self.env["ps.readiness.finding"].flush_model(["readiness_id", "check_code", "severity", "amount_at_risk"])
        self.env.cr.execute(
            "SELECT readiness_id, check_code, severity, amount_at_risk FROM ps_readiness_finding "
            "WHERE readiness_id = ANY(%s) ORDER BY id",
            [records.ids],
        )
        findings = defaultdict(list)
        for readiness_id, check, severity, amount in self.env.cr.fetchall():
            findings[readiness_id].append({"check": check, "severity": severity, "amount_at_risk": amount})
        return {
            record.id: {
                "period_start": str(record.period_start),
                "period_end": str(record.period_end),
                "cutoff_date": str(record.cutoff_date),
                "state": record.state,
                "billing_model": record.billing_model,
                "client_id": record.partner_id.id,
                "project_id": record.project_id.id,
                "currency": record.currency_id.name,
                "amount_deliverable": record.amount_deliverable,
                "amount_ready": record.amount_ready,
                "amount_blocked": record.amount_blocked,
                "amount_at_risk": record.amount_at_risk,
                # The company's currency read through the company (the related field is computed record by record).
                "company_currency": record.company_id.currency_id.name,
                "amount_at_risk_company": record.amount_at_risk_company,
                "blocked_since": str(record.blocked_since) if record.blocked_since else None,
                "findings": findings.get(record.id, []),
            }
            for record in records
        }

    @api.model
    def _ps_get_event_data_account_move(self, records):
        return {
            move.id: {
                "name": move.name,
                "move_type": move.move_type,
                "state": move.state,
                "client_id": move.commercial_partner_id.id,
                "invoice_date": str(move.invoice_date) if move.invoice_date else None,
                "currency": move.currency_id.name,
                "amount_untaxed": move.amount_untaxed,
                "amount_tax": move.amount_tax,
                "amount_total": move.amount_total,
                "amount_residual": move.amount_residual,
                "readiness_id": move.ps_readiness_id.id or None,
                "sale_order_ids": move.line_ids.sale_line_ids.order_id.ids,
            }
            for move in records
        }

    @api.model
    def _ps_get_event_data_project_milestone(self, records):
        return {
            milestone.id: {
                "name": milestone.name,
                "project_id": milestone.project_id.id,
                "sale_line_id": milestone.sale_line_id.id or None,
                "is_reached": milestone.is_reached,
                "reached_date": str(milestone.reached_date) if milestone.reached_date else None,
                "quantity_percentage": milestone.quantity_percentage,
                "currency": milestone.sale_line_id.currency_id.name or None,
                "amount": milestone.sale_line_id.currency_id.round(
                    milestone.sale_line_id.price_subtotal * milestone.quantity_percentage
                )
                if milestone.sale_line_id
                else None,
            }
            for milestone in records
        }

    @api.model
    def _ps_get_event_data_queue_job(self, records):
        return {
            job.id: {
                "uuid": job.uuid,
                "name": job.name,
                "channel": job.channel,
                "state": job.state,
                "error": (job.exc_message or job.exc_name or "")[:ERROR_EXCERPT],
                "sale_order_ids": job._ps_get_orders().ids,
            }
            for job in records
        }

    @api.model
    def _ps_record_test_event(self, endpoint):
        """Write a ``webhook.test`` event for ``endpoint`` alone and enqueue its delivery; return the event."""
        event_type = self.env.ref("ps_billing_events.event_type_webhook_test")
        now = fields.Datetime.now()
        event_uuid = self._fields["uuid"].default(self)
        event = self.sudo().create(
            {
                "uuid": event_uuid,
                "type_id": event_type.id,
                "occurred_on": now,
                "company_id": endpoint.company_id.id,
                "res_model": endpoint._name,
                "res_id": endpoint.id,
                "body": self._ps_prepare_body(
                    event_uuid,
                    event_type.code,
                    now,
                    endpoint.company_id,
                    None,
                    0,
                    {"model": endpoint._name, "id": endpoint.id, "test": True},
                ),
            }
        )
        self.env["ps.webhook.delivery"].sudo().create(
            {"event_id": event.id, "endpoint_id": endpoint.id, "company_id": endpoint.company_id.id}
        )._ps_enqueue_first_attempts()
        return event
