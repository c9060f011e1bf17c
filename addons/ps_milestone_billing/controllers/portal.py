# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.urls import url_encode

from odoo import _, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

PAGE_SIZE = 20


class MilestoneAcceptancePortal(CustomerPortal):
    """The client's contacts accept or reject the reached milestones of their engagements."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "ps_milestone_count" in counters:
            # The domain restricts to the user's own client; sudo because it goes
            # through sales lines that a client contact may not read.
            values["ps_milestone_count"] = (
                request.env["project.milestone"].sudo().search_count(self._ps_milestone_domain(awaiting_only=True))
            )
        return values

    def _ps_milestone_domain(self, awaiting_only=False):
        partner = request.env.user.partner_id
        domain = request.env["project.milestone"]._ps_get_portal_domain(partner)
        if awaiting_only:
            domain += [("ps_acceptance_state", "=", "awaiting")]
        return domain

    def _ps_milestone_check_access(self, milestone_id):
        """Return the milestone (sudo) if the current portal user decides on it, else raise."""
        milestone_sudo = self._document_check_access("project.milestone", milestone_id)
        if not milestone_sudo.filtered_domain(self._ps_milestone_domain()):
            raise AccessError(_("This milestone is not one of your engagements."))
        return milestone_sudo

    @http.route(
        ["/my/milestones", "/my/milestones/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_milestones(self, page=1, **kwargs):
        Milestone = request.env["project.milestone"].sudo()
        domain = self._ps_milestone_domain()
        pager = portal_pager(
            url="/my/milestones",
            total=Milestone.search_count(domain),
            page=page,
            step=PAGE_SIZE,
        )
        milestones = Milestone.search(
            domain,
            order="ps_awaiting_since desc nulls last, id desc",
            limit=PAGE_SIZE,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "milestones": milestones,
                "page_name": "ps_milestones",
                "pager": pager,
                "default_url": "/my/milestones",
            }
        )
        return request.render("ps_milestone_billing.portal_my_milestones", values)

    @http.route(["/my/milestones/<int:milestone_id>"], type="http", auth="user", website=True)
    def portal_my_milestone(self, milestone_id, message=None, **kwargs):
        try:
            milestone_sudo = self._ps_milestone_check_access(milestone_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "milestone": milestone_sudo,
                "evidence": milestone_sudo._ps_get_evidence(),
                "page_name": "ps_milestone",
                "message": message,
                "signatory_name": request.env.user.partner_id.name,
            }
        )
        return request.render("ps_milestone_billing.portal_my_milestone", values)

    @http.route(
        ["/my/milestones/<int:milestone_id>/evidence/<int:attachment_id>"],
        type="http",
        auth="user",
    )
    def portal_my_milestone_evidence(self, milestone_id, attachment_id, **kwargs):
        try:
            milestone_sudo = self._ps_milestone_check_access(milestone_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        attachment = milestone_sudo._ps_get_evidence().filtered(lambda a: a.id == attachment_id)
        if not attachment:
            return request.redirect("/my")
        return request.env["ir.binary"]._get_stream_from(attachment).get_response(as_attachment=True)

    @http.route(
        ["/my/milestones/<int:milestone_id>/accept"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_milestone_accept(self, milestone_id, signatory_name=None, comment=None, **kwargs):
        return self._ps_decide(
            milestone_id,
            lambda milestone, partner, ip: milestone._ps_portal_accept(partner, signatory_name, comment, ip=ip),
        )

    @http.route(
        ["/my/milestones/<int:milestone_id>/reject"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_milestone_reject(self, milestone_id, reason=None, **kwargs):
        return self._ps_decide(
            milestone_id,
            lambda milestone, partner, ip: milestone._ps_portal_reject(partner, reason, ip=ip),
        )

    def _ps_decide(self, milestone_id, decide):
        try:
            milestone_sudo = self._ps_milestone_check_access(milestone_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            # As superuser: the decision recomputes sales figures whose fields a portal
            # user cannot even evaluate; the trace names the client's contact explicitly.
            decide(milestone_sudo, request.env.user.partner_id, request.httprequest.remote_addr)
        except (UserError, AccessError) as error:
            query = url_encode({"message": str(error.args[0] if error.args else error)})
            return request.redirect(f"/my/milestones/{milestone_id}?{query}")
        return request.redirect(f"/my/milestones/{milestone_id}")
