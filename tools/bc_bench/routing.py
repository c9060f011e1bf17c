"""Approval routing, ours against OCA's tier validation, on the same drafts of the same firm.

Ours: ``account.move._ps_route_approval`` (the matrix of ``ps.approval.rule``: requests, the
approvers' activities, the chatter notes). OCA's: ``base_tier_validation`` +
``account_move_tier_validation`` 17.0, in a copy of the firm's database where bin/benchmark
installed them, with one ``tier.definition`` per rule of the matrix (``tier_definition_vals``:
the rule's conditions as a domain on ``account.move``, its level as the tier's sequence, its
approvers as the tier's reviewers), asked the way its "Request Validation" button asks:
``request_validation()``, which creates the reviews.
"""

from odoo import Command

# The batch sizes routed: queries per batch compared between them (ours: the same; OCA's: grow).
BATCH_SIZES = (20, 100)
APPROVER_FIELD = "invoice_user_id"


def create_drafts(env, count):
    """Create ``count`` customer drafts billing engagement lines (quantities, discounts and clients vary
    with the index), the same in every database copied from the firm; return them."""
    orders = env["sale.order"].search([("state", "=", "sale"), ("ps_has_services", "=", True)], order="id")
    lines = orders.order_line.filtered(lambda line: line.product_id and not line.display_type).sorted("id")
    vals_list = []
    for index in range(count):
        line = lines[index % len(lines)]
        vals_list.append(
            {
                "move_type": "out_invoice",
                "partner_id": line.order_id.partner_invoice_id.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": line.product_id.id,
                            "quantity": 1.0 + index % 40,
                            "price_unit": line.price_unit,
                            "discount": 10.0 if index % 9 == 0 else 0.0,
                            "sale_line_ids": [Command.set(line.ids)],
                        }
                    )
                ],
            }
        )
    return env["account.move"].create(vals_list)


def rule_domain(rule):
    """Return the conditions of approval rule ``rule`` as a domain on ``account.move`` (customer drafts in
    company currency, as our matching reads them: ``_get_ps_approval_facts`` and the condition table)."""
    domain = [("move_type", "in", ["out_invoice", "out_refund"]), ("company_id", "=", rule.company_id.id)]
    # Customer invoices: the signed untaxed amount is the amount in company currency.
    if rule.amount_min:
        domain.append(("amount_untaxed_signed", ">=", rule.amount_min))
    if rule.amount_max:
        domain.append(("amount_untaxed_signed", "<", rule.amount_max))
    if rule.margin_below:
        # A draft with an amount whose margin is below the bound, or unknown (a line's cost is).
        domain += [
            ("amount_untaxed_signed", "!=", 0.0),
            "|",
            ("ps_cost_known", "=", False),
            ("ps_margin_percent", "<", rule.margin_below),
        ]
    if rule.partner_ids:
        domain.append(("commercial_partner_id", "in", rule.partner_ids.ids))
    if rule.partner_category_ids:
        ids = rule.partner_category_ids.ids
        domain += ["|", ("commercial_partner_id.category_id", "in", ids), ("partner_id.category_id", "in", ids)]
    if rule.billing_model_ids:
        codes = rule.billing_model_ids.mapped("code")
        domain.append(("invoice_line_ids.sale_line_ids.order_id.ps_billing_model", "in", codes))
    if rule.exception_flag_ids:
        domain.append(("ps_exception_flag_ids", "in", rule.exception_flag_ids.ids))
    return domain


def tier_definition_vals(env, rules):
    """Return the values of one ``tier.definition`` on ``account.move`` per rule of ``rules``: its domain
    (``rule_domain``), its level as the sequence (approved in order, as our levels), its approvers."""
    model = env["ir.model"]._get("account.move")
    approver_field = env["ir.model.fields"]._get("account.move", APPROVER_FIELD)
    vals_list = []
    for rule in rules:
        vals = {
            "name": rule.name,
            "model_id": model.id,
            "company_id": rule.company_id.id,
            "definition_type": "domain",
            "definition_domain": repr(rule_domain(rule)),
            "sequence": rule.level,
            "approve_sequence": True,
        }
        if rule.approver_type == "group":
            vals.update(review_type="group", reviewer_group_id=rule.group_id.id)
        elif rule.approver_type == "users":
            vals.update(review_type="individual", reviewer_id=rule.user_ids[:1].id)
        else:
            # The project manager or the salesperson: the draft's salesperson field.
            vals.update(review_type="field", reviewer_field_id=approver_field.id)
        vals_list.append(vals)
    return vals_list


def install_tier_definitions(env):
    """Replace the tier definitions on ``account.move`` by one per active approval rule; return them."""
    Definition = env["tier.definition"].with_context(active_test=False)
    Definition.search([("model", "=", "account.move")]).write({"active": False})
    rules = env["ps.approval.rule"].search([])
    return env["tier.definition"].create(tier_definition_vals(env, rules))
