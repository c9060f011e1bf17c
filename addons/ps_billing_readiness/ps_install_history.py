# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a feature module found in the database before it was installed (its pre_init_hook), read back
by its post_init_hook: which companies already invoice what the module's policy would hold back."""


def remember_companies(env, key, company_ids):
    env["ir.config_parameter"].sudo().set_param(key, ",".join(str(company_id) for company_id in company_ids))


def recall_companies(env, key, module):
    """Return (company ids remembered under ``key``, whether ``module`` is installed with demo data)
    and forget them."""
    params = env["ir.config_parameter"].sudo()
    company_ids = [int(company_id) for company_id in (params.get_param(key) or "").split(",") if company_id]
    params.search([("key", "=", key)]).unlink()
    with_demo = env["ir.module.module"].search([("name", "=", module)]).demo
    return company_ids, with_demo
