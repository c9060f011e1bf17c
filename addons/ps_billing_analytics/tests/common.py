# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The test firm's engagement with a billing history in November 2026, for the KPIs."""

from datetime import date

from odoo import Command
from odoo.addons.ps_billing_readiness.tests.common import BillingControlCase

NOVEMBER = date(2026, 11, 1)


class AnalyticsCase(BillingControlCase):
    """Invoices of the engagement's client at 100.00 an hour, without taxes, so that every figure is
    simple to check by hand. ``_november`` builds the history the KPI tests share:

    - three periods invoiced in November: August (invoiced on 20 Nov, 81 days after its end),
      September (10 Nov, 41 days) and October (3 Nov, 3 days), for 3,000.00, 2,000.00 and 1,000.00;
    - a fourth invoice of 500.00 on 25 Nov without a readiness period;
    - the October invoice paid on 15 Nov; the September one credited in full on 30 Nov.
    """

    @classmethod
    def _readiness(cls, start, end, **values):
        return cls.env["ps.billing.readiness"].create(
            {"sale_order_id": cls.engagement.id, "period_start": start, "period_end": end, "cutoff_date": end, **values}
        )

    @classmethod
    def _invoice(cls, hours, day, readiness=None, post=True, partner=None, **line_values):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or cls.client).id,
                "invoice_date": day,
                "ps_readiness_id": readiness.id if readiness else False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product_time_materials.id,
                            "quantity": hours,
                            "price_unit": 100.0,
                            "tax_ids": [Command.clear()],
                            **line_values,
                        }
                    )
                ],
            }
        )
        if readiness:
            readiness.write({"invoice_id": move.id, "state": "invoiced"})
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, move, day):
        register = cls.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids)
        return register.create({"payment_date": day})._create_payments()

    @classmethod
    def _refund(cls, move, day):
        refund = move._reverse_moves([{"invoice_date": day, "date": day, "ref": "Hours billed twice"}])
        refund.action_post()
        return refund

    @classmethod
    def _november(cls):
        cls.period_august = cls._readiness(date(2026, 8, 1), date(2026, 8, 31))
        cls.period_september = cls._readiness(date(2026, 9, 1), date(2026, 9, 30))
        cls.period_october = cls._readiness(date(2026, 10, 1), date(2026, 10, 31))
        cls.invoice_august = cls._invoice(30, date(2026, 11, 20), cls.period_august)
        cls.invoice_september = cls._invoice(20, date(2026, 11, 10), cls.period_september)
        cls.invoice_october = cls._invoice(10, date(2026, 11, 3), cls.period_october)
        cls.invoice_manual = cls._invoice(5, date(2026, 11, 25))
        cls._pay(cls.invoice_october, date(2026, 11, 15))
        cls.refund_september = cls._refund(cls.invoice_september, date(2026, 11, 30))

    def _compute(self, month=NOVEMBER):
        return self.env["ps.kpi.engine"]._ps_compute_month(self.company, month, partners=self.client)

    def _rows(self, rows, code, dimension="company", **keys):
        return [
            row
            for row in rows
            if row["kpi_code"] == code
            and row["dimension"] == dimension
            and all(row.get(key) == value for key, value in keys.items())
        ]

    def _row(self, rows, code, dimension="company", **keys):
        found = self._rows(rows, code, dimension, **keys)
        self.assertEqual(len(found), 1, f"one row of {code} by {dimension} {keys}: {found}")
        return found[0]
