# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A sent backup package over ``/web/dataset/call_kw``, as the web client calls it, with hostile values and
contexts: nobody changes or deletes it, nor forges a decision to leave a file out; checked in the database."""

import base64
import hashlib
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_CONSULTANT, CallKwMixin
from .package_common import InvoicePackageCase

HOSTILE_CONTEXTS = (
    {},
    {"force_report_rendering": True, "tracking_disable": True, "install_mode": True, "active_test": False},
    {"default_ps_package_id": False, "default_res_id": 1, "bin_size": False},
)


@tagged("post_install", "-at_install")
class TestInvoicePackageAccessOverHttp(CallKwMixin, HttpCase, InvoicePackageCase):
    CALL_SIGN_IN_ONCE = True  # the attacks below make some 130 calls

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(cls.env, login="bc_carl_pkg", password="bc_carl_pkg", groups=GROUP_CONSULTANT)
        new_test_user(cls.env, login="bc_anna_pkg", password="bc_anna_pkg", groups="account.group_account_invoice")
        cls.controller.password = "bc_controller"
        cls.move = cls._invoice()
        cls._send(cls.move)
        cls.package = cls.move.ps_package_id
        cls.attachment = cls.package.attachment_id
        cls.raw_sha = hashlib.sha256(cls.attachment.raw).hexdigest()
        cls.part_shas = cls.package.part_ids.mapped("sha256")

    def _assert_untouched(self):
        self.env.invalidate_all()
        self.assertTrue(self.attachment.exists())
        self.assertEqual(hashlib.sha256(self.attachment.raw).hexdigest(), self.raw_sha)
        self.assertEqual(self.attachment.name, self.package.name)
        self.assertEqual((self.attachment.res_model, self.attachment.res_id), ("account.move", self.move.id))
        self.assertEqual(self.move.ps_package_id, self.package)
        self.assertEqual(self.package.part_ids.mapped("sha256"), self.part_shas)
        self.assertEqual(self.package.sha256, self.raw_sha)
        self.assertFalse(self.env["ps.invoice.package.decision"].search([]))

    def test_the_attacks_sign_in_once_per_login_and_call_as_that_login(self):
        """One sign-in per change of login (CALL_SIGN_IN_ONCE), and each call still goes as its own login:
        else the refusals below would prove nothing."""
        group = "account.group_account_invoice"  # Anna's, not Carl's
        logins = ("bc_carl_pkg", "bc_carl_pkg", "bc_anna_pkg", "bc_anna_pkg", "bc_carl_pkg")
        with patch.object(HttpCase, "authenticate", autospec=True, side_effect=HttpCase.authenticate) as sign_in:
            answers = [self._call(login, "res.users", "has_group", [group]) for login in logins]
        self.assertEqual(answers, [False, False, True, True, False])
        self.assertEqual(
            [call.args[1] for call in sign_in.call_args_list], ["bc_carl_pkg", "bc_anna_pkg", "bc_carl_pkg"]
        )

    def test_nobody_changes_or_deletes_a_sent_package(self):
        forged = base64.b64encode(b"%PDF-1.4 forged").decode()
        attachment, package, part = [self.attachment.id], [self.package.id], [self.package.part_ids[0].id]
        for login in ("bc_carl_pkg", "bc_anna_pkg", "bc_controller"):
            for context in HOSTILE_CONTEXTS:
                self._refused(login, "ir.attachment", "write", [attachment, {"datas": forged}], context=context)
                self._refused(login, "ir.attachment", "write", [attachment, {"name": "x.pdf"}], context=context)
                self._refused(login, "ir.attachment", "write", [attachment, {"res_id": 1}], context=context)
                self._refused(login, "ir.attachment", "unlink", [attachment], context=context)
                self._refused(
                    login, "account.move", "write", [[self.move.id], {"ps_package_id": False}], context=context
                )
                self._refused(
                    login, "account.move", "write", [[self.move.id], {"ps_sent_message_id": False}], context=context
                )
                self._refused(login, "ps.invoice.package", "write", [package, {"sha256": "0" * 64}], context=context)
                self._refused(login, "ps.invoice.package", "unlink", [package], context=context)
                self._refused(login, "ps.invoice.package.part", "write", [part, {"sha256": "0" * 64}], context=context)
                self._refused(login, "ps.invoice.package.part", "unlink", [part], context=context)
                self._refused(
                    login,
                    "ps.invoice.package",
                    "create",
                    [{"name": "forged.pdf", "move_id": self.move.id, "attachment_id": attachment[0], "sha256": "0"}],
                    context=context,
                )
        self._assert_untouched()

    def test_only_a_controller_leaves_a_file_out_and_never_by_a_forged_decision(self):
        _expense, _receipt = self._reinvoiced_expense("Parking", 12.0, None)
        # A second invoice (the parking) waits for a decision.
        move = self._invoice()
        self.assertTrue(move.ps_package_problems)
        decision = {
            "move_id": move.id,
            "document_key": "hr.expense,1",
            "document_name": "Forged",
            "reason": "Forged",
            "decided_by_id": self.controller.id,
            "decided_on": "2026-11-10 09:00:00",
        }
        for login in ("bc_carl_pkg", "bc_anna_pkg", "bc_controller"):
            for context in HOSTILE_CONTEXTS:
                self._refused(login, "ps.invoice.package.decision", "create", [decision], context=context)
        for login in ("bc_carl_pkg", "bc_anna_pkg"):
            for context in HOSTILE_CONTEXTS:
                self._refused(login, "account.move", "action_ps_open_package_leave_out", [[move.id]], context=context)
                self._refused(
                    login,
                    "ps.invoice.package.leave.out",
                    "create",
                    [{"move_id": move.id, "reason": "x"}],
                    context=context,
                )
        self._assert_untouched()
        self.assertFalse(move.ps_package_decision_ids)
