# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models
from odoo.exceptions import UserError

from .account_move import CUSTOMER_MOVE_TYPES, ps_recheck_scope


class AccountMove(models.Model):
    """Posting: refused until the matrix approved the draft as it is."""

    # The model is split by concern across files (house style), on purpose.
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------

    def _post(self, soft=True):
        self._ps_check_approved_before_post()
        # Posting sets a missing invoice date: that is no edit to send back through the matrix.
        with ps_recheck_scope(self.browse(), skip=True):
            return super()._post(soft)

    def _ps_check_approved_before_post(self):
        """Refuse to post customer drafts whose approval is pending, rejected, or required but not requested."""
        drafts = self.filtered(lambda m: m.move_type in CUSTOMER_MOVE_TYPES and m.state == "draft")
        if not drafts:
            return
        problems = []
        for move in drafts.filtered(lambda m: m.ps_approval_state in ("pending", "rejected")):
            problems.append(move._get_ps_post_refusal())
        # Defence in depth: an approved draft posts only as it was approved, whatever its stored status says.
        approved = drafts.filtered(lambda m: m.ps_approval_state == "approved")
        figures = approved.sudo()._get_ps_approval_figures()
        for move in approved:
            refusal = move.sudo()._get_ps_approved_mismatch(figures[move.id])
            if refusal:
                problems.append(refusal)
        # A straight-through draft is checked again: rules or figures may have changed since.
        unrouted = drafts.filtered(lambda m: m.ps_approval_state == "not_required")
        facts = unrouted.sudo()._get_ps_approval_facts()
        matches = unrouted.sudo()._get_ps_matching_rules(facts=facts)
        for move in unrouted:
            if matches.get(move.id):
                approvers = self.env["res.users"].union(
                    *(rule._get_rule_approvers(facts[move.id]) for rule, _reasons in matches[move.id])
                )
                problems.append(
                    _(
                        "%(move)s needs approval (%(rules)s) by %(approvers)s: request approval before posting it.",
                        move=move.display_name,
                        rules=", ".join(rule.name for rule, _r in matches[move.id]),
                        approvers=", ".join(approvers.mapped("name")) or _("nobody yet"),
                    )
                )
        if problems:
            raise UserError("\n".join(problems))

    def _get_ps_approved_mismatch(self, figures):
        """Return why this approved draft may not be posted as it is (``figures``: its figures now), or False."""
        self.ensure_one()
        current = self._ps_get_approval_requests().filtered(lambda r: r.round == self.ps_approval_round)
        if not self.ps_approval_snapshot or not current or any(r.state != "approved" for r in current):
            return _(
                "%(move)s is marked approved, but its approvals of round %(round)s are not all given: "
                "request approval again.",
                move=self.display_name,
                round=self.ps_approval_round,
            )
        changes = self._ps_describe_changes(self.ps_approval_snapshot, figures)
        if changes:
            return _(
                "%(move)s changed since it was approved (%(changes)s): request approval again.",
                move=self.display_name,
                changes="; ".join(changes),
            )
        return False

    def _get_ps_post_refusal(self):
        """Return why this draft cannot be posted, naming who is awaited."""
        self.ensure_one()
        if self.ps_approval_state == "rejected":
            rejected = self._ps_get_approval_requests().filtered(
                lambda r: r.state == "rejected" and r.round == self.ps_approval_round
            )[:1]
            return _(
                "%(move)s was rejected by %(user)s (%(reason)s): correct it and request approval again.",
                move=self.display_name,
                user=rejected.decided_by_id.name or "?",
                reason=rejected.comment or "",
            )
        return _(
            "%(move)s cannot be posted before it is approved. Awaiting: %(awaited)s.",
            move=self.display_name,
            awaited=self._get_ps_awaited_text(),
        )

    def _ps_autopost(self):
        """Post the approved drafts of companies that post at once; a failure leaves the draft approved."""
        for move in self.filtered(lambda m: m.company_id.ps_approval_autopost and m.state == "draft"):
            try:
                with self.env.cr.savepoint():
                    move.sudo()._post(soft=False)
            except UserError as error:
                move._ps_log(_("Approved, but it could not be posted: %s", error))
