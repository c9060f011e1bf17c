# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The backup package sent with an invoice (issue #19).

One PDF: a cover page listing each part with its SHA-256, then the parts in a fixed order. Each
module contributes its parts through ``_ps_prepare_package_parts`` (extend with ``super()``):

====  ==============  ==========================================================
 seq  code            part
====  ==============  ==========================================================
  10  ``invoice``     the invoice PDF Odoo sends (core)
  20  ``timesheet``   the timesheet detail of the time it bills (core)
  30  ``receipts``    the receipts of the expenses it re-invoices (core)
  40  ``acceptance``  the acceptance evidence of the milestones it bills
                      (``ps_milestone_billing``)
====  ==============  ==========================================================

A part is a dict:

- ``code``, ``sequence``, ``name``: what it is, where it goes, what the cover calls it;
- ``documents``: the source files it carries, each ``{"key", "name", "raw", "problem"}``: ``key``
  names the file for a controller's decision to leave it out, ``problem`` says why it cannot go
  (missing, corrupt) or is empty;
- ``render(documents)``: returns the list of PDF documents (bytes) of the part, from the documents
  that go; a ``(file name, bytes)`` pair is a file the client also gets on its own, listed on the
  cover. It is called only once the package is known to be complete, so that nothing is rendered for
  a send that is refused.
"""

import hashlib
import io
import logging
import re
from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime
from odoo.tools.pdf import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfFileReader, PdfFileWriter

_logger = logging.getLogger(__name__)

CUSTOMER_MOVE_TYPES = ("out_invoice", "out_refund")
GROUP_FINANCE_CONTROLLER = "ps_billing_readiness.group_finance_controller"
# A4 at 150 dpi: receipt images are scaled to fit one page, never cropped.
A4_INCHES = (8.27, 11.69)
FONT_SUBSET = re.compile(r"^/([A-Z]{6})\+")
PACKAGE_METADATA = {"/Creator": "Billing Control", "/Producer": "Billing Control"}


def ps_package_sha256(data):
    """Return the hexadecimal SHA-256 of ``data`` (bytes)."""
    return hashlib.sha256(data).hexdigest()


def ps_package_merge(pdfs, title):
    """Return one PDF of the pages of ``pdfs`` (a list of PDF bytes), in their order.

    Only the pages are copied: no creation date, no document id, fixed metadata, and font subset tags
    renamed in order of appearance, so that the same pages always give the same bytes.
    """
    writer = PdfFileWriter()
    for pdf in pdfs:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        for page in reader.pages:
            writer.add_page(page)
    _ps_package_rename_font_subsets(writer)
    writer.add_metadata({**PACKAGE_METADATA, "/Title": title})
    with io.BytesIO() as buffer:
        writer.write(buffer)
        return buffer.getvalue()


def _ps_package_rename_font_subsets(writer):
    """Rename the subset tags of the fonts (``ABCDEF+DejaVuSans``) of ``writer``'s pages in order of appearance.

    wkhtmltopdf draws the six letters of each font subset anew at every run: the same page would
    otherwise never give the same bytes twice.
    """
    tags, seen = {}, set()

    def new_tag(tag):
        if tag not in tags:
            number, letters = len(tags), ""
            for _position in range(6):
                number, rest = divmod(number, 26)
                letters = chr(ord("A") + rest) + letters
            tags[tag] = letters
        return tags[tag]

    def walk(obj):
        obj = obj.get_object() if isinstance(obj, IndirectObject) else obj
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, DictionaryObject):
            for key in list(obj.keys()):
                value = obj[key]
                if key in ("/BaseFont", "/FontName") and isinstance(value, NameObject):
                    match = FONT_SUBSET.match(value)
                    if match:
                        obj[NameObject(key)] = NameObject(f"/{new_tag(match.group(1))}+{value[8:]}")
                elif key not in ("/Parent", "/Contents", "/FontFile", "/FontFile2", "/FontFile3"):
                    walk(value)
        elif isinstance(obj, ArrayObject):
            for item in obj:
                walk(item)

    for page in writer.pages:
        walk(page.get("/Resources"))


def ps_package_page_count(pdf):
    """Return the number of pages of ``pdf`` (bytes)."""
    return len(PdfFileReader(io.BytesIO(pdf), strict=False).pages)


def ps_package_file_problem(raw, name):
    """Return why the file ``name`` (bytes ``raw``) cannot go into a package, or None."""
    if not raw:
        return _("%s is empty or missing.", name)
    if raw.startswith(b"%PDF"):
        try:
            if ps_package_page_count(raw):
                return None
        except Exception:  # pylint: disable=broad-except
            _logger.info("Unreadable PDF %s", name, exc_info=True)
        return _("%s is not a readable PDF (corrupt).", name)
    try:
        from PIL import Image

        with Image.open(io.BytesIO(raw)) as image:
            image.verify()
    except Exception:  # pylint: disable=broad-except
        return _("%s is neither a PDF nor an image (corrupt or unsupported).", name)
    return None


def ps_package_file_to_pdf(raw):
    """Return ``raw`` (a PDF or an image, already checked) as PDF bytes: an image becomes one A4 page."""
    if raw.startswith(b"%PDF"):
        return raw
    from PIL import Image

    with Image.open(io.BytesIO(raw)) as image:
        rgb = image.convert("RGB")
        resolution = max(rgb.width / A4_INCHES[0], rgb.height / A4_INCHES[1], 72.0)
        with io.BytesIO() as buffer:
            rgb.save(buffer, format="PDF", resolution=resolution)
            return buffer.getvalue()


class AccountMove(models.Model):
    _inherit = "account.move"

    ps_package_id = fields.Many2one(
        "ps.invoice.package", "Backup Package", readonly=True, copy=False, index="btree_not_null"
    )
    ps_package_attachment_id = fields.Many2one(
        related="ps_package_id.attachment_id", string="Backup Package File", related_sudo=True
    )
    ps_package_decision_ids = fields.One2many(
        "ps.invoice.package.decision", "move_id", string="Left Out of the Package", readonly=True
    )
    ps_package_problems = fields.Text(
        "Package Problems",
        compute="_compute_ps_package_problems",
        help="The files the backup package cannot carry as they are: a controller re-uploads them or "
        "decides to send without them.",
    )
    ps_sent_message_id = fields.Many2one("mail.message", "Sent In", readonly=True, copy=False)
    ps_sent_on = fields.Datetime("Sent On", related="ps_sent_message_id.date", related_sudo=True)
    ps_sent_by_id = fields.Many2one("res.partner", "Sent By", related="ps_sent_message_id.author_id", related_sudo=True)
    ps_sent_partner_ids = fields.Many2many(
        "res.partner", string="Sent To", compute="_compute_ps_delivery", compute_sudo=True
    )
    ps_delivery_state = fields.Selection(
        [
            ("not_sent", "Not Sent"),
            ("pending", "Sending"),
            ("sent", "Sent"),
            ("bounced", "Bounced"),
            ("exception", "Failed"),
        ],
        "Delivery",
        compute="_compute_ps_delivery",
        compute_sudo=True,
        help="From Odoo's mail tracking of the e-mail that carried the invoice: bounced when a recipient's "
        "server returned it.",
    )

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("ps_package_id", "ps_package_decision_ids")
    def _compute_ps_package_problems(self):
        for move in self:
            if move.ps_package_id or not move._ps_package_wanted():
                move.ps_package_problems = False
                continue
            problems = move._ps_get_package_problems(move._ps_prepare_package_parts(move._ps_get_package_terms()))
            move.ps_package_problems = "\n".join(problem["problem"] for problem in problems) or False

    @api.depends("ps_sent_message_id")
    def _compute_ps_delivery(self):
        for move in self:
            message = move.ps_sent_message_id
            notifications = message.notification_ids.filtered(lambda n: n.notification_type == "email")
            statuses = set(notifications.mapped("notification_status"))
            move.ps_sent_partner_ids = message.partner_ids
            if not message:
                move.ps_delivery_state = "not_sent"
            elif "bounce" in statuses:
                move.ps_delivery_state = "bounced"
            elif "exception" in statuses:
                move.ps_delivery_state = "exception"
            elif statuses - {"sent"}:
                move.ps_delivery_state = "pending"
            else:
                move.ps_delivery_state = "sent"

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _get_ps_protected_fields(self):
        """Return the backup package and the message that carried the invoice: set by sending only."""
        return super()._get_ps_protected_fields() | {"ps_package_id", "ps_sent_message_id"}

    def button_draft(self):
        res = super().button_draft()
        # The invoice will change: its next send builds a new package; the one the client got stays as history.
        self.filtered("ps_package_id").sudo().ps_package_id = False
        return res

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    def _ps_get_package_terms(self):
        """Return the package terms of the engagements this invoice bills: {"omit": part codes, "roles": bool}."""
        self.ensure_one()
        return self.sudo().line_ids.sale_line_ids.order_id._ps_get_package_terms()

    def _ps_prepare_package_parts(self, terms):
        """Hook: return the parts of this invoice's backup package (dicts, see the module docstring) that
        ``terms`` let go; modules add theirs with ``super()``."""
        self.ensure_one()
        parts = [self._ps_prepare_package_invoice_part()]
        if "timesheet" not in terms["omit"] and self.sudo().timesheet_ids:
            parts.append(self._ps_prepare_package_timesheet_part(terms["roles"]))
        if "receipts" not in terms["omit"]:
            receipts = self._ps_prepare_package_receipts_part()
            if receipts["documents"]:
                parts.append(receipts)
        return parts

    # ------------------------------------------------------------
    # Parts of the core
    # ------------------------------------------------------------

    def _ps_prepare_package_invoice_part(self):
        move = self

        def render(_documents):
            return [(move._get_invoice_report_filename(), move._ps_get_invoice_pdf())]

        return {
            "code": "invoice",
            "sequence": 10,
            "name": _("Invoice %s", self.name),
            "documents": [],
            "render": render,
        }

    def _ps_get_invoice_pdf(self):
        """Return the PDF of the invoice as Odoo sends it; rendered anew when there is none (or when Odoo's
        test mode stored HTML in its place)."""
        stored = self.sudo().invoice_pdf_report_id.raw
        if stored and stored.startswith(b"%PDF"):
            return stored
        return self.env["ir.actions.report"]._ps_render_package_pdf("account.account_invoices", self)

    def _ps_prepare_package_timesheet_part(self, roles):
        move = self

        def render(_documents):
            report = "ps_billing_readiness.action_report_ps_package_timesheet"
            return [move.env["ir.actions.report"]._ps_render_package_pdf(report, move, {"ps_roles": roles})]

        return {
            "code": "timesheet",
            "sequence": 20,
            "name": _("Timesheet detail (roles)") if roles else _("Timesheet detail"),
            "documents": [],
            "render": render,
        }

    def _ps_get_package_timesheet_rows(self, roles):
        """Return the timesheet lines this invoice bills as dicts (who, date, task, description, hours),
        ordered by date; ``roles`` shows the employee's job position instead of the name."""
        self.ensure_one()
        lines = self.sudo().timesheet_ids.sorted(lambda line: (line.date, line.employee_id.id, line.id))
        rows = []
        for line in lines:
            employee = line.employee_id
            who = (employee.job_id.name or employee.job_title or _("Consultant")) if roles else employee.name
            rows.append(
                {
                    "who": who,
                    "date": line.date,
                    "task": line.task_id.name or line.project_id.name or "",
                    "description": line.name if line.name and line.name != "/" else "",
                    "hours": line.unit_amount,
                }
            )
        return rows

    def _ps_prepare_package_receipts_part(self):
        """The receipts of the expenses this invoice re-invoices, expense by expense, oldest first."""
        expenses = self._ps_get_package_expenses().sorted(lambda e: (e.date, e.id))
        labels = {expense.id: f"{expense.name} ({expense.date})" for expense in expenses}
        documents = self._ps_get_package_documents(
            expenses,
            lambda expense: labels[expense.id],
            lambda expense: (
                _("Receipt of %s", labels[expense.id]),
                _("The expense %s has no receipt attached.", labels[expense.id]),
            ),
        )

        def render(documents_going):
            return [ps_package_file_to_pdf(document["raw"]) for document in documents_going]

        return {
            "code": "receipts",
            "sequence": 30,
            "name": _("Expense receipts"),
            "documents": documents,
            "render": render,
        }

    @api.model
    def _ps_get_package_documents(self, records, label, missing=None):
        """Return the package documents of the files attached to ``records``: record by record, each
        one's files in the order they were attached, named "<file> — <label(record)>".

        ``missing(record)``, when given, returns (name, problem) of the document standing for a
        record without any file (the send stops on it until a controller decides), or None when
        that record may go without. Every part made of attached files builds its documents here.
        """
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", records._name), ("res_id", "in", records.ids)], order="res_id, id")
        )
        by_record = defaultdict(list)
        for attachment in attachments:
            by_record[attachment.res_id].append(attachment)
        documents = []
        for record in records:
            files = by_record.get(record.id)
            absent = missing(record) if missing and not files else None
            if absent:
                name, problem = absent
                documents.append({"key": f"{record._name},{record.id}", "name": name, "raw": b"", "problem": problem})
            for attachment in files or []:
                name = f"{attachment.name} — {label(record)}"
                raw = attachment.raw
                documents.append(
                    {
                        "key": f"ir.attachment,{attachment.id}",
                        "name": name,
                        "raw": raw,
                        "problem": ps_package_file_problem(raw, name),
                    }
                )
        return documents

    def _ps_get_package_expenses(self):
        """Return the expenses (hr.expense) this invoice re-invoices."""
        expense_lines = self.sudo().invoice_line_ids.sale_line_ids.filtered("is_expense")
        if not expense_lines:
            return self.env["hr.expense"]
        analytic_lines = (
            self.env["account.analytic.line"]
            .sudo()
            .search([("so_line", "in", expense_lines.ids), ("move_line_id.expense_id", "!=", False)])
        )
        return analytic_lines.move_line_id.expense_id

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _ps_get_package_filename(self):
        """Return the file name of this invoice's backup package (beside Odoo's invoice PDF)."""
        self.ensure_one()
        return self._get_invoice_report_filename().removesuffix(".pdf") + "_backup.pdf"

    def _ps_package_wanted(self):
        """Return whether this move goes out with a backup package: a posted customer invoice or credit note."""
        self.ensure_one()
        return self.move_type in CUSTOMER_MOVE_TYPES and self.state == "posted"

    def _ps_get_package_problems(self, parts):
        """Return the documents of ``parts`` that cannot go and that no controller decided to leave out."""
        decided = set(self.sudo().ps_package_decision_ids.mapped("document_key"))
        return [
            document
            for part in parts
            for document in part["documents"]
            if document["problem"] and document["key"] not in decided
        ]

    def _ps_check_package_complete(self, parts):
        """Raise UserError naming every document of ``parts`` that cannot go (and was not left out)."""
        problems = self._ps_get_package_problems(parts)
        if problems:
            raise UserError(self._ps_format_package_problems(problems))

    def _ps_format_package_problems(self, problems):
        return _(
            "The backup package of %(invoice)s cannot be built:\n- %(problems)s\nRe-upload the file, or a Finance "
            "Controller leaves it out of the package (Backup Package tab of the invoice).",
            invoice=self.name,
            problems="\n- ".join(problem["problem"] for problem in problems),
        )

    def _ps_get_or_build_package(self, parts=None):
        """Return this invoice's backup package; build and store it the first time (immutable afterwards).

        ``parts``: the parts already prepared (and checked) by the caller, else prepared here.
        """
        self.ensure_one()
        if self.ps_package_id:
            return self.ps_package_id
        if not self._ps_package_wanted():
            raise UserError(_("Only a posted customer invoice or credit note has a backup package."))
        if parts is None:
            parts = self._ps_prepare_package_parts(self._ps_get_package_terms())
        self._ps_check_package_complete(parts)
        package = self.env["ps.invoice.package"].sudo()._ps_build(self, parts)
        self.sudo().ps_package_id = package
        return package

    def _ps_record_sent_message(self, message):
        """Remember the message that carried the invoice to the client (its mail tracking is the delivery)."""
        self.ensure_one()
        self.sudo().ps_sent_message_id = message

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_ps_open_package_leave_out(self):
        """Open the decision to send without the files the package cannot carry."""
        self.ensure_one()
        self._ps_check_can_leave_out()
        return {
            "type": "ir.actions.act_window",
            "name": _("Send Without"),
            "res_model": "ps.invoice.package.leave.out",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }

    def _ps_check_can_leave_out(self):
        if not self.env.user.has_group(GROUP_FINANCE_CONTROLLER):
            raise AccessError(_("Only a Finance Controller decides to send an invoice without part of its backup."))
        for move in self:
            if move.ps_package_id:
                raise UserError(_("The backup package of %s is already sent: it cannot change.", move.name))

    def _ps_leave_out_of_package(self, reason):
        """A controller decides to send without the files the package cannot carry now; returns the decisions."""
        self.ensure_one()
        self._ps_check_can_leave_out()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Say why the invoice goes without these files: the client will see it on the cover."))
        problems = self._ps_get_package_problems(self._ps_prepare_package_parts(self._ps_get_package_terms()))
        if not problems:
            raise UserError(_("Nothing is missing from the backup package of %s.", self.name))
        decisions = (
            self.env["ps.invoice.package.decision"]
            .sudo()
            .create(
                [
                    {
                        "move_id": self.id,
                        "document_key": problem["key"],
                        "document_name": problem["name"],
                        "problem": problem["problem"],
                        "reason": reason,
                        "decided_by_id": self.env.uid,
                        "decided_on": fields.Datetime.now(),
                    }
                    for problem in problems
                ]
            )
        )
        items = Markup().join(Markup("<li>%s</li>") % problem["problem"] for problem in problems)
        self.sudo().message_post(
            body=Markup("%s<ul>%s</ul>%s")
            % (
                _("%(user)s decided to send the invoice without:", user=self.env.user.name),
                items,
                _(
                    "Reason: %(reason)s (%(when)s)",
                    reason=reason,
                    when=format_datetime(self.env, fields.Datetime.now()),
                ),
            ),
            author_id=self.env.user.partner_id.id,
        )
        return decisions
