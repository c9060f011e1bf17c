"""Two approvers deciding the same approval at once, on two real database connections.

Each approver works in their own transaction as the web server would run them.
While the first holds the approval, the second gets a clear error; once the
first has committed, the second finds nothing left to decide. Exactly one
decision is recorded. The records this test commits are archived or
cancelled at the end.
"""

import uuid
from contextlib import closing

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tests.common import get_db_name


@tagged("post_install", "-at_install")
class TestConcurrentApproval(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = odoo.registry(get_db_name())
        with closing(cls.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            controller = "ps_billing_readiness.group_finance_controller"
            # Committed records outlive the test: unique logins keep it repeatable on the same database.
            run = uuid.uuid4().hex[:8]
            users = [
                new_test_user(env, login=f"{login}_{run}", name=name, groups=controller)
                for login, name in (("cc_ana", "Ana Approver"), ("cc_ben", "Ben Approver"), ("cc_author", "Author"))
            ]
            cls.ana, cls.ben, cls.author = (user.id for user in users)
            rule = env["ps.approval.rule"].create(
                {
                    "name": "Concurrency test: over 5,000",
                    "amount_min": 5000.0,
                    "approver_type": "users",
                    "user_ids": [Command.set([cls.ana, cls.ben])],
                }
            )
            client = env["res.partner"].create({"name": "Concurrent Client", "is_company": True})
            product = env["product.product"].create({"name": "Advisory", "type": "service", "list_price": 9000.0})
            move = (
                env["account.move"]
                .with_user(cls.author)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": client.id,
                        "invoice_line_ids": [
                            Command.create(
                                {"product_id": product.id, "price_unit": 9000.0, "tax_ids": [Command.clear()]}
                            )
                        ],
                    }
                )
            )
            move.sudo().action_ps_request_approval()
            cls.rule_id, cls.move_id = rule.id, move.id
            cls.request_id = move.ps_approval_request_ids.filtered(lambda r: r.state == "pending").id
            cr.commit()

    @classmethod
    def tearDownClass(cls):
        with closing(cls.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ps.approval.rule"].browse(cls.rule_id).active = False
            env["account.move"].browse(cls.move_id).button_cancel()
            env["res.users"].browse([cls.ana, cls.ben, cls.author]).active = False
            cr.commit()
        super().tearDownClass()

    def _request(self, cr, uid):
        return api.Environment(cr, uid, {})["ps.approval.request"].browse(self.request_id)

    def test_two_approvers_at_once_record_exactly_one_decision(self):
        self.assertTrue(self.request_id, "the draft waits for one of the two approvers")
        with closing(self.registry.cursor()) as cr_ana, closing(self.registry.cursor()) as cr_ben:
            self._request(cr_ana, self.ana).action_ps_approve(comment="Checked the hours")
            # Ben decides while Ana's transaction still holds the approval.
            with self.assertRaisesRegex(UserError, "Another approver is deciding"):
                self._request(cr_ben, self.ben).action_ps_approve(comment="Me too")
            cr_ben.rollback()
            cr_ana.commit()
            # Ben tries again once Ana's decision is in: nothing is left to decide.
            with self.assertRaisesRegex(UserError, "nothing to decide"):
                self._request(cr_ben, self.ben).action_ps_approve(comment="Me too")
            cr_ben.rollback()
        with closing(self.registry.cursor()) as cr:
            request = self._request(cr, SUPERUSER_ID)
            self.assertEqual(request.state, "approved")
            self.assertEqual(request.decided_by_id.id, self.ana)
            self.assertEqual(request.comment, "Checked the hours")
            decisions = request.move_id.ps_approval_request_ids.filtered("decided_by_id")
            self.assertEqual(len(decisions), 1, "exactly one decision is recorded")
