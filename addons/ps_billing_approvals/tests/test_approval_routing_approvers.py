# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from contextlib import closing
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import ApprovalCase

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
@freeze_time("2026-10-15 12:00:00")
class TestApprovalRoutingApprovers(ApprovalCase):
    """Routing a batch whose drafts each go to other people: the approvers' followers, activities and
    bus notifications are written for the whole batch, not one approver at a time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Due today: Odoo tells each approver's to-do counter over the bus.
        cls.env.company.ps_approval_reminder_days = 0
        cls.approvers = cls.env["res.users"]
        clients = cls.env["res.partner"]
        for index in range(15):
            cls.approvers |= new_test_user(
                cls.env,
                login=f"bc_approver_{index}",
                name=f"Approver {index}",
                groups="base.group_user",
                email=f"approver{index}@example.com",
            )
            clients |= cls.env["res.partner"].create({"name": f"Client {index}", "is_company": True})
        cls.drafts = cls.env["account.move"].union(
            *(cls._draft(1000.0 + index, partner=client) for index, client in enumerate(clients))
        )
        cls.clients = clients
        cls.approver_of = dict(zip(cls.drafts.ids, cls.approvers, strict=True))

    def setUp(self):
        super().setUp()
        # Each client's drafts go to its own approver, at one level (unless a test replaces the rules).
        for client, approver in zip(self.clients, self.approvers, strict=True):
            self._rule(f"Client {client.name}", approver=approver, partner_ids=[Command.set(client.ids)])

    def _route(self, moves):
        """Route ``moves`` in a savepoint rolled back afterwards; return (queries, activities as
        {(draft id, user)}, followers as {(draft id, partner): subtypes}, bus notifications as
        [(partner, type, payload)] sent per ``_sendmany`` call)."""
        Bus = type(self.env["bus.bus"])
        sendmany = Bus._sendmany
        sent = []

        def record_sendmany(bus, notifications):
            sent.append([(target, kind, payload) for target, kind, payload in notifications])
            return sendmany(bus, notifications)

        with closing(self.env.cr.savepoint()), patch.object(Bus, "_sendmany", record_sendmany):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            moves.with_user(self.controller).action_ps_request_approval()
            self.env.flush_all()
            count = self.env.cr.sql_log_count - before
            activities = {(activity.res_id, activity.user_id) for activity in moves.activity_ids}
            followers = {
                (follower.res_id, follower.partner_id): follower.subtype_ids for follower in moves.message_follower_ids
            }
        _logger.info("Approval routing: %s queries for %s drafts, each with its own approver", count, len(moves))
        return count, activities, followers, sent

    def test_routing_query_count_does_not_grow_with_distinct_approvers(self):
        self._route(self.drafts[:3])  # warm-up: caches of the registry, not of the records
        few = self._route(self.drafts[:3])[0]
        many = self._route(self.drafts[3:])[0]
        self.assertEqual(few, many)

    def test_routing_query_count_does_not_grow_with_distinct_project_managers(self):
        """Each draft bills an engagement whose project another approver manages: the managers of each draft
        are a recordset of their own, read for the whole batch, not draft by draft."""
        self.Rule.search([]).active = False
        self._rule("Project manager", approver_type="project_manager")
        drafts = self.env["account.move"]
        for client, approver in zip(self.clients, self.approvers, strict=True):
            order = self.env["sale.order"].create(
                {
                    "partner_id": client.id,
                    "order_line": [
                        Command.create({"product_id": self.product_time_materials.id, "product_uom_qty": 4})
                    ],
                }
            )
            order.action_confirm()
            order.order_line.project_id.user_id = approver
            drafts |= self._draft(
                partner=client,
                line_values={
                    "product_id": self.product_time_materials.id,
                    "sale_line_ids": [Command.set(order.order_line.ids)],
                },
            )
        self._route(drafts[:3])  # warm-up: caches of the registry, not of the records
        few, few_activities = self._route(drafts[:3])[:2]
        many, many_activities = self._route(drafts[3:])[:2]
        self.assertEqual({user for _draft_id, user in few_activities}, set(self.approvers[:3]))
        self.assertEqual(len(many_activities), 12)
        self.assertEqual(few, many)

    def test_each_approver_gets_an_activity_follows_the_draft_and_is_told(self):
        default_subtypes = self.env["mail.message.subtype"].default_subtypes("account.move")[0]
        self.assertFalse(self.drafts.message_partner_ids & self.approvers.partner_id)
        _count, activities, followers, sent = self._route(self.drafts)
        expected = {(draft_id, approver) for draft_id, approver in self.approver_of.items()}
        self.assertEqual(activities, expected, "one activity per approver and draft, and no other")
        for draft_id, approver in self.approver_of.items():
            self.assertEqual(
                followers.get((draft_id, approver.partner_id)),
                default_subtypes,
                f"{approver.name} follows their draft with the default subtypes, as Odoo subscribes",
            )
            others = self.approvers - approver
            self.assertFalse(
                [partner for (res_id, partner) in followers if res_id == draft_id and partner in others.partner_id],
                "an approver follows only the drafts they approve",
            )
        activity_updates = [
            [(target, payload) for target, kind, payload in call if kind == "mail.activity/updated"] for call in sent
        ]
        activity_updates = [call for call in activity_updates if call]
        self.assertEqual(len(activity_updates), 1, "one bus message for the batch")
        self.assertCountEqual(
            activity_updates[0], [(approver.partner_id, {"activity_created": True}) for approver in self.approvers]
        )

    def test_an_approver_already_following_keeps_their_subscription(self):
        draft = self.drafts[0]
        approver = self.approver_of[draft.id]
        comment = self.env.ref("mail.mt_comment")
        draft.message_subscribe(partner_ids=approver.partner_id.ids, subtype_ids=comment.ids)
        _count, activities, followers, _sent = self._route(draft)
        self.assertEqual(activities, {(draft.id, approver)})
        self.assertEqual(followers[(draft.id, approver.partner_id)], comment, "their own choice of subtypes is kept")
