# Run by bin/odoo-conformance in `odoo-bin shell`: the suite's invoicing policies off, on every
# company and for the companies Odoo's tests create.
POLICIES = {"ps_timesheet_approved_only": False, "ps_milestone_acceptance_required": False}
Company = env["res.company"]  # noqa: F821 -- odoo-bin shell's env
policies = {field: value for field, value in POLICIES.items() if field in Company._fields}
Company.search([]).write(policies)
for field, value in policies.items():
    env["ir.default"].set("res.company", field, value)  # noqa: F821
env.cr.commit()  # noqa: F821
print("policies off:", ", ".join(policies))
