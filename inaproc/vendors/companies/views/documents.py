"""A company's document (or a file proposed with a change request), served to the
company's own users and its portal's staff only (`access_document`; everyone else gets the
same 404). Staff views are audited."""

from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from inaproc.core.http import audit_context
from inaproc.files.responses import stored_file_response
from inaproc.portals.decorators import portal_required
from inaproc.vendors.companies.access import access_document, registration_from_grant
from inaproc.vendors.companies.services.changes import proposed_document_view_record
from inaproc.vendors.companies.services.documents import document_view_record
from inaproc.vendors.models import ProposedDocument


@require_http_methods(["GET", "HEAD"])
@never_cache
@xframe_options_sameorigin
@portal_required
def document_view(request: HttpRequest, public_id) -> HttpResponseBase:
    """The file itself, inline (`?download=1`: as an attachment). Current and removed
    documents alike, to the same people: removed ones stay part of the history; proposed
    files while and after their change request is decided."""
    document, opened_by_staff = access_document(
        portal=request.portal,
        user=request.user,
        public_id=public_id,
        granted=registration_from_grant(request),
    )
    download = request.GET.get("download") == "1"
    response = stored_file_response(request, document, download=download)
    if opened_by_staff and request.method != "HEAD":
        record = (
            proposed_document_view_record
            if isinstance(document, ProposedDocument)
            else document_view_record
        )
        record(
            actor=request.user, document=document, download=download, context=audit_context(request)
        )
    return response
