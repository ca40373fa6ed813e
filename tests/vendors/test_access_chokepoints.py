"""Every object a vendors page reaches goes through one access function of the shape
access_<entity>(*, portal, user, <id>): the same 404 for a missing object and for one the
user may not reach (another portal, another company, the wrong role)."""

import uuid

import pytest
from django.http import Http404

from inaproc.accounts.models import Role
from inaproc.vendors.companies.access import (
    access_company_invitation,
    access_company_member,
    access_document,
)
from inaproc.vendors.companies.services.invitations import invitation_create
from inaproc.vendors.models import CompanyMember, CompanyRole
from inaproc.vendors.registrations.access import (
    access_change_request_for_review,
    access_registration_for_review,
)
from tests.factories import make_user
from tests.vendors.builders import company_data, npwp_make, register_approved, register_submitted

pytestmark = pytest.mark.django_db


def refused(access, **arguments) -> bool:
    try:
        access(**arguments)
    except Http404:
        return True
    return False


def test_a_registration_for_review_only_for_this_portals_verifier(portal_a, portal_b):
    registration = register_submitted(portal_a)
    verifier_a = make_user(portal_a, role=Role.VERIFIER)
    verifier_b = make_user(portal_b, role=Role.VERIFIER)
    helpdesk_a = make_user(portal_a, role=Role.HELPDESK)

    found = access_registration_for_review(
        portal=portal_a, user=verifier_a, registration_id=registration.pk
    )

    assert found == registration
    for user in (verifier_b, helpdesk_a):
        assert refused(
            access_registration_for_review,
            portal=portal_a,
            user=user,
            registration_id=registration.pk,
        )
    assert refused(
        access_registration_for_review, portal=portal_a, user=verifier_a, registration_id=0
    )
    assert refused(access_change_request_for_review, portal=portal_a, user=verifier_a, change_id=0)


def test_a_document_for_its_company_and_the_portals_staff_only(portal_a):
    registration = register_approved(portal_a)
    document = registration.company.documents.first()
    owner = registration.applicant
    other = register_approved(
        portal_a, company=company_data(npwp=npwp_make()), username="lain"
    ).applicant
    verifier = make_user(portal_a, role=Role.VERIFIER)

    arguments = {"portal": portal_a, "public_id": document.public_id}
    assert access_document(user=owner, **arguments) == (document, False)
    assert access_document(user=verifier, **arguments) == (document, True)
    assert refused(access_document, user=other, **arguments)
    assert refused(access_document, portal=portal_a, user=owner, public_id=uuid.uuid4())
    assert access_document(user=other, granted=registration, **arguments) == (document, False)


def test_company_members_and_invitations_for_the_companys_administrator_only(portal_a):
    registration = register_approved(portal_a)
    company, admin = registration.company, registration.applicant
    viewer = make_user(portal_a, username="pemirsa")
    CompanyMember.objects.create(company=company, user=viewer, role=CompanyRole.VIEWER)
    invitation = invitation_create(
        company=company,
        actor=admin,
        email="baru@example.id",
        full_name="Baru",
        role=CompanyRole.VIEWER,
    )
    member = CompanyMember.objects.get(user=viewer)

    assert access_company_member(portal=portal_a, user=admin, member_id=member.pk) == member
    assert (
        access_company_invitation(portal=portal_a, user=admin, invitation_id=invitation.pk)
        == invitation
    )
    assert refused(access_company_member, portal=portal_a, user=viewer, member_id=member.pk)
    assert refused(
        access_company_invitation, portal=portal_a, user=viewer, invitation_id=invitation.pk
    )
    assert refused(access_company_member, portal=portal_a, user=admin, member_id=0)
