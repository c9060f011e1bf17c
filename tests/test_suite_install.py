"""The Billing Control addons are installed together, with the demo firm."""

from collections import defaultdict

from suite_modules import SUITE  # tests/ is on sys.path under pytest

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSuiteInstall(TransactionCase):
    def test_portal_controllers_of_the_suite_do_not_shadow_each_others_helpers(self):
        # Odoo merges every CustomerPortal subclass into one controller: a helper two modules both name
        # (ps_change_orders' _ps_decide once shadowed ps_milestone_billing's, and a client's milestone
        # acceptance in the portal redirected to /my with nothing recorded) is called from the wrong one.
        defined = defaultdict(list)
        classes, todo = set(), [CustomerPortal]
        while todo:
            for subclass in todo.pop().__subclasses__():
                if subclass not in classes:
                    classes.add(subclass)
                    todo.append(subclass)
        for subclass in classes:
            module = subclass.__module__.split(".")
            if len(module) > 2 and module[2] in SUITE:
                for name in vars(subclass):
                    if name.startswith("_ps_"):
                        defined[name].append(subclass.__qualname__)
        self.assertTrue(defined, "the suite's portal controllers were found")
        self.assertEqual({name: owners for name, owners in defined.items() if len(owners) > 1}, {})

    def test_every_suite_module_is_installed(self):
        modules = self.env["ir.module.module"].search([("name", "in", SUITE)])
        self.assertEqual({module.name: module.state for module in modules}, dict.fromkeys(SUITE, "installed"))

    def test_feature_modules_depend_on_the_core_only(self):
        # The outer ring may build on another outer-ring module: the REST API serves the events' outbox.
        allowed = {"ps_billing_api": {"ps_billing_events"}}
        for name in SUITE[1:]:
            module = self.env["ir.module.module"].search([("name", "=", name)])
            suite_deps = set(module.dependencies_id.mapped("name")) & set(SUITE)
            expected = {"ps_billing_readiness"} | allowed.get(name, set())
            self.assertEqual(suite_deps, expected, f"{name} must depend on the core only")

    def test_demo_firm_is_loaded(self):
        consultants = self.env.ref("ps_billing_readiness.group_consultant").users.filtered(
            lambda user: user.login.startswith("demo.")
        )
        self.assertEqual(len(consultants), 30)
        engagements = self.env["sale.order"].search([("state", "=", "sale"), ("ps_billing_model", "!=", False)])
        self.assertGreaterEqual(len(engagements), 12)

    def test_demo_engagements_blocked_for_realistic_reasons(self):
        blocked = self.env["ps.billing.readiness"].search([("state", "=", "blocked")])
        self.assertTrue(blocked, "the demo firm shows blocked engagements")
        codes = set(blocked.finding_ids.filtered(lambda f: f.severity == "blocking").mapped("check_code"))
        self.assertTrue({"terms_confirmed", "po_reference", "expenses_unlinked"} <= codes, codes)
        self.assertTrue(self.env["ps.billing.readiness"].search_count([("state", "=", "ready")]))

    def test_demo_board_shows_every_module_findings_right_after_install(self):
        """The last suite module to install evaluates the demo firm, with the checks of all four."""
        codes = set(self.env["ps.readiness.finding"].search([]).mapped("check_code"))
        self.assertLessEqual({"timesheets_approved", "timesheets_missing", "milestones_accepted"}, codes, codes)
        self.assertLessEqual({"terms_confirmed", "expenses_validated"}, codes, codes)

    def test_required_fields_on_odoo_models_have_their_default_in_the_database(self):
        """Odoo's own code may write to its tables while the suite's models are not loaded (its
        at-install tests, an upgrade): a required column the suite adds has its default in
        PostgreSQL, or such an insert fails (bin/odoo-conformance found company creation failing)."""
        checked = []
        for model_name, model in self.env.items():
            if model._abstract or not model._auto or model._original_module in SUITE:
                continue
            for field in model._fields.values():
                if field._module in SUITE and field.required and field.store and field.column_type:
                    # A field of Odoo or OCA the suite only extends (selection_add) is not a column it adds.
                    defined_in = self.env["ir.model.fields"]._get(model_name, field.name).modules.split(", ")
                    if not set(defined_in) <= set(SUITE):
                        continue
                    self.env.cr.execute(
                        "SELECT column_default FROM information_schema.columns"
                        " WHERE table_name = %s AND column_name = %s",
                        [model._table, field.name],
                    )
                    (column_default,) = self.env.cr.fetchone()
                    expected = field.default(model) if callable(field.default) else field.default
                    self.assertEqual(column_default, f"'{expected}'::character varying", f"{model_name}.{field.name}")
                    checked.append(f"{model_name}.{field.name}")
        self.assertGreaterEqual(len(checked), 4, checked)
