# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .account_move_package import ps_package_merge, ps_package_page_count, ps_package_sha256


class PsInvoicePackage(models.Model):
    """The backup package that went out with an invoice: one PDF, its parts and their SHA-256.

    Written once, when the invoice is first sent, by the suite (``sudo``); nobody changes or deletes it
    afterwards, so that sending the invoice again sends the same bytes. An invoice reset to draft keeps
    it as history: what the client received stays provable.
    """

    _name = "ps.invoice.package"
    _description = "Invoice Backup Package"
    _order = "id desc"
    _rec_name = "name"

    name = fields.Char(required=True, readonly=True)
    move_id = fields.Many2one("account.move", "Invoice", required=True, readonly=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    attachment_id = fields.Many2one(
        "ir.attachment", "File", required=True, readonly=True, ondelete="restrict", index=True
    )
    sha256 = fields.Char("SHA-256", required=True, readonly=True)
    page_count = fields.Integer("Pages", readonly=True)
    part_ids = fields.One2many("ps.invoice.package.part", "package_id", string="Parts", readonly=True)

    is_current = fields.Boolean(
        "Current",
        compute="_compute_is_current",
        help="The package the invoice goes out with now. An invoice reset to draft keeps its former packages "
        "as history and gets a new one when it is sent again.",
    )

    def _compute_is_current(self):
        for package in self:
            package.is_current = package.move_id.ps_package_id == package

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        if self:
            raise UserError(_("A backup package that went out with an invoice never changes."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A backup package that went out with an invoice is never deleted."))

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    @api.model
    def _ps_render(self, move, parts):
        """Render ``parts`` (checked complete) of ``move`` and merge them behind a cover page; return
        (package PDF bytes, the rendered parts as dicts). The same parts give the same bytes: the parts go
        in sequence order, and no creation date or document id is written."""
        decisions = move.sudo().ps_package_decision_ids
        left_out_keys = set(decisions.mapped("document_key"))
        rendered = []
        for part in sorted(parts, key=lambda p: (p["sequence"], p["code"])):
            going = [d for d in part["documents"] if not d["problem"]]
            left_out = [d for d in part["documents"] if d["problem"] and d["key"] in left_out_keys]
            listed = [{"name": d["name"], "sha256": ps_package_sha256(d["raw"])} for d in going]
            pdfs = []
            # A named output is a file the client also gets on its own (the invoice PDF): its hash is listed.
            for output in part["render"](going) if going or not part["documents"] else []:
                if isinstance(output, tuple):
                    listed.append({"name": output[0], "sha256": ps_package_sha256(output[1])})
                    output = output[1]
                pdfs.append(output)
            pdf = ps_package_merge(pdfs, part["name"]) if pdfs else b""
            rendered.append(
                {
                    "code": part["code"],
                    "sequence": part["sequence"],
                    "name": part["name"],
                    "pdf": pdf,
                    "sha256": ps_package_sha256(pdf) if pdf else "",
                    "page_count": ps_package_page_count(pdf) if pdf else 0,
                    "documents": listed,
                    "left_out": [
                        {"name": d["name"], "problem": d["problem"], "reason": decision.reason}
                        for d in left_out
                        for decision in decisions.filtered(lambda x, key=d["key"]: x.document_key == key)[:1]
                    ],
                }
            )
        cover = self.env["ir.actions.report"]._ps_render_package_pdf(
            "ps_billing_readiness.action_report_ps_package_cover", move, self._ps_get_cover_values(rendered)
        )
        package_pdf = ps_package_merge(
            [cover] + [part["pdf"] for part in rendered if part["pdf"]], move._ps_get_package_filename()
        )
        return package_pdf, rendered

    @api.model
    def _ps_get_cover_values(self, rendered):
        """Return the values of the cover page report for the ``rendered`` parts (their PDFs left out)."""
        return {"ps_parts": [{key: value for key, value in part.items() if key != "pdf"} for part in rendered]}

    @api.model
    def _ps_build(self, move, parts):
        """Render ``parts`` (checked complete) of ``move`` and store them as its package; return it."""
        package_pdf, rendered = self._ps_render(move, parts)
        filename = move._ps_get_package_filename()
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": filename,
                    "raw": package_pdf,
                    "mimetype": "application/pdf",
                    "res_model": move._name,
                    "res_id": move.id,
                }
            )
        )
        return self.sudo().create(
            {
                "name": filename,
                "move_id": move.id,
                "attachment_id": attachment.id,
                "sha256": ps_package_sha256(package_pdf),
                "page_count": ps_package_page_count(package_pdf),
                "part_ids": [
                    fields.Command.create(
                        {
                            "sequence": part["sequence"],
                            "code": part["code"],
                            "name": part["name"],
                            "sha256": part["sha256"],
                            "page_count": part["page_count"],
                            "documents": "\n".join(f"{d['name']}  {d['sha256']}" for d in part["documents"]),
                            "left_out": "\n".join(f"{d['problem']} {d['reason']}" for d in part["left_out"]),
                        }
                    )
                    for part in rendered
                ],
            }
        )
