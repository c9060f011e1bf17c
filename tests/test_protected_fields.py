"""Every field a control protects is refused to every user, whatever the context says.

The cases are generated from ``_get_ps_protected_fields`` of every model that
uses ``ps.protected.mixin``: a field added to a hook later is tested without a
new line here. The user is the Billing Control administrator, who has write
access to nearly every model of the suite: what refuses is the control, not a
missing access right.
"""

from datetime import date, datetime

from odoo import Command
from odoo.addons.ps_billing_approvals.tests.common import ApprovalCase
from odoo.exceptions import AccessError
from odoo.tests import tagged

# Contexts a hostile client sends along with its write: each used to relax a control.
HOSTILE_CONTEXT = {
    "ps_approval_internal": True,
    "ps_approval_no_recheck": True,
    "ps_acceptance_write": True,
    "ps_timesheet_unlock": True,
    "tracking_disable": True,
}


@tagged("post_install", "-at_install")
class TestProtectedFields(ApprovalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["project.milestone"].create(
            {"name": "Protected", "project_id": cls.project.id, "sale_line_id": cls.line_milestone.id}
        )
        cls._log_time(cls.employee_consultant, 8.0, date(2026, 10, 5))
        cls._rule("Everything", amount_min=1.0)
        cls.draft = cls._draft(untaxed=1500.0)
        cls.draft.with_user(cls.controller).action_ps_request_approval()
        cls._evaluate(day=cls.today)
        compliance = cls.env["ps.timesheet.compliance"]
        compliance._scan_employees(cls.employee_consultant, cls.today)
        cls.env["ps.timesheet.reminder"].create(
            {
                "kind": "consultant",
                "employee_id": cls.employee_consultant.id,
                "user_id": cls.consultant.id,
                "company_id": cls.company.id,
                "period_start": date(2026, 11, 2),
                "period_end": date(2026, 11, 8),
                "hours": 8.0,
            }
        )
        # A retainer with its first periods drawn down by the engine, and a change order.
        retainer = cls.env["sale.order"].create(
            {
                "partner_id": cls.client.id,
                "ps_billing_model": "retainer",
                "ps_retainer_hours": 20.0,
                "ps_retainer_overage_rate": 200.0,
                "order_line": [Command.create({"product_id": cls.product_fixed_fee.id, "product_uom_qty": 3.0})],
            }
        )
        retainer.action_confirm()
        retainer.date_order = "2026-10-01 09:00:00"
        retainer._ps_refresh_retainer(cls.today)
        cls.env["ps.change.order"].create(
            {
                "sale_order_id": cls.engagement.id,
                "reason": "More interfaces",
                "line_ids": [Command.create({"change_type": "add_line", "product_id": cls.product_fixed_fee.id})],
            }
        )

    def _models(self):
        children = self.env.registry["ps.protected.mixin"]._inherit_children
        return sorted(name for name in children if not self.env[name]._abstract and not self.env[name]._transient)

    def _sample(self, model_name):
        """Return one record of ``model_name`` the suite made in the set-up."""
        Model = self.env[model_name]
        domain = {
            "account.move": [("id", "=", self.draft.id)],
            "sale.order": [("id", "=", self.engagement.id)],
            "account.analytic.line": [("employee_id", "=", self.employee_consultant.id)],
            "project.milestone": [("sale_line_id", "=", self.line_milestone.id)],
            "ps.billing.readiness": [("sale_order_id", "=", self.engagement.id)],
            "ps.readiness.finding": [("sale_order_id", "=", self.engagement.id)],
            "ps.approval.request": [("move_id", "=", self.draft.id)],
            "ps.timesheet.compliance": [("employee_id", "=", self.employee_consultant.id)],
            "ps.timesheet.reminder": [("employee_id", "=", self.employee_consultant.id)],
            "ps.change.order": [("sale_order_id", "=", self.engagement.id)],
            "ps.retainer.period": [("sale_order_id.partner_id", "=", self.client.id)],
        }.get(model_name, [])
        record = Model.search(domain, limit=1)
        self.assertTrue(record, f"the set-up made no {model_name} to attack")
        return record

    def _hostile_value(self, record, name):
        """Return a value for field ``name`` that differs from the record's."""
        field = record._fields[name]
        current = record[name]
        if field.type == "selection":
            options = [value for value, _label in field._description_selection(self.env) if value != current]
            return options[-1]
        if field.type == "boolean":
            return not current
        if field.type in ("char", "text"):
            return f"forged {current or ''}"
        if field.type in ("float", "monetary"):
            return (current or 0.0) + 99999.0
        if field.type in ("integer", "many2one_reference"):
            return (current or 0) + 7
        if field.type == "date":
            return date(2020, 1, 1)
        if field.type == "datetime":
            return datetime(2020, 1, 1, 9, 0)
        if field.type == "json":
            return {"forged": True}
        if field.type == "many2one":
            other = self.env[field.comodel_name].search([("id", "!=", current.id)], limit=1)
            return other.id
        if field.type in ("one2many", "many2many"):
            return [Command.clear()]
        raise AssertionError(f"no hostile value for {field}")

    def _snapshot(self, record, name):
        record.invalidate_recordset()
        value = record[name]
        return value.ids if hasattr(value, "ids") else value

    def test_every_model_of_the_suite_declares_its_protected_fields(self):
        self.assertEqual(
            self._models(),
            sorted(
                [
                    "account.analytic.line",
                    "account.move",
                    "project.milestone",
                    "ps.approval.request",
                    "ps.billing.dispute",
                    "ps.billing.readiness",
                    "ps.change.order",
                    "ps.dispute.suggestion",
                    "ps.readiness.finding",
                    "ps.retainer.period",
                    "ps.timesheet.compliance",
                    "ps.timesheet.reminder",
                    "sale.order",
                ]
            ),
        )
        for model_name in self._models():
            self.assertTrue(self.env[model_name]._get_ps_protected_fields(), model_name)

    def test_write_of_each_protected_field_is_refused_with_any_context(self):
        tried = 0
        for model_name in self._models():
            record = self._sample(model_name)
            for name in sorted(record._get_ps_protected_fields()):
                with self.subTest(model=model_name, field=name):
                    before = self._snapshot(record, name)
                    value = self._hostile_value(record, name)
                    hostile = record.with_user(self.administrator).with_context(**HOSTILE_CONTEXT)
                    with self.assertRaises(AccessError) as caught:
                        hostile.write({name: value})
                    self.assertIn("change only through Billing Control's own actions", str(caught.exception))
                    self.assertEqual(self._snapshot(record, name), before)
                    tried += 1
        self.assertGreater(tried, 60)

    def test_create_with_each_protected_default_in_the_context_ignores_it(self):
        """``default_<field>`` is dropped: a record is never born decided, even through Odoo's sudo creates."""
        hostile = {
            "default_ps_approval_state": "approved",
            "default_ps_readiness_id": self._sample("ps.billing.readiness").id,
            "default_ps_margin_percent": 99.0,
        }
        move = (
            self.env["account.move"]
            .with_user(self.controller)
            .with_context(**hostile)
            .sudo()
            .create({"move_type": "out_invoice", "partner_id": self.client.id})
        )
        self.assertEqual(move.ps_approval_state, "not_required")
        self.assertFalse(move.ps_readiness_id)
        line = (
            self.env["account.analytic.line"]
            .with_user(self.consultant)
            .with_context(default_ps_state="approved", default_ps_approved_by_id=self.controller.id)
            .create(
                {
                    "name": "Born approved?",
                    "project_id": self.project.id,
                    "task_id": self.task.id,
                    "unit_amount": 2.0,
                    "date": "2026-10-06",
                }
            )
        )
        self.assertEqual(line.ps_state, "draft")
        self.assertFalse(line.ps_approved_by_id)

    def test_create_born_in_a_decided_state_is_refused(self):
        attempts = [
            (
                self.controller,
                "account.move",
                {"move_type": "out_invoice", "partner_id": self.client.id, "ps_approval_state": "approved"},
            ),
            (
                self.consultant,
                "account.analytic.line",
                {
                    "name": "Approved at birth",
                    "project_id": self.project.id,
                    "task_id": self.task.id,
                    "unit_amount": 2.0,
                    "date": "2026-10-06",
                    "ps_state": "approved",
                },
            ),
            (
                self.project_manager,
                "project.milestone",
                {
                    "name": "Accepted at birth",
                    "project_id": self.project.id,
                    "sale_line_id": self.line_milestone.id,
                    "ps_acceptance_state": "accepted",
                },
            ),
            (
                self.administrator,
                "ps.billing.readiness",
                {
                    "sale_order_id": self.engagement.id,
                    "period_start": "2020-01-01",
                    "period_end": "2020-01-31",
                    "cutoff_date": "2020-02-05",
                    "state": "ready",
                },
            ),
            (
                self.controller,
                "sale.order",
                {"partner_id": self.client.id, "ps_terms_confirmed": True},
            ),
            (
                self.controller,
                "ps.change.order",
                {"sale_order_id": self.engagement.id, "reason": "Approved at birth", "state": "approved"},
            ),
        ]
        for user, model_name, vals in attempts:
            with self.subTest(model=model_name):
                Model = self.env[model_name]
                count = Model.search_count([])
                with self.assertRaises(AccessError):
                    Model.with_user(user).with_context(**HOSTILE_CONTEXT).create(vals)
                self.assertEqual(Model.search_count([]), count)

    def test_superuser_code_still_writes_protected_fields(self):
        """The suite's own actions write as superuser after checking the user: that path stays open."""
        record = self._sample("ps.billing.readiness")
        record.sudo().write({"escalated_on": date(2026, 11, 9)})
        self.assertEqual(record.escalated_on, date(2026, 11, 9))
