# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The module's screens, as each role gets them from the server: which buttons show, units and labels."""

import re

from lxml import etree

from odoo.addons.ps_billing_readiness.tests.common import GROUP_CONSULTANT, GROUP_PROJECT_MANAGER
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import MilestoneBillingCase

MODULE = "ps_milestone_billing"
# A technical code in a label: a snake_case word (ps_acceptance_state, milestones_accepted).
TECHNICAL_CODE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
HEADER_FIELDS = ("ps_can_decide", "ps_can_reject", "ps_acceptance_state", "ps_acceptance_required")


@tagged("post_install", "-at_install")
class TestMilestoneViews(MilestoneBillingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_manager = new_test_user(cls.env, login="bc_other_manager", groups=GROUP_PROJECT_MANAGER)
        cls.consultant_only = new_test_user(cls.env, login="bc_consultant_only", groups=GROUP_CONSULTANT)

    def _header_buttons(self, milestone, user):
        """Return the labels of the header buttons ``user`` sees on ``milestone``'s form."""
        form = self.env.ref("project.project_milestone_view_form")
        Milestone = self.env["project.milestone"].with_user(user)
        arch = etree.fromstring(Milestone.get_views([(form.id, "form")])["views"]["form"]["arch"])
        record = milestone.with_user(user)
        values = {name: record[name] for name in HEADER_FIELDS}
        return [
            button.get("string")
            for button in arch.xpath("//header/button")
            if not safe_eval(button.get("invisible") or "False", values)
        ]

    def test_header_offers_the_decision_to_who_can_record_it(self):
        milestone = self._reach(self.milestone_design)
        self.assertEqual(self._header_buttons(milestone, self.project_manager), ["Accept", "Reject"])
        self.assertEqual(self._header_buttons(milestone, self.controller), ["Accept", "Reject"])
        self.assertEqual(self._header_buttons(milestone, self.other_manager), [], "another project's manager")
        self.assertEqual(self._header_buttons(milestone, self.consultant_only), [])

    def test_header_follows_the_acceptance_state(self):
        self.assertEqual(self._header_buttons(self.milestone_design, self.project_manager), [], "not reached")
        milestone = self._reach(self.milestone_design)
        milestone.with_user(self.project_manager).action_ps_reject("Incomplete")
        self.assertEqual(self._header_buttons(milestone, self.project_manager), ["Resubmit"])
        milestone.with_user(self.project_manager).action_ps_resubmit()
        milestone.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")
        self.assertEqual(self._header_buttons(milestone, self.project_manager), ["Reject"])
        self.engagement._create_invoices()
        self.assertEqual(self.line_milestone.qty_invoiced, 0.4)
        milestone.invalidate_recordset(["ps_can_reject"])
        self.assertEqual(self._header_buttons(milestone, self.project_manager), [], "invoiced: a credit note first")

    def test_header_shows_the_acceptance_state_as_a_statusbar(self):
        form = self.env.ref("project.project_milestone_view_form")
        arch = etree.fromstring(
            self.env["project.milestone"]
            .with_user(self.project_manager)
            .get_views([(form.id, "form")])["views"]["form"]["arch"]
        )
        (statusbar,) = arch.xpath("//header/field[@name='ps_acceptance_state']")
        self.assertEqual(statusbar.get("widget"), "statusbar")

    def test_consultant_gets_no_decision_button_at_all(self):
        form = self.env.ref("project.project_milestone_view_form")
        arch = self.env["project.milestone"].with_user(self.consultant_only).get_views([(form.id, "form")])
        self.assertNotIn("action_ps_open_decision", arch["views"]["form"]["arch"])

    def test_settings_say_their_unit(self):
        arch = etree.fromstring(self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"])
        (setting,) = arch.xpath("//setting[@id='ps_milestone_escalation_days']")
        self.assertEqual(
            " ".join("".join(setting.itertext()).split()),
            "Escalate after days awaiting acceptance",
        )
        self.assertTrue(setting.xpath(".//field[@name='ps_milestone_escalation_days']"))

    def test_engagement_form_says_the_deemed_acceptance_unit(self):
        view = self.env.ref(f"{MODULE}.sale_order_view_form")
        arch = etree.fromstring(view.arch)
        (row,) = arch.xpath("//div[field[@name='ps_deemed_acceptance_days']]")
        self.assertEqual(" ".join("".join(row.itertext()).split()), "days without an answer (0: never)")

    def test_no_technical_code_in_labels_and_help(self):
        texts = []
        xmlids = self.env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", "ir.ui.view")])
        views = self.env["ir.ui.view"].browse(xmlids.mapped("res_id"))
        self.assertGreaterEqual(len(views), 8)
        for view in views:
            arch = etree.fromstring(view.arch_db.encode())
            for node in arch.iter(etree.Element):
                for attribute in ("string", "help", "placeholder", "title"):
                    if node.get(attribute):
                        texts.append((view.xml_id, node.get(attribute)))
                if node.text and node.text.strip():
                    texts.append((view.xml_id, node.text.strip()))
        for model in (self.env[name] for name in self.registry.models):
            for field in model._fields.values():
                if field._module == MODULE:
                    texts.append((f"{model._name}.{field.name}", field.string or ""))
                    texts.append((f"{model._name}.{field.name}", field.help or ""))
                    if field.type == "selection" and isinstance(field.selection, list):
                        texts += [(f"{model._name}.{field.name}", label) for _value, label in field.selection]
        checks = self.env["ps.readiness.check"].search([("code", "in", ("milestones_accepted", "subcontractor_costs"))])
        texts += [(check.code, check.name) for check in checks] + [(check.code, check.description) for check in checks]
        self.assertGreater(len(texts), 80)
        coded = [(where, text) for where, text in texts if TECHNICAL_CODE.search(text)]
        self.assertEqual(coded, [])
