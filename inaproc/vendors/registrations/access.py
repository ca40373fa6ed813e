"""Who may review a registration or a change request: this portal's verifiers. Missing
and forbidden look the same (404)."""

from typing import TypeVar

from django.db.models import QuerySet
from django.http import Http404

from inaproc.accounts.models import Role
from inaproc.portals.models import Portal
from inaproc.vendors.models import ChangeRequest, Registration

REVIEW_ROLES = (Role.VERIFIER,)
Reviewed = TypeVar("Reviewed", Registration, ChangeRequest)


def _for_verifier(queryset: QuerySet[Reviewed], *, portal: Portal, user, pk: int) -> Reviewed:
    """The object `pk` of `queryset` on `portal`, if `user` is a verifier of that portal."""
    if not (user.is_authenticated and user.portal_id == portal.pk and user.has_role(*REVIEW_ROLES)):
        raise Http404
    found = queryset.filter(pk=pk, portal=portal).first()
    if found is None:
        raise Http404
    return found


def access_registration_for_review(*, portal: Portal, user, registration_id: int) -> Registration:
    """A registration of the portal, for a verifier of that portal."""
    queryset = Registration.objects.select_related("company", "applicant", "decided_by")
    return _for_verifier(queryset, portal=portal, user=user, pk=registration_id)


def access_change_request_for_review(*, portal: Portal, user, change_id: int) -> ChangeRequest:
    """A change request of the portal, for a verifier of that portal."""
    queryset = ChangeRequest.objects.select_related("company", "requested_by", "decided_by")
    return _for_verifier(queryset, portal=portal, user=user, pk=change_id)
