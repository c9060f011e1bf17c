# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Column defaults in PostgreSQL for the required fields the suite adds to Odoo's own models.

Odoo makes a required field's column NOT NULL and applies its default in Python only. Code that
writes to the table while the suite's model is not loaded (Odoo's own at-install tests, a module
loading before the suite during an upgrade) inserts no value, and the insert fails: a company or a
timesheet could not be created. The database default makes such a row get the field's default, as
the ORM would have given it.
"""

from odoo.tools.sql import SQL


def set_db_defaults(model, defaults):
    """Set the column default of each field of ``defaults`` ({field name: value}) on ``model``'s table."""
    for fname, value in defaults.items():
        model.env.cr.execute(
            SQL(
                "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s",
                SQL.identifier(model._table),
                SQL.identifier(fname),
                value,
            )
        )
