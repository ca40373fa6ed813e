"""Who may review a registration or a change request: this portal's verifiers. Missing
and forbidden look the same (404)."""

from django.http import Http404, HttpRequest

from inaproc.accounts.models import Role
from inaproc.vendors.models import ChangeRequest, Registration

REVIEW_ROLES = (Role.VERIFIER,)


def access_registration_for_review(request: HttpRequest, registration_id: int) -> Registration:
    """A registration of the request's portal, for a verifier of that portal."""
    user = request.user
    if not (user.is_authenticated and user.has_role(*REVIEW_ROLES)):
        raise Http404
    registration = (
        Registration.objects.select_related("company", "applicant", "decided_by")
        .filter(pk=registration_id, portal=request.portal)
        .first()
    )
    if registration is None:
        raise Http404
    return registration


def access_change_request_for_review(request: HttpRequest, change_id: int) -> ChangeRequest:
    """A change request of the request's portal, for a verifier of that portal."""
    user = request.user
    if not (user.is_authenticated and user.has_role(*REVIEW_ROLES)):
        raise Http404
    change_request = (
        ChangeRequest.objects.select_related("company", "requested_by", "decided_by")
        .filter(pk=change_id, portal=request.portal)
        .first()
    )
    if change_request is None:
        raise Http404
    return change_request
