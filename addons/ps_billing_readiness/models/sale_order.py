# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError

from .ps_billing_model import BILLING_MODELS

# Editing any of these after finance confirmed the terms withdraws the confirmation.
TERMS_FIELDS = (
    "ps_billing_model",
    "ps_billing_cycle",
    "ps_po_required",
    "ps_client_po_ref",
    "ps_client_approval_required",
)
GROUP_FINANCE_CONTROLLER = "ps_billing_readiness.group_finance_controller"


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["ps.protected.mixin", "ps.readiness.watch.mixin", "ps.cron.mixin", "sale.order"]

    # Engagement billing terms
    ps_billing_model = fields.Selection(
        BILLING_MODELS,
        string="Billing Model",
        compute="_compute_ps_billing_model",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Defaults from the service lines' invoicing policy.",
    )
    ps_billing_cycle = fields.Selection(
        [("weekly", "Weekly"), ("monthly", "Monthly"), ("milestone", "On Milestones")],
        string="Billing Cycle",
        default="monthly",
        tracking=True,
    )
    ps_po_required = fields.Boolean("Client PO Required", tracking=True)
    ps_client_po_ref = fields.Char("Client PO Reference", tracking=True, copy=False)
    ps_client_approval_required = fields.Boolean(
        "Client Approval Required",
        tracking=True,
        help="The client approves invoices before they are sent (routed by the approval matrix).",
    )
    ps_terms_confirmed = fields.Boolean("Terms Confirmed", readonly=True, copy=False, tracking=True)
    ps_terms_confirmed_by_id = fields.Many2one("res.users", "Terms Confirmed By", readonly=True, copy=False)
    ps_terms_confirmed_on = fields.Datetime("Terms Confirmed On", readonly=True, copy=False)
    ps_has_services = fields.Boolean(compute="_compute_ps_has_services", search="_search_ps_has_services")

    # Readiness
    ps_readiness_ids = fields.One2many("ps.billing.readiness", "sale_order_id", string="Readiness")
    ps_readiness_count = fields.Integer(compute="_compute_ps_readiness_count")
    ps_readiness_dirty = fields.Boolean(
        "Readiness Outdated",
        copy=False,
        index=True,
        help="Something its readiness checks read changed since the last evaluation; "
        "the billing run re-evaluates it before drafting anything.",
    )

    ps_readiness_evaluated_on = fields.Date("Readiness Evaluated On", copy=False, index=True, readonly=True)

    # ------------------------------------------------------------
    # Compute / search
    # ------------------------------------------------------------

    @api.depends("order_line.product_id")
    def _compute_ps_billing_model(self):
        for order in self:
            if order.ps_billing_model:
                continue
            services = order.order_line.product_id.filtered(lambda p: p.type == "service")
            # invoice_policy/service_type rather than service_policy: the latter's
            # selection depends on the user's groups.
            service_types = set(services.mapped("service_type"))
            policies = set(services.mapped("invoice_policy"))
            if "milestones" in service_types:
                order.ps_billing_model = "milestone"
            elif "delivery" in policies:
                order.ps_billing_model = "time_materials"
            elif "order" in policies:
                order.ps_billing_model = "fixed_fee"
            else:
                order.ps_billing_model = False

    @api.depends("order_line.is_service")
    def _compute_ps_has_services(self):
        for order in self:
            order.ps_has_services = any(order.order_line.mapped("is_service"))

    def _search_ps_has_services(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on service lines."))
        positive = (operator == "=") == value
        return [("order_line.is_service", "=", True)] if positive else [("order_line.is_service", "!=", True)]

    def _compute_ps_readiness_count(self):
        counts = dict(
            self.env["ps.billing.readiness"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.ps_readiness_count = counts.get(order, 0)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _get_ps_protected_fields(self):
        """Return finance's confirmation of the terms and the engine's bookkeeping of the engagement."""
        return super()._get_ps_protected_fields() | {
            "ps_terms_confirmed",
            "ps_terms_confirmed_by_id",
            "ps_terms_confirmed_on",
            "ps_readiness_ids",
            "ps_readiness_dirty",
            "ps_readiness_evaluated_on",
        }

    def write(self, vals):
        terms_changed = set(vals) & set(self._get_ps_terms_fields())
        if terms_changed and "ps_terms_confirmed" not in vals:
            confirmed = self.filtered("ps_terms_confirmed")
            res = super().write(vals)
            if confirmed:
                confirmed._ps_withdraw_terms_confirmation()
            return res
        return super().write(vals)

    @api.model
    def _get_ps_terms_fields(self):
        """Return the fields whose change withdraws finance's confirmation of the terms (extend with super())."""
        return TERMS_FIELDS

    def _prepare_invoice(self):
        vals = super()._prepare_invoice()
        if self.ps_client_po_ref:
            vals["ref"] = self.ps_client_po_ref
        return vals

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_ps_confirm_terms(self):
        """Finance confirms the engagement's billing terms (who and when are recorded)."""
        self._check_can_confirm_terms()
        self._do_confirm_terms()
        return True

    def action_ps_evaluate_readiness(self):
        """Evaluate the readiness of these engagements now (button and list action)."""
        readiness = self.env["ps.billing.readiness"]._evaluate_orders(self)
        if len(self) == 1 and len(readiness) == 1:
            return readiness._get_form_action()
        return self.env["ps.billing.readiness"]._get_list_action(readiness)

    def action_ps_view_readiness(self):
        self.ensure_one()
        return self.env["ps.billing.readiness"]._get_list_action(self.ps_readiness_ids)

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _check_can_confirm_terms(self):
        if not self.env.user.has_group(GROUP_FINANCE_CONTROLLER):
            raise AccessError(_("Only a Finance Controller can confirm billing terms."))
        for order in self:
            if not order.ps_billing_model:
                raise UserError(_("Set the billing model of %s before confirming its terms.", order.name))
            if order.ps_po_required and not order.ps_client_po_ref:
                raise UserError(
                    _("%s requires a client PO reference: enter it before confirming the terms.", order.name)
                )

    def _do_confirm_terms(self):
        self.sudo().write(
            {
                "ps_terms_confirmed": True,
                "ps_terms_confirmed_by_id": self.env.uid,
                "ps_terms_confirmed_on": fields.Datetime.now(),
            }
        )
        # Every controller's reminder is done, not only the confirming one's.
        self.sudo().activity_feedback(
            ["ps_billing_readiness.mail_activity_type_confirm_terms"],
            feedback=_("Billing terms confirmed by %s", self.env.user.name),
        )
        self._message_log_batch(dict.fromkeys(self.ids, _("Billing terms confirmed by %s.", self.env.user.name)))

    def _ps_withdraw_terms_confirmation(self):
        self.sudo().write(
            {
                "ps_terms_confirmed": False,
                "ps_terms_confirmed_by_id": False,
                "ps_terms_confirmed_on": False,
            }
        )
        self._message_log_batch(dict.fromkeys(self.ids, _("Billing terms changed: finance must confirm them again.")))

    def _ps_mark_readiness_dirty(self):
        """Flag these engagements for re-evaluation and ask the billing run to come.

        Each engagement is written once per transaction, even when already flagged:
        the row lock orders this change with a billing run drafting the engagement at
        the same time (one of the two transactions waits, the other retries), so a
        run never drafts from an evaluation older than the data.
        """
        # Bookkeeping of the engine, whoever made the change: a user who may not read the
        # engagement (an employee filing an expense) still marks it.
        self = self.sudo()  # noqa: PLW0642
        marked = self.env.cr.precommit.data.setdefault("ps_readiness_marked", set())
        to_mark = self.filtered(lambda order: order.id and order.id not in marked and order.state == "sale")
        if not to_mark:
            return
        marked.update(to_mark.ids)
        to_mark.write({"ps_readiness_dirty": True})
        if "ps_readiness_triggered" not in self.env.cr.precommit.data:
            self.env.cr.precommit.data["ps_readiness_triggered"] = True
            # Missing while the module installs: its first run comes anyway.
            run = self.env.ref("ps_billing_readiness.ir_cron_evaluate_readiness", raise_if_not_found=False)
            if run:
                run._trigger()

    def _ps_forget_readiness_marks(self):
        """These engagements were just evaluated: a later change in this transaction marks them again."""
        self.env.cr.precommit.data.get("ps_readiness_marked", set()).difference_update(self.ids)

    def _ps_get_readiness_orders(self):
        return self.filtered(lambda order: order.state == "sale")

    @api.model
    def _get_ps_readiness_watched_fields(self):
        """Return {model: field names} whose change makes the readiness of an engagement outdated.

        Each module adds what its checks read (extend with super()); the model must
        inherit ``ps.readiness.watch.mixin``. Creation and deletion always count.
        """
        return {
            "sale.order": {*self._get_ps_terms_fields(), "ps_terms_confirmed", "state", "pricelist_id", "project_id"},
            "sale.order.line": {
                "price_unit",
                "discount",
                "product_id",
                "product_uom_qty",
                "qty_delivered",
                "qty_invoiced",
                "display_type",
            },
            "account.analytic.line": {
                "unit_amount",
                "date",
                "project_id",
                "task_id",
                "so_line",
                "employee_id",
                "timesheet_invoice_id",
            },
            "hr.expense": {
                "state",
                "date",
                "total_amount",
                "analytic_distribution",
                "sale_order_id",
                "product_id",
            },
            "account.move": {"state", "move_type", "invoice_date", "date"},
        }

    @api.model
    @tools.ormcache()
    def _ps_get_readiness_watched_map(self):
        return {model: frozenset(names) for model, names in self._get_ps_readiness_watched_fields().items()}

    def _ps_schedule_terms_activity(self):
        """Ask the finance controllers, once, to confirm the terms of confirmed engagements."""
        orders = self.filtered(lambda o: o.state == "sale" and o.ps_has_services and not o.ps_terms_confirmed)
        if not orders:
            return
        controllers = self._ps_get_finance_controllers()
        self.env["ps.batch.runner"]._schedule_activities(
            self.env.ref("ps_billing_readiness.mail_activity_type_confirm_terms"),
            [
                {
                    "record": order,
                    "user": user,
                    "summary": _("Confirm billing terms of %s", order.name),
                    "date_deadline": order.company_id._ps_today(),
                }
                for order in orders
                for user in controllers
            ],
        )

    @api.model
    def _ps_get_finance_controllers(self):
        """Return the internal users who act as finance controllers of the current company."""
        group = self.env.ref(GROUP_FINANCE_CONTROLLER)
        return group.users.filtered(
            lambda user: user.active
            and not user.share
            and user.id != SUPERUSER_ID
            and self.env.company in user.company_ids
        )
