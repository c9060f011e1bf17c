# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

CHANGE_TYPES = [
    ("add_line", "New Sales Line"),
    ("change_quantity", "Change Quantity (Hours)"),
    ("change_price", "Change Rate"),
    ("add_milestone", "New Milestone"),
    ("change_date", "Change Milestone Date"),
]


class PsChangeOrderLine(models.Model):
    """One change of a change order, applied to the sales order through Odoo's own records."""

    _name = "ps.change.order.line"
    _description = "Change Order Line"
    _order = "change_order_id, sequence, id"

    change_order_id = fields.Many2one("ps.change.order", required=True, ondelete="cascade", index=True)
    sale_order_id = fields.Many2one(related="change_order_id.sale_order_id")
    currency_id = fields.Many2one(related="change_order_id.currency_id")
    sequence = fields.Integer(default=10)
    change_type = fields.Selection(CHANGE_TYPES, required=True, default="add_line")
    sale_line_id = fields.Many2one(
        "sale.order.line",
        "Sales Line",
        domain="[('order_id', '=', sale_order_id), ('display_type', '=', False)]",
        help="The line whose quantity or rate changes.",
    )
    milestone_id = fields.Many2one(
        "project.milestone", "Milestone", domain="[('sale_line_id.order_id', '=', sale_order_id)]"
    )
    product_id = fields.Many2one("product.product", "Product", domain=[("type", "=", "service")])
    name = fields.Char("Description")
    quantity = fields.Float("New Quantity", digits="Product Unit of Measure")
    price_unit = fields.Float("New Rate / Amount", digits="Product Price")
    date = fields.Date("New Date")
    label = fields.Char("Change", compute="_compute_diff")
    before_text = fields.Char("Before", compute="_compute_diff")
    after_text = fields.Char("After", compute="_compute_diff")
    amount_change = fields.Monetary("Value", compute="_compute_diff")
    applied_before = fields.Char(readonly=True, copy=False, help="What the engagement said before the change applied.")
    applied_sale_line_id = fields.Many2one("sale.order.line", readonly=True, copy=False)

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends(
        "change_type",
        "sale_line_id.product_uom_qty",
        "sale_line_id.price_unit",
        "milestone_id.deadline",
        "product_id",
        "name",
        "quantity",
        "price_unit",
        "date",
        "applied_before",
    )
    def _compute_diff(self):
        for line in self:
            label, before, after, amount = line._ps_describe()
            line.label = label
            line.before_text = line.applied_before or before
            line.after_text = after
            line.amount_change = amount

    def _ps_describe(self):
        """Return (label, before, after, value) of this change against the engagement as it stands."""
        self.ensure_one()
        sale_line, currency = self.sale_line_id, self.currency_id or self.env.company.currency_id

        def money(value):
            return format_amount(self.env, value, currency)

        if self.change_type == "add_line":
            product = self.name or self.product_id.display_name or ""
            uom = self.product_id.uom_id.name or ""
            return (
                _("New: %s", product),
                "",
                f"{self.quantity:g} {uom} × {money(self.price_unit)}",
                self.quantity * self.price_unit,
            )
        if self.change_type == "change_quantity":
            uom = sale_line.product_uom.name or ""
            return (
                _("Quantity of %s", sale_line.name or ""),
                f"{sale_line.product_uom_qty:g} {uom}",
                f"{self.quantity:g} {uom}",
                (self.quantity - sale_line.product_uom_qty) * sale_line.price_unit if sale_line else 0.0,
            )
        if self.change_type == "change_price":
            return (
                _("Rate of %s", sale_line.name or ""),
                money(sale_line.price_unit) if sale_line else "",
                money(self.price_unit),
                (self.price_unit - sale_line.price_unit) * sale_line.product_uom_qty if sale_line else 0.0,
            )
        if self.change_type == "add_milestone":
            deadline = format_date(self.env, self.date) if self.date else ""
            return (
                _("New milestone: %s", self.name or ""),
                "",
                f"{money(self.price_unit)} {deadline}".strip(),
                self.price_unit,
            )
        milestone = self.milestone_id
        return (
            _("Date of %s", milestone.name or ""),
            format_date(self.env, milestone.deadline) if milestone.deadline else "",
            format_date(self.env, self.date) if self.date else "",
            0.0,
        )

    def _ps_format_amount(self):
        currency = self.currency_id or self.env.company.currency_id
        return format_amount(self.env, self.amount_change, currency) if self.amount_change else ""

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if not self.env.su:
            lines.change_order_id._ps_check_draft(_("Only a draft change order can be edited."))
        return lines

    def write(self, vals):
        if not self.env.su:
            self.change_order_id._ps_check_draft(_("Only a draft change order can be edited."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if not self.env.su:
            self.change_order_id._ps_check_draft(_("Only a draft change order can be edited."))

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _ps_check_complete(self):
        """Refuse a change that names too little to be applied."""
        for line in self:
            missing = {
                "add_line": not line.product_id,
                "change_quantity": not line.sale_line_id,
                "change_price": not line.sale_line_id,
                "add_milestone": not (line.product_id and line.name),
                "change_date": not (line.milestone_id and line.date),
            }[line.change_type]
            if missing:
                raise UserError(_("The change “%s” is incomplete.", line.label or line.change_type))
            if line.sale_line_id and line.sale_line_id.order_id != line.sale_order_id:
                raise UserError(_("A change names a sales line of another engagement."))
            if line.milestone_id and line.milestone_id.sale_line_id.order_id != line.sale_order_id:
                raise UserError(_("A change names a milestone of another engagement."))

    def _ps_apply(self):
        """Apply these changes to their sales order through Odoo's own records; return their descriptions."""
        summary = []
        for line in self:
            order = line.sale_order_id
            text = f"{line.label}: {line.before_text or '—'} → {line.after_text or '—'}"
            line.applied_before = line.before_text
            if line.change_type in ("add_line", "add_milestone"):
                existing = order.order_line
                order.write(
                    {
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": line.product_id.id,
                                    **({"name": line.name} if line.name else {}),
                                    "product_uom_qty": line.quantity if line.change_type == "add_line" else 1.0,
                                    "price_unit": line.price_unit,
                                }
                            )
                        ]
                    }
                )
                new_line = order.order_line - existing
                line.applied_sale_line_id = new_line
                if line.change_type == "add_milestone":
                    # Odoo gives a new milestone line its own milestone: it is the one the change names.
                    Milestone = self.env["project.milestone"]
                    milestone = Milestone.search([("sale_line_id", "=", new_line.id)], limit=1)
                    vals = {"name": line.name, "quantity_percentage": 1.0, "deadline": line.date}
                    if milestone:
                        milestone.write(vals)
                    else:
                        project = new_line.project_id or order.project_id or order.order_line.project_id[:1]
                        Milestone.create({**vals, "project_id": project.id, "sale_line_id": new_line.id})
            elif line.change_type == "change_quantity":
                line.sale_line_id.product_uom_qty = line.quantity
            elif line.change_type == "change_price":
                line.sale_line_id.price_unit = line.price_unit
            elif line.change_type == "change_date":
                line.milestone_id.deadline = line.date
            summary.append(text)
        return summary
