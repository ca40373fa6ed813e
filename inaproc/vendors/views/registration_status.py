"""What a registering vendor sees before the account is active: the registration's status
(after a correct password at login, or right after registering) and the way to correct
and resubmit it when the verifiers ask for changes."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from inaproc.accounts.models import Role, User
from inaproc.portals.urls_helpers import portal_url
from inaproc.vendors.access import registration_grant
from inaproc.vendors.models import Registration, RegistrationStatus


def inactive_login_response(request: HttpRequest, user: User) -> HttpResponse | None:
    """A vendor whose registration is not approved proved the password: show the
    registration's status page (and nothing else) instead of the one login message."""
    if user.role != Role.VENDOR:
        return None
    registration = (
        Registration.objects.filter(applicant=user, portal=request.portal)
        .exclude(status=RegistrationStatus.APPROVED)
        .first()
    )
    if registration is None:
        return None
    registration_grant(request, registration)
    return HttpResponseRedirect(portal_url(request.portal, "vendors:status"))


def status_view(request, *args, **kwargs):  # placeholder
    from django.http import Http404

    raise Http404


resubmit_view = status_view
