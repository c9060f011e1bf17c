# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime

GROUP_PROJECT_MANAGER = "ps_billing_readiness.group_project_manager"
GROUP_FINANCE_CONTROLLER = "ps_billing_readiness.group_finance_controller"
STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted to Client"),
    ("approved", "Approved by Client"),
    ("rejected", "Rejected by Client"),
    ("applied", "Applied"),
    ("cancelled", "Cancelled"),
]
# What the client approves: frozen once the change order leaves the draft state.
CONTENT_FIELDS = ("sale_order_id", "reason", "description", "line_ids", "task_ids")


class PsChangeOrder(models.Model):
    """A change of an engagement's scope (sales lines, hours, rates, milestones, dates), numbered per
    engagement (CO-1, CO-2 …), with its reason and evidence. Nothing of it is billable until the
    client approved it and finance applied it to the sales order."""

    _name = "ps.change.order"
    _description = "Change Order"
    _inherit = ["ps.protected.mixin", "ps.readiness.watch.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "sale_order_id, version desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    version = fields.Integer(readonly=True, copy=False, help="The change order's number within its engagement.")
    sale_order_id = fields.Many2one(
        "sale.order",
        "Engagement",
        required=True,
        index=True,
        check_company=True,
        domain=[("state", "=", "sale")],
        tracking=True,
    )
    partner_id = fields.Many2one(related="sale_order_id.partner_id", store=True, string="Client")
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="sale_order_id.currency_id")
    project_id = fields.Many2one("project.project", compute="_compute_project_id", store=True, index=True)
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, copy=False, tracking=True, index=True
    )
    reason = fields.Text("Why", tracking=True, help="Why the scope changes: the client's request, a finding…")
    description = fields.Html("Details")
    line_ids = fields.One2many("ps.change.order.line", "change_order_id", string="Changes", copy=True)
    task_ids = fields.Many2many(
        "project.task",
        string="Tasks",
        help="The tasks the changed work is logged on: their time is at risk until the client approves.",
    )
    amount_change = fields.Monetary("Value of the Change", compute="_compute_amount_change")
    diff_html = fields.Html("Before → After", compute="_compute_diff_html", sanitize=False)
    evidence_count = fields.Integer("Evidence", compute="_compute_evidence_count")
    submitted_by_id = fields.Many2one("res.users", "Submitted By", readonly=True, copy=False)
    submitted_on = fields.Datetime(readonly=True, copy=False)
    decided_on = fields.Datetime(readonly=True, copy=False, tracking=True)
    decided_by_name = fields.Char("Signatory", readonly=True, copy=False, tracking=True)
    decided_by_partner_id = fields.Many2one("res.partner", "Decided By (Contact)", readonly=True, copy=False)
    decision_recorded_by_id = fields.Many2one(
        "res.users",
        "Decision Recorded By",
        readonly=True,
        copy=False,
        help="Empty when the client decided in the portal.",
    )
    decision_ip = fields.Char("Decided From", readonly=True, copy=False)
    reject_reason = fields.Text(readonly=True, copy=False, tracking=True)
    applied_by_id = fields.Many2one("res.users", "Applied By", readonly=True, copy=False, tracking=True)
    applied_on = fields.Datetime(readonly=True, copy=False)
    can_apply = fields.Boolean(compute="_compute_can_apply")
    cannot_apply_reason = fields.Char(compute="_compute_can_apply")

    _sql_constraints = [
        ("order_version_uniq", "unique(sale_order_id, version)", "A change order number exists once per engagement."),
    ]

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("version")
    def _compute_name(self):
        for change in self:
            change.name = f"CO-{change.version}" if change.version else _("New")

    @api.depends("sale_order_id")
    def _compute_project_id(self):
        for change in self:
            order = change.sale_order_id
            change.project_id = order.project_id or order.order_line.project_id[:1]

    @api.depends("line_ids.amount_change")
    def _compute_amount_change(self):
        for change in self:
            change.amount_change = sum(change.line_ids.mapped("amount_change"))

    @api.depends("line_ids.before_text", "line_ids.after_text", "line_ids.amount_change")
    def _compute_diff_html(self):
        for change in self:
            change.diff_html = change._ps_render_diff()

    def _compute_evidence_count(self):
        counts = dict(
            self.env["ir.attachment"]
            .sudo()
            ._read_group([("res_model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"])
        )
        for change in self:
            change.evidence_count = counts.get(change.id, 0)

    @api.depends_context("uid")
    @api.depends("state")
    def _compute_can_apply(self):
        for change in self:
            reason = change._ps_get_cannot_apply_reason()
            change.can_apply = not reason
            change.cannot_apply_reason = reason or False

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _get_ps_protected_fields(self):
        """Return the state, the number and every trace of the decisions: only the actions set them."""
        return super()._get_ps_protected_fields() | {
            "version",
            "state",
            "submitted_by_id",
            "submitted_on",
            "decided_on",
            "decided_by_name",
            "decided_by_partner_id",
            "decision_recorded_by_id",
            "decision_ip",
            "reject_reason",
            "applied_by_id",
            "applied_on",
        }

    @api.model_create_multi
    def create(self, vals_list):
        changes = super().create(vals_list)
        changes._ps_assign_versions()
        return changes

    def write(self, vals):
        if not self.env.su and set(vals) & set(CONTENT_FIELDS):
            self._ps_check_draft(_("Only a draft change order can be edited: create a new version instead."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided(self):
        if any(change.state not in ("draft", "cancelled") for change in self):
            raise UserError(_("A change order sent to the client is kept: cancel it instead."))

    def _ps_check_draft(self, message):
        if any(change.state != "draft" for change in self):
            raise UserError(message)

    def _ps_assign_versions(self):
        """Number new change orders after the last of their engagement (CO-1, CO-2 …)."""
        for order, changes in self.grouped("sale_order_id").items():
            # The engagement's row lock orders two change orders created at once.
            self.env.cr.execute("SELECT id FROM sale_order WHERE id = %s FOR NO KEY UPDATE", [order.id])
            last = max(self.sudo().search([("sale_order_id", "=", order.id)]).mapped("version") or [0])
            for offset, change in enumerate(changes.sorted("id"), start=1):
                change.sudo().version = last + offset

    def _ps_get_readiness_orders(self):
        return self.sudo().sale_order_id.with_env(self.env)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_submit(self):
        """Send the change order to the client for approval (its content is frozen from now on)."""
        self._ps_check_can_submit()
        self._ps_do_submit()
        return True

    def action_cancel(self):
        self._ps_check_can_manage()
        if any(change.state not in ("draft", "submitted") for change in self):
            raise UserError(_("Only a draft or submitted change order can be cancelled."))
        self.sudo().write({"state": "cancelled"})
        for change in self:
            change.message_post(body=_("Cancelled by %s.", self.env.user.name))
        return True

    def action_record_decision(self):
        """Open the wizard that records the client's decision given outside the portal, with evidence."""
        self._ps_check_can_record_decision()
        return {
            "type": "ir.actions.act_window",
            "name": _("Record Client Decision"),
            "res_model": "ps.change.order.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_change_order_id": self.id},
        }

    def action_apply(self):
        """Finance applies an approved change order to the engagement's sales order."""
        for change in self:
            reason = change._ps_get_cannot_apply_reason()
            if reason:
                raise (AccessError if not self._ps_is_controller() else UserError)(reason)
        self._ps_do_apply()
        return True

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # Business: checks
    # ------------------------------------------------------------

    def _ps_is_controller(self):
        return self.env.user.has_group(GROUP_FINANCE_CONTROLLER)

    def _ps_check_can_manage(self):
        """Refuse users who do not manage these change orders (project manager of the engagement, or finance)."""
        if not self.env.user.has_group(GROUP_PROJECT_MANAGER):
            raise AccessError(_("Only a project manager or finance manages change orders."))
        self.check_access_rights("write")
        self.check_access_rule("write")

    def _ps_check_can_submit(self):
        self._ps_check_can_manage()
        for change in self:
            if change.state != "draft":
                raise UserError(_("%s is not a draft: it was submitted already.", change.name))
            if not change.line_ids:
                raise UserError(_("%s changes nothing: add what changes first.", change.name))
            if not (change.reason or "").strip():
                raise UserError(_("Say why the scope of %s changes before submitting it.", change.name))
            change.line_ids._ps_check_complete()

    def _ps_check_can_record_decision(self):
        self._ps_check_can_manage()
        for change in self:
            if change.state != "submitted":
                raise UserError(_("%s does not wait for the client's decision.", change.name))

    def _ps_get_cannot_apply_reason(self):
        """Return why the current user cannot apply this change order now, or False."""
        self.ensure_one()
        if not self._ps_is_controller():
            return _("Only a Finance Controller applies change orders to the engagement.")
        if self.state != "approved":
            return _("Only a change order the client approved can be applied (%s is not).", self.name)
        if self.sale_order_id.state != "sale":
            return _("The engagement of %s is not confirmed.", self.name)
        return False

    # ------------------------------------------------------------
    # Business: transitions
    # ------------------------------------------------------------

    def _ps_do_submit(self):
        now = fields.Datetime.now()
        self.sudo().write({"state": "submitted", "submitted_by_id": self.env.uid, "submitted_on": now})
        for change in self:
            change.message_post(
                body=_(
                    "Submitted to the client by %(user)s on %(when)s.",
                    user=self.env.user.name,
                    when=change._ps_when(now),
                )
            )

    def _ps_record_decision(self, approve, signatory_name, reason=None):
        """Record the client's decision given outside the portal; the evidence (attachments) is required."""
        self._ps_check_can_record_decision()
        for change in self:
            if approve and not change._ps_get_evidence():
                raise UserError(
                    _(
                        "Attach the client's approval (signed change order, e-mail) to %s before recording it.",
                        change.name,
                    )
                )
        if not (signatory_name or "").strip():
            raise UserError(_("Name the client's signatory."))
        if not approve and not (reason or "").strip():
            raise UserError(_("A reason is required to record a rejection."))
        self._ps_do_decide(approve, signatory_name.strip(), reason=reason)

    def _ps_check_portal_decision(self, partner):
        self.ensure_one()
        if not self.sudo().filtered_domain(self._ps_get_portal_domain(partner)):
            raise AccessError(_("This change order is not one of your engagements."))
        if self.state != "submitted":
            raise UserError(_("%s is already decided.", self.name))

    def _ps_portal_approve(self, partner, signatory_name, ip=None):
        """Record the approval the client contact ``partner`` signed in the portal."""
        self._ps_check_portal_decision(partner)
        if not (signatory_name or "").strip():
            raise UserError(_("Type your name to sign the approval."))
        self._ps_do_decide(True, signatory_name.strip(), partner=partner, ip=ip)

    def _ps_portal_reject(self, partner, reason, ip=None):
        """Record the rejection the client contact ``partner`` gave in the portal."""
        self._ps_check_portal_decision(partner)
        if not (reason or "").strip():
            raise UserError(_("A reason is required to reject a change order."))
        self._ps_do_decide(False, partner.name, partner=partner, reason=reason.strip(), ip=ip)

    def _ps_do_decide(self, approve, signatory, partner=None, reason=None, ip=None):
        now = fields.Datetime.now()
        in_portal = bool(ip)
        # The row lock orders two decisions arriving at once: the second finds it decided.
        self.env.cr.execute("SELECT id FROM ps_change_order WHERE id IN %s FOR NO KEY UPDATE", [tuple(self.ids)])
        self.invalidate_recordset(["state"])
        if any(change.state != "submitted" for change in self):
            raise UserError(_("This change order is already decided."))
        self.sudo().write(
            {
                "state": "approved" if approve else "rejected",
                "decided_on": now,
                "decided_by_name": signatory,
                "decided_by_partner_id": partner.id if partner else False,
                "decision_recorded_by_id": False if in_portal else self.env.uid,
                "decision_ip": ip or False,
                "reject_reason": False if approve else reason,
            }
        )
        for change in self:
            when = change._ps_when(now)
            values = {"signatory": signatory, "when": when, "ip": ip, "user": self.env.user.name, "reason": reason}
            if approve and in_portal:
                body = _(
                    "Approved in the customer portal by %(signatory)s on %(when)s from IP address %(ip)s.", **values
                )
            elif approve:
                body = _("Approved by %(signatory)s on %(when)s, recorded by %(user)s with evidence.", **values)
            elif in_portal:
                body = _(
                    "Rejected in the customer portal by %(signatory)s on %(when)s from IP address %(ip)s: %(reason)s",
                    **values,
                )
            else:
                body = _("Rejected by %(signatory)s on %(when)s, recorded by %(user)s: %(reason)s", **values)
            change.sudo().message_post(body=body, author_id=partner.id if partner else None)

    def _ps_do_apply(self):
        """Change the sales orders through Odoo's own lines and milestones, as superuser (the user's right
        was checked), and trace who applied what, when, on the change order and on the engagement."""
        now = fields.Datetime.now()
        for change in self:
            summary = change.line_ids.sudo()._ps_apply()
            change.sudo().write({"state": "applied", "applied_by_id": self.env.uid, "applied_on": now})
            when = change._ps_when(now)
            items = Markup("").join(Markup("<li>%s</li>") % text for text in summary)
            body = Markup("%s<ul>%s</ul>") % (
                _(
                    "%(change)s applied by %(user)s on %(when)s (approved by %(signatory)s):",
                    change=change.name,
                    user=self.env.user.name,
                    when=when,
                    signatory=change.decided_by_name,
                ),
                items,
            )
            change.message_post(body=body)
            change.sale_order_id.sudo().message_post(body=body)

    def _ps_get_hourly_rate(self, task):
        """Return the value of an hour logged on ``task`` for this change order: the rate of its first new or
        re-priced line sold in time, else the rate of the task's sales line when sold in time, else 0."""
        self.ensure_one()
        time_category = self.env.ref("uom.uom_categ_wtime")
        hour = self.env.ref("uom.product_uom_hour")
        for line in self.line_ids:
            if line.change_type == "add_line" and line.product_id.uom_id.category_id == time_category:
                return line.product_id.uom_id._compute_price(line.price_unit, hour)
            if line.change_type == "change_price" and line.sale_line_id.product_uom.category_id == time_category:
                return line.sale_line_id.product_uom._compute_price(line.price_unit, hour)
        sale_line = task.sale_line_id
        if sale_line.product_uom.category_id == time_category:
            return sale_line.product_uom._compute_price(sale_line.price_unit, hour)
        return 0.0

    def _ps_when(self, value):
        """Return ``value`` (UTC) on the firm's clock, as every trace of the suite shows it."""
        tz = self.company_id._ps_get_tz() if self.company_id else "UTC"
        return f"{format_datetime(self.env, value, tz=tz)} ({tz})"

    @api.model
    def _ps_load_demo(self):
        """Demo firm: a submitted change order on the store programme (a pilot region more and more hours),
        with its evidence, waiting for the client's contact in the portal. Once only."""
        client = self.env.ref("ps_billing_readiness.demo_partner_alder", raise_if_not_found=False)
        order = client and self.env["sale.order"].search(
            [("partner_id", "=", client.id), ("state", "=", "sale")], order="id", limit=1
        )
        if not order or self.search_count([("sale_order_id", "=", order.id)]):
            return
        hours_line = order.order_line.filtered(lambda line: line.qty_delivered_method == "timesheet")[:1]
        milestone_line = order.order_line.filtered(lambda line: line.qty_delivered_method == "milestones")[:1]
        project = order.project_id or order.order_line.project_id[:1]
        task = self.env["project.task"].create(
            {"name": "Third pilot region (change request)", "project_id": project.id}
        )
        lines = [
            {
                "change_type": "add_milestone",
                "product_id": milestone_line.product_id.id,
                "name": "Third pilot region live",
                "price_unit": 18000.0,
                "date": fields.Date.context_today(self) + timedelta(days=45),
            }
        ]
        if hours_line:
            lines.append(
                {
                    "change_type": "change_quantity",
                    "sale_line_id": hours_line.id,
                    "quantity": hours_line.product_uom_qty + 60,
                }
            )
        change = self.create(
            {
                "sale_order_id": order.id,
                "reason": "The client asked on the steering committee to add a third pilot region.",
                "task_ids": [Command.set(task.ids)],
                "line_ids": [Command.create(vals) for vals in lines],
            }
        )
        self.env["ir.attachment"].create(
            {
                "name": "steering_committee_minutes.pdf",
                "res_model": self._name,
                "res_id": change.id,
                "raw": b"Steering committee minutes: third pilot region requested.",
            }
        )
        manager = project.user_id or order.user_id
        change.with_user(manager).action_submit()

    # ------------------------------------------------------------
    # Business: portal and diff
    # ------------------------------------------------------------

    @api.model
    def _ps_get_portal_domain(self, partner):
        """Return the domain of the change orders the client contact ``partner`` sees in the portal."""
        return [
            ("partner_id", "child_of", partner.commercial_partner_id.id),
            ("state", "in", ("submitted", "approved", "rejected", "applied")),
        ]

    def _ps_get_evidence(self):
        """Return the evidence files of this change order."""
        self.ensure_one()
        return (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "=", self.id)], order="id")
        )

    def _ps_render_diff(self):
        """Return the change as an HTML table: what changes, before, after, and the value of each change."""
        self.ensure_one()
        if not self.line_ids:
            return False
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td class='text-end'>%s</td></tr>")
            % (line.label or "", line.before_text or "—", line.after_text or "—", line._ps_format_amount())
            for line in self.line_ids
        )
        return Markup(
            "<table class='table table-sm o_ps_change_order_diff'><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
        ) % (escape(_("Change")), escape(_("Before")), escape(_("After")), escape(_("Value")), rows)
