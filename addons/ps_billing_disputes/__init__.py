# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import models, wizards


def post_init_hook(env):
    """Train the reply classifier on the shipped replies, so that the first client reply is classified."""
    env["ps.dispute.classifier"]._ps_get_active()
