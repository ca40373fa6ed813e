"""Who may review a registration or a change request: this portal's verifiers. Missing
and forbidden look the same (404)."""

from django.http import Http404

from inaproc.accounts.models import Role
from inaproc.portals.models import Portal
from inaproc.vendors.models import ChangeRequest, Registration

REVIEW_ROLES = (Role.VERIFIER,)


def access_registration_for_review(*, portal: Portal, user, registration_id: int) -> Registration:
    """A registration of the portal, for a verifier of that portal."""
    if not (user.is_authenticated and user.portal_id == portal.pk and user.has_role(*REVIEW_ROLES)):
        raise Http404
    registration = (
        Registration.objects.select_related("company", "applicant", "decided_by")
        .filter(pk=registration_id, portal=portal)
        .first()
    )
    if registration is None:
        raise Http404
    return registration


def access_change_request_for_review(*, portal: Portal, user, change_id: int) -> ChangeRequest:
    """A change request of the portal, for a verifier of that portal."""
    if not (user.is_authenticated and user.portal_id == portal.pk and user.has_role(*REVIEW_ROLES)):
        raise Http404
    change_request = (
        ChangeRequest.objects.select_related("company", "requested_by", "decided_by")
        .filter(pk=change_id, portal=portal)
        .first()
    )
    if change_request is None:
        raise Http404
    return change_request
