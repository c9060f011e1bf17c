# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from markupsafe import Markup

from odoo import SUPERUSER_ID, Command, _, api, fields, models

from .ps_billing_readiness import GROUP_FINANCE_CONTROLLER
from .ps_gc import fewer_gc_passes
from .ps_labels import Labels

ACTIVITY_TYPES = {
    "owner": "ps_billing_readiness.mail_activity_type_billing_digest",
    "escalation": "ps_billing_readiness.mail_activity_type_billing_digest_escalation",
}
# The engagements a digest's note names; its form lists them all.
NOTE_LINES = 15


class PsBillingDigest(models.Model):
    """One user's list of blocked periods, with the one activity that asks them to clear it.

    Blocking a period is the engine's observation, not a person's decision: instead of a
    note and an activity per period, each owner gets one digest of the periods they own
    that are blocked (``owner``), and each finance controller one of the periods escalated
    to them (``escalation``), per company. The billing run refreshes every digest from the
    current state (``_ps_refresh``): the list, and the activity's summary, note and deadline
    in place; the activity is marked done when nothing is left. Only the engine writes them.
    """

    _name = "ps.billing.digest"
    _description = "Billing Exceptions"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "kind, user_id, id"
    _check_company_auto = True

    user_id = fields.Many2one("res.users", "User", required=True, readonly=True, index=True, ondelete="cascade")
    kind = fields.Selection(
        [("owner", "Exceptions to Clear"), ("escalation", "Escalated Exceptions")],
        required=True,
        readonly=True,
        help="Exceptions to Clear: the blocked periods the user owns. "
        "Escalated Exceptions: the periods blocked past the escalation delay, for a finance controller.",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    readiness_ids = fields.Many2many(
        "ps.billing.readiness",
        "ps_billing_digest_readiness_rel",
        "digest_id",
        "readiness_id",
        string="Blocked Periods",
        readonly=True,
        check_company=True,
    )
    readiness_count = fields.Integer("Periods", compute="_compute_readiness_count")
    refreshed_on = fields.Datetime(readonly=True, help="When the engine last changed the list.")

    _sql_constraints = [
        ("user_kind_company_uniq", "unique(user_id, kind, company_id)", "One digest per user, kind and company."),
    ]

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("readiness_ids")
    def _compute_readiness_count(self):
        for digest in self:
            digest.readiness_count = len(digest.readiness_ids)

    @api.depends("kind", "user_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for digest in self:
            digest.display_name = "%s · %s" % (kinds.get(digest.kind, ""), digest.user_id.name or "")

    # ------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """Subscribe nobody; return True.

        A digest is the engine's note to one user, who sees its activity in their to-do list:
        nobody follows it, so marking it done notifies no one, and scheduling the activities of
        every owner does not subscribe them one by one (the refresh stays flat).
        """
        return True

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_exceptions(self):
        """Return the exception queue of this digest: the user's blocked periods, or the escalated ones."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ps_billing_readiness.ps_billing_readiness_action_exceptions"
        )
        domain = [("state", "=", "blocked"), ("company_id", "=", self.company_id.id)]
        if self.kind == "owner":
            action["name"] = _("Exceptions of %s", self.user_id.name)
            action["domain"] = domain + [("owner_id", "=", self.user_id.id)]
            action["context"] = {}
        else:
            action["name"] = _("Escalated Exceptions")
            action["domain"] = domain + [("escalated_on", "!=", False)]
        return action

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    @api.model
    @fewer_gc_passes
    def _ps_refresh(self, owners=None, escalations=True):
        """Bring the digests up to date with the blocked periods; return the digests whose list changed.

        ``owners`` (users; None: all) limits the owners' digests refreshed; ``escalations`` says
        whether the controllers' are. A digest whose list is unchanged and whose activity is open
        is left alone. The number of queries does not grow with the number of users, except
        that marking a digest done posts its message (one per digest emptied).
        """
        # The engine's own records, whoever triggered the refresh.
        Digest = self.sudo()
        wanted = Digest._ps_get_wanted_lists(owners, escalations)
        domain = []
        if owners is not None:
            domain = [("kind", "=", "owner"), ("user_id", "in", owners.ids)]
            if escalations:
                domain = ["|", ("kind", "=", "escalation"), "&", *domain]
        elif not escalations:
            domain = [("kind", "=", "owner")]
        digests = Digest.search(domain)
        by_key = {(d.kind, d.user_id.id, d.company_id.id): d for d in digests}
        missing = [key for key, ids in wanted.items() if ids and key not in by_key]
        if missing:
            # The engine's records, in one statement (create inserts by the hundred): no note, no follower.
            created = Digest.env["ps.batch.runner"]._insert_rows(
                self._name,
                [{"kind": kind, "user_id": user_id, "company_id": company_id} for kind, user_id, company_id in missing],
            )
            by_key.update(zip(missing, created, strict=True))
            digests |= created
        open_activity = Digest._ps_get_open_activities(digests)
        changed = []  # (digest, new list, ids new to it)
        for key, digest in by_key.items():
            ids = set(wanted.get(key, ()))
            old = set(digest.readiness_ids.ids)
            if ids != old or (ids and digest not in open_activity):
                changed.append((digest, ids, ids - old))
        if not changed:
            return Digest
        # The lists of every digest in one statement (write() would issue one per digest, each with its
        # own list); like write(), it tells the ORM what changed.
        Digest._fields["readiness_ids"].write_batch(
            [(digest, [Command.set(list(ids))]) for digest, ids, _new in changed]
        )
        changed_digests = Digest.browse([digest.id for digest, _ids, _new in changed])
        changed_digests.modified(["readiness_ids"])
        changed_digests.write({"refreshed_on": fields.Datetime.now()})
        changed_digests._ps_update_activities(changed, open_activity)
        return changed_digests

    @api.model
    def _ps_get_wanted_lists(self, owners, escalations):
        """Return {(kind, user id, company id): [readiness ids]}: what each digest must list now."""
        Readiness = self.env["ps.billing.readiness"].sudo()
        domain = [("state", "=", "blocked"), ("owner_id", "!=", False)]
        if owners is not None:
            domain.append(("owner_id", "in", owners.ids))
        wanted = {
            ("owner", owner.id, company.id): ids
            for owner, company, ids in Readiness._read_group(domain, ["owner_id", "company_id"], ["id:array_agg"])
        }
        if escalations:
            escalated = Readiness._read_group(
                [("state", "=", "blocked"), ("escalated_on", "!=", False)], ["company_id"], ["id:array_agg"]
            )
            controllers = self._ps_get_controllers()
            for company, ids in escalated:
                for user in controllers.filtered(lambda u, company=company: company in u.company_ids):
                    wanted[("escalation", user.id, company.id)] = ids
        return wanted

    @api.model
    def _ps_get_controllers(self):
        """Return the internal users who act as finance controllers (of any company)."""
        return (
            self.env.ref(GROUP_FINANCE_CONTROLLER)
            .sudo()
            .users.filtered(lambda user: user.active and not user.share and user.id != SUPERUSER_ID)
        )

    @api.model
    def _ps_get_open_activities(self, digests):
        """Return {digest: its open activity} for those of ``digests`` that have one."""
        types = {self.env.ref(xmlid).id for xmlid in ACTIVITY_TYPES.values()}
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_id", "in", digests.ids), ("activity_type_id", "in", list(types))]
            )
        )
        return {self.browse(activity.res_id): activity for activity in activities}

    def _ps_update_activities(self, changed, open_activity):
        """Schedule, update in place or mark done the activities of the ``changed`` digests."""
        to_create, rows, done = [], [], self.env["mail.activity"]
        # Everything the notes name, read once for all of them (a digest at a time would read its own).
        listed = self.env["ps.billing.readiness"].browse({rid for _digest, ids, _new in changed for rid in ids})
        listed.partner_id.mapped("display_name")
        listed.mapped("company_currency_id.symbol")
        self.user_id.mapped("lang")
        labels = {}  # {language: its Labels}: each date and amount written once per language
        texts = {}  # {language: the notes' texts}: each translated once per language, not once per line
        for digest, ids, new_ids in changed:
            activity = open_activity.get(digest)
            if not ids:
                if activity:
                    done |= activity
                continue
            lang = digest.user_id.lang
            if lang not in labels:
                labels[lang] = Labels(digest.with_context(lang=lang).env)
                texts[lang] = digest.with_context(lang=lang)._ps_get_activity_texts()
            content = digest.with_context(lang=lang)._ps_prepare_activity_content(new_ids, labels[lang], texts[lang])
            if activity:
                rows.append((activity.id, content["summary"], str(content["note"]), content["date_deadline"]))
            else:
                to_create.append({"record": digest, "user": digest.user_id, **content})
        types = {kind: self.env.ref(xmlid) for kind, xmlid in ACTIVITY_TYPES.items()}
        Runner = self.env["ps.batch.runner"]
        for kind, activity_type in types.items():
            items = [item for item in to_create if item["record"].kind == kind]
            if items:
                # Created without their note, which joins the notes written below: the engine's own HTML
                # (every value in it escaped by Markup), written as the refreshed ones are; Odoo's create
                # would sanitize each note twice, a third of the digests' time at size M.
                notes = {item["record"].id: item["note"] for item in items}
                created = Runner._schedule_activities(
                    activity_type, [{key: value for key, value in item.items() if key != "note"} for item in items]
                )
                rows += [
                    (activity.id, activity.summary, str(notes[activity.res_id]), activity.date_deadline)
                    for activity in created
                ]
        # The activities are the engine's: their content follows the list, one statement for all of
        # them (write() would issue one per activity, each with its own values).
        Runner._write_rows("mail.activity", ["summary", "note", "date_deadline"], rows)
        if done:
            done.action_feedback(feedback=_("Nothing left to clear."))

    @api.model
    def _ps_get_activity_texts(self):
        """Return {name: text} of the activities' summaries and notes in the context's language, each a
        template to fill with ``%``: translated once per language for every digest of a run (Odoo's
        ``_()`` looks the language up again at each call: a third of the digests' time at size M)."""
        return {
            "owner_summary": _("Billing exceptions to clear: %s"),
            "owner_intro": _("%s billing periods of your engagements are blocked."),
            "controller_summary": _("Escalated billing exceptions: %s"),
            "controller_intro": _("%s billing periods stay blocked past the escalation delay."),
            "line": _("%(period)s (%(client)s): blocked since %(since)s, %(amount)s held back"),
            "new": _("New:"),
            "more": _("And %s more: open the digest for the full list."),
        }

    def _ps_prepare_activity_content(self, new_ids, labels=None, texts=None):
        """Return the summary, note (HTML) and deadline of this digest's activity, in the context's language
        (``labels`` and ``texts``, from ``Labels`` and ``_ps_get_activity_texts``, when the caller has them).

        The note names the periods blocked since the list last changed first, then the oldest.
        An owner's deadline is the day the oldest of their periods is escalated; a controller's,
        the day the first of theirs was escalated to them.
        """
        self.ensure_one()
        labels = labels or Labels(self.env)
        texts = texts or self._ps_get_activity_texts()
        records = self.readiness_ids.sorted(lambda r: (r.id not in new_ids, r.blocked_since or date.max, r.id))
        if self.kind == "owner":
            summary = texts["owner_summary"] % len(records)
            intro = texts["owner_intro"] % len(records)
            oldest = min(records.mapped("blocked_since") or [self.company_id._ps_today()])
            deadline = oldest + timedelta(days=self.company_id.ps_escalation_days)
        else:
            summary = texts["controller_summary"] % len(records)
            intro = texts["controller_intro"] % len(records)
            deadline = min(records.mapped("escalated_on") or [self.company_id._ps_today()])
        lines = []
        for record in records[:NOTE_LINES]:
            text = texts["line"] % {
                "period": record.name,
                "client": record.partner_id.display_name,
                "since": labels.date(record.blocked_since),
                "amount": labels.amount(record.amount_blocked_company, record.company_currency_id),
            }
            if record.id in new_ids:
                lines.append(Markup("<li><b>%s</b> %s</li>") % (texts["new"], text))
            else:
                lines.append(Markup("<li>%s</li>") % text)
        note = Markup("<p>%s</p><ul>%s</ul>") % (intro, Markup().join(lines))
        if len(records) > NOTE_LINES:
            note += Markup("<p>%s</p>") % (texts["more"] % (len(records) - NOTE_LINES))
        return {"summary": summary, "note": note, "date_deadline": deadline}
