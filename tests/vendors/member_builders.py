"""Company users (delegated staff accounts) made through the real services."""

import itertools

from inaproc.notifications.models import Email
from inaproc.vendors.companies.services.invitations import invitation_accept, invitation_create
from inaproc.vendors.models import Company, CompanyInvitation, CompanyMember, CompanyRole
from tests.factories import DEFAULT_PASSWORD
from tests.vendors.builders import register_approved

INVITATION_TEMPLATE = "vendors/email/invitation"
LINK_MARKER = "/perusahaan/undangan/"
_counter = itertools.count(1)


def approved_company(portal):
    """An approved company and its administrator (the registration's applicant)."""
    registration = register_approved(portal)
    admin = registration.applicant
    admin.refresh_from_db()
    return registration.company, admin


def token_of(email_body: str) -> str:
    """The token of the invitation link in an email body."""
    start = email_body.index(LINK_MARKER) + len(LINK_MARKER)
    return email_body[start:].split("/", 1)[0]


def invite(
    company: Company,
    admin,
    *,
    email: str | None = None,
    role: str = CompanyRole.VIEWER,
    full_name: str = "Siti Rahma",
) -> tuple[CompanyInvitation, str]:
    """An invitation sent by `admin`, and the token its email carries."""
    email = email or f"staf{next(_counter)}@example.id"
    invitation = invitation_create(
        company=company, actor=admin, email=email, full_name=full_name, role=role
    )
    body = Email.objects.filter(template=INVITATION_TEMPLATE, to=invitation.email).latest("pk")
    return invitation, token_of(body.body)


def add_member(
    company: Company,
    admin,
    *,
    role: str = CompanyRole.VIEWER,
    username: str | None = None,
    password: str = DEFAULT_PASSWORD,
    full_name: str = "Siti Rahma",
) -> CompanyMember:
    """A user of the company: invited by `admin`, who accepted with `username`."""
    _invitation, token = invite(company, admin, role=role, full_name=full_name)
    username = username or f"staf-{next(_counter)}"
    state, _invitation, user = invitation_accept(
        portal=company.portal, token=token, username=username, password=password
    )
    assert user is not None, state
    return user.company_membership
