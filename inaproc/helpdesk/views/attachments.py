"""A ticket's file, served like a company's document (same checks on the way in, same
safe headers on the way out) to the portal's helpdesk staff (audited), the signed-in
requester and the browser holding the ticket's private link; everyone else gets the same
404."""

from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from inaproc.core.http import audit_context
from inaproc.files.responses import stored_file_response
from inaproc.helpdesk.access import access_attachment, ticket_from_link
from inaproc.helpdesk.services.tickets import attachment_view_record
from inaproc.portals.decorators import portal_required


@require_http_methods(["GET", "HEAD"])
@never_cache
@xframe_options_sameorigin
@portal_required
def attachment_view(request: HttpRequest, public_id) -> HttpResponseBase:
    """The file inline (`?download=1`: as an attachment)."""
    attachment, opened_by_staff = access_attachment(
        portal=request.portal,
        user=request.user,
        public_id=public_id,
        linked_ticket=ticket_from_link(request),
    )
    response = stored_file_response(
        request, attachment, download=request.GET.get("download") == "1"
    )
    if opened_by_staff and request.method != "HEAD":
        attachment_view_record(
            actor=request.user, attachment=attachment, context=audit_context(request)
        )
    return response
