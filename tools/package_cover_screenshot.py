#!/usr/bin/env python3
# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Send a demo invoice with its backup package, as the demo finance controller, and take a picture of
the package's cover page (docs/screenshots/backup-package-cover.png). Nothing is kept: the database is
rolled back.

The demo expenses come without receipts: the script scans in a receipt for each (a drawn image), as a
consultant would attach them. The server must run (bin/serve) so that wkhtmltoimage loads the report's
styles from it.

    PYTHONPATH=$ODOO_PATH $VENV/bin/python tools/package_cover_screenshot.py -c <conf> -d <db> [--out <png>]
"""

import argparse
import io
import pathlib
import subprocess
import tempfile

from PIL import Image, ImageDraw

import odoo
from odoo import api
from odoo.tools.pdf import PdfFileReader


def receipt_png(expense):
    """A scanned receipt of ``expense``: merchant, date, amount."""
    image = Image.new("RGB", (620, 820), "white")
    draw = ImageDraw.Draw(image)
    lines = ["RECEIPT", "", expense.name, str(expense.date), "", f"TOTAL  {expense.total_amount_currency:.2f}"]
    for index, line in enumerate(lines):
        draw.text((60, 60 + index * 40), line, fill="black")
    with io.BytesIO() as buffer:
        image.save(buffer, format="PNG")
        return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--out", default="docs/screenshots/backup-package-cover.png")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        controller = env.ref("ps_billing_readiness.group_finance_controller").users.filtered(
            lambda user: user.login.startswith("demo.")
        )[:1]
        drafts = env["account.move"].search([("move_type", "=", "out_invoice"), ("state", "=", "draft")], order="id")
        move = next(m for m in drafts if m.timesheet_ids and m._ps_get_package_expenses())
        for expense in move._ps_get_package_expenses().filtered(lambda e: not e.attachment_ids):
            env["ir.attachment"].create(
                {
                    "name": f"receipt_{expense.date}.png",
                    "res_model": "hr.expense",
                    "res_id": expense.id,
                    "raw": receipt_png(expense),
                }
            )
        move.action_post()
        action = move.with_user(controller).action_invoice_sent()
        wizard = (
            env["account.move.send"]
            .with_user(controller)
            .with_context(**action["context"], active_model="account.move", mail_notify_force_send=False)
            .create({})
        )
        wizard.action_send_and_print()
        package = move.ps_package_id
        mail = env["mail.mail"].search([("mail_message_id", "=", move.ps_sent_message_id.id)])
        print(f"{move.name} sent by {controller.name} to {', '.join(mail.recipient_ids.mapped('email'))}")
        print(f"e-mail attachments: {', '.join(mail.attachment_ids.mapped('name'))}")
        print(f"package {package.name}: {package.page_count} pages, SHA-256 {package.sha256}")
        for part in package.part_ids:
            print(f"  {part.sequence:>3} {part.name}: {part.page_count} page(s) {part.sha256}")
        pages = len(PdfFileReader(io.BytesIO(package.attachment_id.raw)).pages)
        assert pages == package.page_count, "the stored package is the one described"

        parts = move._ps_prepare_package_parts(move._ps_get_package_terms())
        _pdf, rendered = env["ps.invoice.package"]._ps_render(move, parts)
        html, _format = env["ir.actions.report"]._render_qweb_html(
            "ps_billing_readiness.action_report_ps_package_cover",
            move.ids,
            data=env["ps.invoice.package"]._ps_get_cover_values(rendered),
        )
        base_url = move.get_base_url()
        html = html.decode().replace("<head>", f'<head><base href="{base_url}/"/>', 1)
        cr.rollback()
    with tempfile.NamedTemporaryFile("w", suffix=".html") as page:
        page.write(html)
        page.flush()
        out = pathlib.Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["wkhtmltoimage", "--quiet", "--width", "1000", "--enable-local-file-access", page.name, str(out)],
            check=True,
        )
    print(f"cover page: {out}")


if __name__ == "__main__":
    main()
