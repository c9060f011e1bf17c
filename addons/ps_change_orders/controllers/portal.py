# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.urls import url_encode

from odoo import _, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

PAGE_SIZE = 20


class ChangeOrderPortal(CustomerPortal):
    """The client's contacts approve or reject the change orders of their engagements, as they sign off
    milestones."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "ps_change_order_count" in counters:
            # The domain restricts to the user's own client; sudo: a portal user has no access to the model.
            values["ps_change_order_count"] = (
                request.env["ps.change.order"]
                .sudo()
                .search_count(self._ps_change_order_domain() + [("state", "=", "submitted")])
            )
        return values

    def _ps_change_order_domain(self):
        return request.env["ps.change.order"]._ps_get_portal_domain(request.env.user.partner_id)

    def _ps_change_order_check_access(self, change_order_id):
        """Return the change order (sudo) if the current portal user decides on it, else raise."""
        change_sudo = request.env["ps.change.order"].sudo().browse(change_order_id).exists()
        if not change_sudo:
            raise MissingError(_("This change order does not exist."))
        if not change_sudo.filtered_domain(self._ps_change_order_domain()):
            raise AccessError(_("This change order is not one of your engagements."))
        return change_sudo

    @http.route(["/my/change_orders", "/my/change_orders/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_change_orders(self, page=1, **kwargs):
        Change = request.env["ps.change.order"].sudo()
        domain = self._ps_change_order_domain()
        pager = portal_pager(url="/my/change_orders", total=Change.search_count(domain), page=page, step=PAGE_SIZE)
        changes = Change.search(domain, order="submitted_on desc, id desc", limit=PAGE_SIZE, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "change_orders": changes,
                "page_name": "ps_change_orders",
                "pager": pager,
                "default_url": "/my/change_orders",
            }
        )
        return request.render("ps_change_orders.portal_my_change_orders", values)

    @http.route(["/my/change_orders/<int:change_order_id>"], type="http", auth="user", website=True)
    def portal_my_change_order(self, change_order_id, message=None, **kwargs):
        try:
            change_sudo = self._ps_change_order_check_access(change_order_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "change_order": change_sudo,
                "evidence": change_sudo._ps_get_evidence(),
                "page_name": "ps_change_order",
                "message": message,
                "signatory_name": request.env.user.partner_id.name,
            }
        )
        return request.render("ps_change_orders.portal_my_change_order", values)

    @http.route(["/my/change_orders/<int:change_order_id>/evidence/<int:attachment_id>"], type="http", auth="user")
    def portal_my_change_order_evidence(self, change_order_id, attachment_id, **kwargs):
        try:
            change_sudo = self._ps_change_order_check_access(change_order_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        attachment = change_sudo._ps_get_evidence().filtered(lambda a: a.id == attachment_id)
        if not attachment:
            return request.redirect("/my")
        return request.env["ir.binary"]._get_stream_from(attachment).get_response(as_attachment=True)

    @http.route(
        ["/my/change_orders/<int:change_order_id>/approve"], type="http", auth="user", methods=["POST"], website=True
    )
    def portal_my_change_order_approve(self, change_order_id, signatory_name=None, **kwargs):
        return self._ps_decide_change_order(
            change_order_id, lambda change, partner, ip: change._ps_portal_approve(partner, signatory_name, ip=ip)
        )

    @http.route(
        ["/my/change_orders/<int:change_order_id>/reject"], type="http", auth="user", methods=["POST"], website=True
    )
    def portal_my_change_order_reject(self, change_order_id, reason=None, **kwargs):
        return self._ps_decide_change_order(
            change_order_id, lambda change, partner, ip: change._ps_portal_reject(partner, reason, ip=ip)
        )

    def _ps_decide_change_order(self, change_order_id, decide):
        try:
            change_sudo = self._ps_change_order_check_access(change_order_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            # As superuser, after the check above: the trace names the client's contact explicitly.
            decide(change_sudo, request.env.user.partner_id, request.httprequest.remote_addr)
        except (UserError, AccessError) as error:
            query = url_encode({"message": str(error.args[0] if error.args else error)})
            return request.redirect(f"/my/change_orders/{change_order_id}?{query}")
        return request.redirect(f"/my/change_orders/{change_order_id}")
