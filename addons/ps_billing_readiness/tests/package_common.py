# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An invoice of the test firm's engagement with something in every part of its backup package."""

import io

from freezegun import freeze_time
from PIL import Image

from odoo import Command

from .common import BillingControlCase


def make_png(width=300, height=400, color="white"):
    """Return the bytes of a small PNG (a scanned receipt)."""
    with io.BytesIO() as buffer:
        Image.new("RGB", (width, height), color).save(buffer, format="PNG")
        return buffer.getvalue()


class InvoicePackageCase(BillingControlCase):
    """October's time (consultant 6 h, manager 2 h) and a re-invoiced train ticket with its scanned receipt,
    invoiced to the client on 2026-11-10. The consultant is a Senior Consultant, the manager an
    Engagement Manager (the roles a client who forbids names sees)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Job = cls.env["hr.job"]
        cls.employee_consultant.job_id = Job.create({"name": "Senior Consultant"})
        cls.employee_manager.job_id = Job.create({"name": "Engagement Manager"})
        cls.time_consultant = cls._log_time(cls.employee_consultant, 6.0, "2026-10-05", name="Workshop")
        cls.time_manager = cls._log_time(cls.employee_manager, 2.0, "2026-10-06", name="Steering")
        cls.expense, cls.receipt = cls._reinvoiced_expense("Train to client", 80.0, make_png())

    @classmethod
    def _reinvoiced_expense(cls, name, amount, receipt_raw, receipt_name="ticket.png"):
        """An approved expense of the consultant the engagement re-invoices, with ``receipt_raw`` attached."""
        product = cls._create_reinvoiced_expense_product()
        expense = cls.env["hr.expense"].create(
            {
                "name": name,
                "date": "2026-10-07",
                "employee_id": cls.employee_consultant.id,
                "product_id": product.id,
                "total_amount_currency": amount,
                "sale_order_id": cls.engagement.id,
                "payment_mode": "company_account",
            }
        )
        receipt = cls.env["ir.attachment"]
        if receipt_raw is not None:
            receipt = receipt.create(
                {"name": receipt_name, "res_model": "hr.expense", "res_id": expense.id, "raw": receipt_raw}
            )
        sheet = cls.env["hr.expense.sheet"].create(
            {"name": name, "employee_id": cls.employee_consultant.id, "expense_line_ids": [Command.set(expense.ids)]}
        )
        sheet.action_submit_sheet()
        sheet.action_approve_expense_sheets()
        sheet.action_sheet_move_create()
        return expense, receipt

    @classmethod
    def _invoice(cls):
        """Invoice what the engagement delivered and post it, on 2026-11-10."""
        with freeze_time("2026-11-10"):
            move = cls.engagement._create_invoices()
            move.action_post()
        return move

    @classmethod
    def _send(cls, move, user=None):
        """Send ``move`` to the client through Odoo's Send & Print, as ``user`` (default: the controller).

        ``force_report_rendering``: Odoo's test mode stores HTML as the invoice PDF otherwise;
        ``mail_notify_force_send``: the e-mail waits in Odoo's queue (as with many recipients), where a test
        reads it before it goes.
        """
        user = user or cls.controller
        action = move.with_user(user).action_invoice_sent()
        wizard = (
            cls.env["account.move.send"]
            .with_user(user)
            .with_context(
                **action["context"],
                active_model="account.move",
                force_report_rendering=True,
                mail_notify_force_send=False,
            )
            .create({})
        )
        with freeze_time("2026-11-10 09:00:00"):
            wizard.action_send_and_print()
        return wizard
