"""Who may reach a company's pages and documents: its users by role, the applicant
before activation (a short grant in the session), and the portal's staff. Missing and
forbidden look the same (404)."""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from inaproc.accounts.decorators import portal_role_required
from inaproc.accounts.models import Role, User
from inaproc.portals.http import PortalRequest
from inaproc.portals.models import Portal
from inaproc.vendors.companies.selectors.company import company_membership
from inaproc.vendors.companies.selectors.members import invitation_get, member_get
from inaproc.vendors.models import (
    Company,
    CompanyInvitation,
    CompanyMember,
    CompanyRole,
    Document,
    ProposedDocument,
    Registration,
    RegistrationStatus,
)

# Staff who review registrations and may open any document of their portal. Procurement
# officials are not among them: they see what vendors put in their bids.
DOCUMENT_STAFF_ROLES = frozenset({Role.VERIFIER, Role.HELPDESK, Role.PORTAL_ADMIN})


def _opened_by(*, portal: Portal, user, company_id: int) -> str:
    """ "staff" (this portal's staff), "member" (a signed-in user of the company) or ""."""
    if not (user.is_authenticated and user.portal_id == portal.pk):
        return ""
    if user.has_role(*DOCUMENT_STAFF_ROLES):
        return "staff"
    membership = getattr(user, "company_membership", None)
    if user.has_role(Role.VENDOR) and membership and membership.company_id == company_id:
        return "member"
    return ""


def access_document(
    *, portal: Portal, user, public_id, granted: Registration | None = None
) -> tuple[Document | ProposedDocument, bool]:
    """A document of the portal, for the company's own users (signed in, or the applicant
    holding a registration grant: `granted`) and that portal's staff; or a file proposed
    with a change request, for the company's signed-in users and that portal's staff.
    Returns the document and whether staff opened it (staff views are audited)."""
    document = (
        Document.objects.select_related("company")
        .filter(public_id=public_id, company__portal=portal)
        .first()
    )
    if document is None:
        return _access_proposed_document(portal=portal, user=user, public_id=public_id)
    opened_by = _opened_by(portal=portal, user=user, company_id=document.company_id)
    if opened_by:
        return document, opened_by == "staff"
    if granted is not None and granted.company_id == document.company_id:
        return document, False
    raise Http404


def _access_proposed_document(*, portal: Portal, user, public_id) -> tuple[ProposedDocument, bool]:
    document = (
        ProposedDocument.objects.select_related("change_request__company")
        .filter(public_id=public_id, change_request__portal=portal)
        .first()
    )
    if document is None:
        raise Http404
    opened_by = _opened_by(portal=portal, user=user, company_id=document.change_request.company_id)
    if not opened_by:
        raise Http404
    return document, opened_by == "staff"


def company_member_of(
    *,
    portal: Portal,
    user: User | AnonymousUser,
    read: Callable[[], CompanyMember | None] | None = None,
) -> CompanyMember | None:
    """The signed-in vendor's membership of an approved company of this portal, not
    suspended. `read`: what reads the user's membership (`company_membership`, e.g.
    once for all the dashboard's panels)."""
    if not user.is_authenticated or not user.has_role(Role.VENDOR):
        return None
    member = read() if read is not None else company_membership(user=user)
    if member is None or member.suspended_at is not None:
        return None
    registration = getattr(member.company, "registration", None)
    if member.company.portal_id != portal.pk or registration is None:
        return None
    return member if registration.status == RegistrationStatus.APPROVED else None


def _administered_company(*, portal: Portal, user) -> Company:
    member = company_member_of(portal=portal, user=user)
    if member is None or member.role != CompanyRole.ADMIN:
        raise Http404
    return member.company


def access_company_member(*, portal: Portal, user, member_id: int) -> CompanyMember:
    """A user of the company that `user` administers."""
    company = _administered_company(portal=portal, user=user)
    member = member_get(portal=portal, company=company, member_id=member_id)
    if member is None:
        raise Http404
    return member


def access_company_invitation(*, portal: Portal, user, invitation_id: int) -> CompanyInvitation:
    """An invitation of the company that `user` administers."""
    company = _administered_company(portal=portal, user=user)
    invitation = invitation_get(portal=portal, company=company, invitation_id=invitation_id)
    if invitation is None:
        raise Http404
    return invitation


class CompanyRequest(PortalRequest):
    """A request to a company page: `company_role_required` has set `company_member`."""

    user: User
    company_member: CompanyMember


def company_role_required(*roles: str) -> Callable[[Callable[..., HttpResponseBase]], Callable]:
    """The view needs a signed-in vendor of this portal who is an active member of an
    approved company with one of `roles` (all company roles when none are given). Sets
    `request.company_member`. Not a member: 404; a member without the role: 403."""
    allowed = roles or tuple(CompanyRole.values)

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @portal_role_required(Role.VENDOR)
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            member = company_member_of(portal=request.portal, user=request.user)
            if member is None:
                raise Http404
            if member.role not in allowed:
                raise PermissionDenied
            request.company_member = member
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# A not-yet-active applicant who proved the password (or just registered) may see the
# registration's status and correct it for this long, in this browser only.
REGISTRATION_SESSION_KEY = "inaproc_registration"


REGISTRATION_GRANT_MINUTES = 30


def registration_grant(
    request: HttpRequest, registration: Registration, *, typed_email: str = ""
) -> None:
    """Let this browser see and correct `registration` for a while. A new session key, so
    a key planted before cannot ride along. `typed_email`: the address this browser typed
    (registering, or correcting it), which its pages may show in full."""
    request.session.cycle_key()
    until = timezone.now() + timedelta(minutes=REGISTRATION_GRANT_MINUTES)
    request.session[REGISTRATION_SESSION_KEY] = {
        "id": registration.pk,
        "portal": registration.portal_id,
        "until": until.isoformat(),
        "email": typed_email,
    }


def registration_grant_typed_email(request: HttpRequest, email: str) -> None:
    """Remember that this browser typed `email` (a corrected address) for its grant."""
    grant = request.session.get(REGISTRATION_SESSION_KEY)
    if isinstance(grant, dict):
        request.session[REGISTRATION_SESSION_KEY] = {**grant, "email": email}


def registration_email_shown(request: HttpRequest, registration: Registration) -> str | None:
    """The registration's address in full when this browser typed it itself (its own
    input, in its own session), else None: every other page and browser sees it masked."""
    grant = request.session.get(REGISTRATION_SESSION_KEY)
    if not isinstance(grant, dict) or grant.get("id") != registration.pk:
        return None
    typed = grant.get("email")
    if isinstance(typed, str) and typed.casefold() == registration.applicant.email.casefold():
        return registration.applicant.email
    return None


def registration_grant_end(request: HttpRequest) -> None:
    request.session.pop(REGISTRATION_SESSION_KEY, None)


def registration_from_grant(request: HttpRequest) -> Registration | None:
    """The registration this browser was granted, if the grant holds on this portal and
    the registration is not approved (an approved vendor signs in normally)."""
    grant = request.session.get(REGISTRATION_SESSION_KEY)
    if not isinstance(grant, dict) or grant.get("portal") != getattr(request.portal, "pk", None):
        return None
    until = parse_datetime(str(grant.get("until", "")))
    if until is None or until <= timezone.now():
        registration_grant_end(request)
        return None
    registration = (
        Registration.objects.select_related("company", "applicant", "portal")
        .filter(pk=grant.get("id"), portal=request.portal)
        .exclude(status=RegistrationStatus.APPROVED)
        .first()
    )
    if registration is None:
        registration_grant_end(request)
    return registration
