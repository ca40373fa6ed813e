"""An administrator's unanswered requests end with their rights: an invitation they sent
cannot bring them (or anyone) in after they are removed, suspended or demoted, and a
company email change they asked for can no longer be confirmed."""

import pytest
from django.test import Client

from inaproc.notifications.models import Email
from inaproc.vendors.companies.services.contacts import (
    EmailChangeState,
    company_email_change_confirm,
    company_email_change_request,
)
from inaproc.vendors.companies.services.invitations import InvitationState, invitation_accept
from inaproc.vendors.companies.services.members import (
    member_remove,
    member_role_change,
    member_suspend,
)
from inaproc.vendors.companies.views.members import INVITATION_TOKEN_SESSION_KEY
from inaproc.vendors.models import CompanyInvitation, CompanyMember, CompanyRole, EmailChange
from tests.cookies import portal_session
from tests.factories import DEFAULT_PASSWORD
from tests.vendors.member_builders import add_member, approved_company, invite
from tests.vendors.test_contacts_views import link_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def company_with_two_admins(portal_a):
    company, founder = approved_company(portal_a)
    rogue = add_member(company, founder, role=CompanyRole.ADMIN).user
    return company, founder, rogue


def _take_rights(action: str, company, founder, rogue) -> None:
    member_id = rogue.company_membership.pk
    if action == "remove":
        member_remove(company=company, member_id=member_id, actor=founder)
    elif action == "suspend":
        member_suspend(company=company, member_id=member_id, actor=founder)
    else:
        member_role_change(
            company=company, member_id=member_id, role=CompanyRole.VIEWER, actor=founder
        )


@pytest.mark.parametrize("action", ["remove", "suspend", "demote"])
def test_invitations_of_an_administrator_end_with_their_rights(company_with_two_admins, action):
    company, founder, rogue = company_with_two_admins
    invitation, token = invite(company, rogue, email="rogue.again@example.id", role="admin")

    _take_rights(action, company, founder, rogue)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    state, _invitation, user = invitation_accept(
        portal=company.portal, token=token, username="rogue-again", password=DEFAULT_PASSWORD
    )
    assert (state, user) == (InvitationState.REVOKED, None)
    assert not CompanyMember.objects.filter(user__username="rogue-again").exists()


def test_invitations_of_other_administrators_stay_valid(company_with_two_admins):
    company, founder, rogue = company_with_two_admins
    invitation, _token = invite(company, founder, email="colleague@example.id")

    _take_rights("remove", company, founder, rogue)

    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_an_invitation_whose_inviter_lost_the_rights_another_way_is_refused(
    company_with_two_admins,
):
    """Defence in depth: even if the invitation was not withdrawn (e.g. it predates the
    rule), accepting checks that its sender is still an active administrator."""
    company, founder, rogue = company_with_two_admins
    invitation, token = invite(company, rogue, email="late@example.id", role="admin")
    CompanyMember.objects.filter(user=rogue).update(role=CompanyRole.VIEWER)

    state, _invitation, user = invitation_accept(
        portal=company.portal, token=token, username="late", password=DEFAULT_PASSWORD
    )

    assert (state, user) == (InvitationState.REVOKED, None)
    assert CompanyInvitation.objects.get(pk=invitation.pk).revoked_at is not None


@pytest.mark.parametrize("action", ["remove", "suspend", "demote"])
def test_an_email_change_asked_for_by_an_administrator_ends_with_their_rights(
    company_with_two_admins, action, mailoutbox
):
    company, founder, rogue = company_with_two_admins
    company_email_change_request(
        company_id=company.pk, portal=company.portal, user=rogue, new_email="rogue@evil.example"
    )
    change = EmailChange.objects.get(new_email="rogue@evil.example")

    _take_rights(action, company, founder, rogue)

    change.refresh_from_db()
    assert change.cancelled_at is not None
    company.refresh_from_db()
    assert company.email != "rogue@evil.example"


def test_the_invitation_link_gives_an_anonymous_browser_a_new_session_key(
    company_with_two_admins,
):
    company, founder, _rogue = company_with_two_admins
    _invitation, token = invite(company, founder)
    client = Client()
    client.get("/lpse-a/")
    planted = portal_session(client, "lpse-a").session_key

    client.get(f"/lpse-a/perusahaan/undangan/{token}/")

    assert client.session.session_key != planted
    assert client.session[INVITATION_TOKEN_SESSION_KEY] == token


def test_a_confirm_by_a_link_of_a_demoted_requester_changes_nothing(company_with_two_admins):
    """Checked again at confirmation time, not only when the rights are taken."""
    company, _founder, rogue = company_with_two_admins
    company_email_change_request(
        company_id=company.pk, portal=company.portal, user=rogue, new_email="rogue@evil.example"
    )
    CompanyMember.objects.filter(user=rogue).update(role=CompanyRole.VIEWER)
    email = Email.objects.filter(to="rogue@evil.example").latest("pk")
    token = link_path(email).rstrip("/").rsplit("/", 1)[1]

    state, _change = company_email_change_confirm(portal=company.portal, token=token)

    assert state == EmailChangeState.CANCELLED
    company.refresh_from_db()
    assert company.email != "rogue@evil.example"
