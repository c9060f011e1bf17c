# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""17.0.1.1.0: blocked periods reach their owners as one digest each, not one activity per period."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    removed = env["ps.billing.readiness"]._ps_retire_per_period_activities()
    _logger.info("Billing Control %s: %s per-period activities replaced by digests.", version, removed)
