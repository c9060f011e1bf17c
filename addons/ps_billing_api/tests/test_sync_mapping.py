# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SOURCE, BillingApiCase


@tagged("post_install", "-at_install")
class TestSyncMapping(BillingApiCase):
    def test_resolve_returns_the_mapped_ids_of_the_batch_only(self):
        resolved = self.env["ps.sync.mapping"]._ps_resolve(
            "hr.employee", {(SOURCE, "u-carla"), (SOURCE, "u-nobody"), ("jira", "u-paul")}
        )
        self.assertEqual(resolved, {(SOURCE, "u-carla"): self.employee_consultant.id})

    def test_an_external_id_maps_one_record_per_source_and_kind(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["ps.sync.mapping"].create(
                {"source": SOURCE, "res_model": "hr.employee", "external_id": "u-carla", "res_id": 1}
            )

    def test_record_is_chosen_on_the_screen(self):
        mapping = self.env["ps.sync.mapping"].create(
            {"source": "jira", "external_id": "EMP-7", "record_ref": f"hr.employee,{self.employee_manager.id}"}
        )
        self.assertEqual((mapping.res_model, mapping.res_id), ("hr.employee", self.employee_manager.id))
        self.assertEqual(mapping.record_ref, self.employee_manager)
