# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Blocked periods reach people as one digest each: an owner's of the periods they own, a finance
controller's of the periods escalated to them; the engine writes no note on the periods themselves."""

import pathlib
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import config

from .common import (
    GROUP_ADMINISTRATOR,
    GROUP_PROJECT_MANAGER,
    BillingControlCase,
    CallKwMixin,
    run_jobs,
    start_tour_with_screenshot,
)

OWNER_TYPE = "ps_billing_readiness.mail_activity_type_billing_digest"
ESCALATION_TYPE = "ps_billing_readiness.mail_activity_type_billing_digest_escalation"


class DigestCase(BillingControlCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Readiness = cls.env["ps.billing.readiness"]
        cls.Digest = cls.env["ps.billing.digest"]
        cls.second_manager = new_test_user(
            cls.env, login="bc_manager_2", name="Petra Second", groups=GROUP_PROJECT_MANAGER
        )
        # The demo firm's blocked periods (blocked on the day it was installed) stay out of the
        # escalations of these tests, whatever that day was.
        cls.Readiness.search([("sale_order_id", "!=", cls.engagement.id), ("state", "=", "blocked")]).write(
            {"blocked_since": date(2100, 1, 1), "escalated_on": False}
        )

    @classmethod
    def _engagement_of(cls, owner, day="2026-10-12"):
        """Return a new confirmed engagement whose project ``owner`` manages, with time logged on ``day``:
        its terms are not confirmed, so its periods block."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.client.id,
                "user_id": cls.controller.id,
                "order_line": [Command.create({"product_id": cls.product_time_materials.id, "product_uom_qty": 40})],
            }
        )
        order.action_confirm()
        order.date_order = "2026-09-15 09:00:00"
        order.order_line.project_id.user_id = owner
        cls._log_time(cls.employee_consultant, 5.0, day, task=order.order_line.task_id[:1])
        return order

    def _digest(self, user, kind="owner"):
        return self.Digest.search([("user_id", "=", user.id), ("kind", "=", kind)])

    def _run(self, day):
        with freeze_time(day):
            return run_jobs(self.Readiness._cron_billing_run)

    def _blocked(self, orders=None):
        orders = orders if orders is not None else self.engagement
        return self.Readiness.search([("sale_order_id", "in", orders.ids), ("state", "=", "blocked")])

    def _record_activities(self, records):
        return self.env["mail.activity"].search([("res_model", "=", records._name), ("res_id", "in", records.ids)])


@tagged("post_install", "-at_install")
class TestDigestActivities(DigestCase):
    def test_one_digest_per_owner_however_many_periods_blocked(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        mine = self.engagement | self._engagement_of(self.project_manager) | self._engagement_of(self.project_manager)
        theirs = self._engagement_of(self.second_manager)
        self._run("2026-11-10")
        blocked = self._blocked(mine)
        self.assertEqual(len(blocked), 6, "October and November of each of the three engagements")
        digest = self._digest(self.project_manager)
        self.assertEqual(len(digest), 1)
        self.assertEqual(digest.readiness_ids, blocked)
        activity = digest.activity_ids
        self.assertEqual(len(activity), 1, "one activity, not one per blocked period")
        self.assertEqual(activity.activity_type_id, self.env.ref(OWNER_TYPE))
        self.assertEqual(activity.user_id, self.project_manager)
        self.assertEqual(activity.summary, "Billing exceptions to clear: 6")
        for order in mine:
            self.assertIn(order.name, activity.note)
        self.assertNotIn(theirs.name, activity.note)
        # The oldest block escalates after the company's delay (3 days): that is the deadline.
        self.assertEqual(activity.date_deadline, date(2026, 11, 13))
        self.assertEqual(self._digest(self.second_manager).readiness_ids, self._blocked(theirs))
        self.assertFalse(self._record_activities(blocked | self._blocked(theirs)), "no activity per period")

    def test_digest_note_escapes_what_clients_and_engagements_are_named(self):
        """The note is the engine's HTML with every name in it escaped: a client named like markup shows as
        text, on the activity created and on the one refreshed in place (neither is sanitized afterwards)."""
        hostile = '<img src=x onerror="alert(1)">'
        self.engagement.partner_id.commercial_partner_id.name = f"Acme {hostile}"
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self._run("2026-11-10")
        activity = self._digest(self.project_manager).activity_ids
        self.env.cr.execute("SELECT note FROM mail_activity WHERE id = %s", [activity.id])
        stored = self.env.cr.fetchone()[0]
        self.assertIn("Acme &lt;img src=x onerror=", stored)
        self.assertNotIn("<img", stored)
        self.assertIn(f"Acme {hostile}", activity.note.striptags(), "shown as the text it is")
        later = self._engagement_of(self.project_manager)
        later.partner_id.commercial_partner_id.name = f"Beta {hostile}"
        self._run("2026-11-11")
        self.env.cr.execute("SELECT note FROM mail_activity WHERE id = %s", [activity.id])
        stored = self.env.cr.fetchone()[0]
        self.assertIn("Beta &lt;img src=x onerror=", stored)
        self.assertNotIn("<img", stored)

    def test_digest_refreshed_in_place_on_a_later_run(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self._run("2026-11-10")
        digest = self._digest(self.project_manager)
        activity = digest.activity_ids
        self.assertEqual(digest.readiness_ids, self._blocked())
        later = self._engagement_of(self.project_manager)
        self._run("2026-11-11")
        self.assertEqual(self._digest(self.project_manager), digest, "the same digest")
        self.assertEqual(digest.activity_ids, activity, "the same activity, refreshed in place")
        self.assertEqual(digest.readiness_ids, self._blocked(self.engagement | later))
        self.assertEqual(activity.summary, "Billing exceptions to clear: 4")
        self.assertIn(f"New: {later.name}", activity.note.striptags())
        self.assertNotIn(f"New: {self.engagement.name}", activity.note.striptags())
        self.assertEqual(activity.date_deadline, date(2026, 11, 13), "still the oldest block's escalation day")
        self.assertFalse(self.Digest._ps_refresh() & digest, "nothing changed: the digest is left alone")

    def test_digest_marked_done_when_nothing_is_left(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self._run("2026-11-10")
        digest = self._digest(self.project_manager)
        activity = digest.activity_ids
        self._confirm_terms()
        self._evaluate()
        self._run("2026-11-10")
        self.assertFalse(self._blocked())
        self.assertFalse(digest.readiness_ids)
        self.assertFalse(activity.exists(), "marked done")
        self.assertFalse(digest.activity_ids)
        self.assertIn("Nothing left to clear.", "".join(digest.message_ids.mapped("body")))
        # A new block brings a new activity on the same digest.
        self._engagement_of(self.project_manager)
        self._run("2026-11-11")
        self.assertEqual(self._digest(self.project_manager), digest)
        self.assertEqual(len(digest.activity_ids), 1)
        self.assertNotEqual(digest.activity_ids, activity)

    def test_controllers_get_one_escalation_digest_each(self):
        self.company.ps_escalation_days = 3
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self._run("2026-11-10")  # blocked since Nov 10
        october = self._blocked().filtered(lambda r: r.period_start == self.october[0])
        self._run("2026-11-12")
        self.assertFalse(self._digest(self.controller, "escalation").activity_ids, "not before the delay")
        self._run("2026-11-13")
        self._run("2026-11-13")
        self.assertEqual(str(october.escalated_on), "2026-11-13", "escalated once per blocking")
        digest = self._digest(self.controller, "escalation")
        self.assertEqual(digest.readiness_ids, self._blocked())
        activity = digest.activity_ids
        self.assertEqual(len(activity), 1, "one escalation activity per controller")
        self.assertEqual(activity.activity_type_id, self.env.ref(ESCALATION_TYPE))
        self.assertEqual(activity.summary, "Escalated billing exceptions: 2")
        self.assertEqual(activity.date_deadline, date(2026, 11, 13))
        controllers = self.Digest._ps_get_controllers().filtered(lambda u: self.company in u.company_ids)
        escalations = self.Digest.search([("kind", "=", "escalation"), ("readiness_ids", "in", october.ids)])
        self.assertEqual(escalations.user_id, controllers, "every controller of the company, once each")
        self.assertEqual(len(escalations.activity_ids), len(controllers))
        self.assertFalse(self._record_activities(october))
        self._run("2026-11-20")
        self.assertEqual(digest.activity_ids, activity, "nothing new: the same activity")
        self._confirm_terms()
        self._evaluate(day=date(2026, 11, 20))
        self._run("2026-11-20")
        self.assertFalse(october.escalated_on)
        self.assertFalse(digest.readiness_ids)
        self.assertFalse(activity.exists(), "marked done when nothing escalated is left")

    def test_engine_writes_no_note_when_it_blocks_escalates_or_unblocks(self):
        self.company.ps_escalation_days = 0
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self._run("2026-11-10")
        blocked = self._blocked()
        self.assertTrue(blocked.filtered("escalated_on"), "escalated the same day")
        self._confirm_terms()
        self._evaluate()
        self._run("2026-11-10")
        self.assertFalse(self._blocked())
        # October, ready once its terms are confirmed and past its cutoff, is drafted: that note is news.
        notes = blocked.message_ids.filtered(lambda message: "Invoice draft" not in message.body)
        self.assertFalse(notes, "no note on the period: blocked, escalated, unblocked")
        self.assertFalse(blocked.message_follower_ids)
        self.assertFalse(self._record_activities(blocked))

    def test_draft_anyway_leaves_its_trace_and_the_digest_at_once(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self._run("2026-11-10")
        october = self._blocked().filtered(lambda r: r.period_start == self.october[0])
        digest = self._digest(self.project_manager)
        activity = digest.activity_ids
        self.assertIn(october, digest.readiness_ids)
        with freeze_time("2026-11-10"):
            action = october.with_user(self.controller).action_draft_anyway()
            wizard = Form(self.env[action["res_model"]].with_user(self.controller).with_context(**action["context"]))
            wizard.reason = "Client agreed terms by email"
            wizard.save().action_confirm()
        self.assertEqual(october.state, "invoiced")
        self.assertIn("Drafted anyway by Fiona Controller", "".join(october.message_ids.mapped("body")))
        self.assertNotIn(october, digest.readiness_ids, "the owner's digest follows at once")
        self.assertEqual(digest.activity_ids, activity)
        self.assertEqual(activity.summary, "Billing exceptions to clear: 1")

    def test_manual_evaluation_refreshes_the_owner_digest_at_once(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        records = self._evaluate()
        self.assertFalse(self._digest(self.project_manager), "the engine's evaluation waits for the run's digest step")
        with freeze_time("2026-11-10"):
            records.with_user(self.project_manager).action_evaluate()
        self.assertEqual(self._digest(self.project_manager).readiness_ids, self._blocked())
        self._confirm_terms()
        with freeze_time("2026-11-10"):
            self.engagement.with_user(self.controller).action_ps_evaluate_readiness()
        digest = self._digest(self.project_manager)
        self.assertFalse(digest.readiness_ids)
        self.assertFalse(digest.activity_ids)

    def test_digest_opens_the_users_exception_queue(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self.company.ps_escalation_days = 0
        self._engagement_of(self.second_manager)
        self._run("2026-11-10")
        digest = self._digest(self.project_manager).with_user(self.project_manager)
        action = digest.action_open_exceptions()
        listed = self.Readiness.with_user(self.project_manager).search(action["domain"])
        self.assertEqual(listed, self._blocked())
        escalation = self._digest(self.controller, "escalation").with_user(self.controller)
        listed = self.Readiness.with_user(self.controller).search(escalation.action_open_exceptions()["domain"])
        self.assertEqual(listed, escalation.readiness_ids)
        self.assertLess(self._blocked(), listed, "the escalated periods of every owner")


@tagged("post_install", "-at_install")
class TestDigestMigration(DigestCase):
    def _old_type(self, name, xmlid):
        """An activity type of 17.0.1.0.0 as an upgraded database holds it (noupdate data)."""
        kind = self.env["mail.activity.type"].create({"name": name, "res_model": "ps.billing.readiness"})
        self.env["ir.model.data"].create(
            {"module": "ps_billing_readiness", "name": xmlid, "model": kind._name, "res_id": kind.id, "noupdate": True}
        )
        return kind

    def test_upgrade_replaces_the_per_period_activities_by_one_digest(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self._run("2026-11-10")
        blocked = self._blocked()
        self.assertEqual(len(blocked), 2)
        # What the per-period design left: an activity on each blocked period, escalated ones too.
        old_blocked = self._old_type("Resolve billing block", "mail_activity_type_readiness_blocked")
        old_escalated = self._old_type("Billing block escalated", "mail_activity_type_readiness_escalation")
        for record in blocked:
            record.activity_schedule(activity_type_id=old_blocked.id, user_id=self.project_manager.id)
        blocked[0].activity_schedule(activity_type_id=old_escalated.id, user_id=self.controller.id)
        self.assertEqual(len(self._record_activities(blocked)), 3)
        # An activity of another type on a period is the user's own: kept.
        todo = blocked[0].activity_schedule("mail.mail_activity_data_todo", user_id=self.project_manager.id)
        messages = self.env["mail.message"].search_count([("model", "=", blocked._name), ("res_id", "in", blocked.ids)])

        migration = pathlib.Path(__file__).parents[1] / "migrations" / "17.0.1.1.0" / "post-migrate.py"
        namespace = {}
        exec(compile(migration.read_text(), str(migration), "exec"), namespace)  # pylint: disable=exec-used
        namespace["migrate"](self.env.cr, "17.0.1.0.0")

        self.env.invalidate_all()
        self.assertEqual(self._record_activities(blocked), todo, "the per-period activities are gone, the to-do stays")
        self.assertFalse((old_blocked | old_escalated).exists(), "the old types are deleted")
        self.assertFalse(self.env.ref("ps_billing_readiness.mail_activity_type_readiness_blocked", False))
        self.assertEqual(
            self.env["mail.message"].search_count([("model", "=", blocked._name), ("res_id", "in", blocked.ids)]),
            messages,
            "removed without a message per period",
        )
        digest = self._digest(self.project_manager)
        self.assertEqual(digest.readiness_ids, blocked)
        self.assertEqual(len(digest.activity_ids), 1)
        # Run again (a second upgrade): nothing to do.
        self.assertEqual(self.Readiness._ps_retire_per_period_activities(), 0)


@tagged("post_install", "-at_install")
class TestDigestAccess(DigestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._log_time(cls.employee_consultant, 6.0, "2026-10-12")
        cls.other_order = cls._engagement_of(cls.second_manager)
        cls._evaluate(cls.engagement | cls.other_order)
        cls.env["ps.billing.digest"]._ps_refresh()
        cls.digest = cls.env["ps.billing.digest"].search([("user_id", "=", cls.project_manager.id)])
        cls.other_digest = cls.env["ps.billing.digest"].search([("user_id", "=", cls.second_manager.id)])
        cls.administrator = new_test_user(cls.env, login="bc_admin", name="Ada Admin", groups=GROUP_ADMINISTRATOR)

    def test_a_user_reads_only_their_own_digest(self):
        visible = self.Digest.with_user(self.project_manager).search([])
        self.assertEqual(visible, self.digest)
        with self.assertRaises(AccessError):
            self.other_digest.with_user(self.project_manager).read(["readiness_ids"])
        self.digest.with_user(self.project_manager).read(["readiness_ids", "user_id"])

    def test_a_controller_reads_every_digest(self):
        visible = self.Digest.with_user(self.controller).search([])
        self.assertIn(self.digest, visible)
        self.assertIn(self.other_digest, visible)

    def test_a_consultant_reads_no_digest(self):
        with self.assertRaises(AccessError):
            self.Digest.with_user(self.consultant).search([])

    def test_nobody_writes_creates_or_deletes_a_digest(self):
        for user in (self.project_manager, self.controller, self.administrator):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.digest.with_user(user).write({"readiness_ids": [Command.clear()]})
                with self.assertRaises(AccessError):
                    self.Digest.with_user(user).create(
                        {"user_id": user.id, "kind": "owner", "company_id": self.company.id}
                    )
                with self.assertRaises(AccessError):
                    self.digest.with_user(user).unlink()
        self.assertEqual(self.digest.readiness_ids, self._blocked())

    def test_the_owner_marks_their_digest_activity_done_another_cannot(self):
        activity = self.digest.activity_ids
        with self.assertRaises(AccessError):
            activity.with_user(self.second_manager).action_feedback(feedback="not mine")
        activity.with_user(self.project_manager).action_feedback(feedback="on it")
        self.assertFalse(activity.exists())
        # Still blocked: the next refresh asks again.
        self.Digest._ps_refresh()
        self.assertEqual(len(self.digest.activity_ids), 1)


@tagged("post_install", "-at_install")
class TestDigestOverHttp(CallKwMixin, HttpCase, DigestCase):
    """Over Odoo's external API, with a context that asks for everything, a consultant and another
    project manager neither read nor change someone's digest or its activity."""

    CALL_CONTEXT = {"active_test": False, "sudo": True, "su": True, "tracking_disable": True}
    REFUSED_ERROR = "AccessError"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._log_time(cls.employee_consultant, 6.0, "2026-10-12")
        cls._evaluate()
        cls.env["ps.billing.digest"]._ps_refresh()
        cls.digest = cls.env["ps.billing.digest"].search([("user_id", "=", cls.project_manager.id)])

    def test_consultant_and_other_manager_cannot_read_or_change_a_digest(self):
        digest = self.digest
        blocked = digest.readiness_ids
        activity = digest.activity_ids
        for login in ("bc_consultant", "bc_manager_2"):
            with self.subTest(login=login):
                self._refused(login, "ps.billing.digest", "read", [digest.ids, ["readiness_ids", "user_id"]])
                self._refused(login, "ps.billing.digest", "write", [digest.ids, {"readiness_ids": [Command.clear()]}])
                self._refused(login, "ps.billing.digest", "write", [digest.ids, {"user_id": self.consultant.id}])
                self._refused(
                    login,
                    "ps.billing.digest",
                    "create",
                    [{"user_id": self.project_manager.id, "kind": "owner", "company_id": self.company.id}],
                )
                self._refused(login, "ps.billing.digest", "unlink", [digest.ids])
                self._refused(login, "mail.activity", "write", [activity.ids, {"summary": "Nothing to see"}])
                self._refused(login, "mail.activity", "action_feedback", [activity.ids], {"feedback": "done"})
        found = self._call("bc_manager_2", "ps.billing.digest", "search_read", [[]], {"fields": ["id"]})
        self.assertNotIn(digest.id, [row["id"] for row in found], "a search does not reveal it either")
        self.env.invalidate_all()
        self.assertEqual(digest.readiness_ids, blocked)
        self.assertEqual(digest.user_id, self.project_manager)
        self.assertTrue(activity.exists())
        self.assertTrue(activity.summary.startswith("Billing exceptions to clear"))

    def test_an_error_of_another_kind_is_no_refusal(self):
        """A call that fails for another reason than rights (here: no such method) does not pass for a
        refusal in this class (REFUSED_ERROR)."""
        with self.assertRaises(AssertionError):
            self._refused("bc_consultant", "ps.billing.digest", "ps_no_such_method", [self.digest.ids])

    def test_owner_reads_their_digest(self):
        rows = self._call("bc_manager", "ps.billing.digest", "read", [self.digest.ids, ["readiness_ids"]])
        self.assertEqual(rows[0]["readiness_ids"], self.digest.readiness_ids.ids)


@tagged("post_install", "-at_install")
class TestDigestQueries(DigestCase):
    """Refreshing the digests costs the same number of queries for 2 owners as for 8."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owners = [
            new_test_user(cls.env, login=f"bc_owner_{i}", name=f"Owner {i}", groups=GROUP_PROJECT_MANAGER)
            for i in range(11)
        ]
        cls.orders = [cls._engagement_of(owner) for owner in cls.owners]

    def _count(self, callback):
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        callback()
        self.env.flush_all()
        return self.env.cr.sql_log_count - start

    def _refresh(self, orders):
        """Block ``orders`` (evaluate them); return the queries of the refresh that follows."""
        self._evaluate(self.env["sale.order"].concat(*orders))
        return self._count(self.Readiness._ps_refresh_digests)

    def test_refresh_query_count_does_not_grow_with_the_number_of_owners(self):
        self._refresh(self.orders[:1])  # warms the ORM's caches, and the demo firm's digests are made
        created_2 = self._refresh(self.orders[1:3])
        created_8 = self._refresh(self.orders[3:])
        self.assertEqual(created_2, created_8, f"new digests: 2 owners {created_2} queries, 8 owners {created_8}")
        # A second engagement's period for each: every list changes, in place.
        more = [self._engagement_of(owner) for owner in self.owners]
        updated_2 = self._refresh(more[1:3])
        updated_8 = self._refresh(more[3:])
        self.assertEqual(updated_2, updated_8, f"lists updated: 2 owners {updated_2} queries, 8 owners {updated_8}")
        unchanged = self._count(self.Readiness._ps_refresh_digests)
        self.assertLess(unchanged, updated_8)
        for owner in self.owners[3:]:
            digest = self._digest(owner)
            self.assertEqual(len(digest.readiness_ids), 4)
            self.assertEqual(len(digest.activity_ids), 1)
            self.assertEqual(digest.activity_ids.summary, "Billing exceptions to clear: 4")


@tagged("post_install", "-at_install")
class TestDigestScreen(HttpCase):
    """A project manager of the demo firm opens their digest from their activities (screenshot kept)."""

    browser_size = "1440x900"

    def test_project_manager_opens_the_digest_from_their_activities(self):
        self.env["ps.billing.readiness"]._ps_refresh_digests()
        sofia = self.env["res.users"].search([("login", "=", "demo.sofia")])
        digest = self.env["ps.billing.digest"].search([("user_id", "=", sofia.id), ("kind", "=", "owner")])
        self.assertTrue(digest.readiness_ids, "the demo firm has blocked periods that Sofia owns")
        folder = pathlib.Path(config["screenshots"]) / "digest"
        folder.mkdir(parents=True, exist_ok=True)
        start_tour_with_screenshot(self, "/web", "ps_digest_project_manager", "demo.sofia", folder / "digest.png")
