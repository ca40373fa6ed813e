"""The services of a company's own users: inviting, accepting, changing roles, suspending,
reactivating and removing, with the rule that a company keeps an active administrator."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from inaproc.accounts.models import SessionEndReason, User, UserSession
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.vendors.companies.services.invitations import (
    InvitationState,
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitation_state,
)
from inaproc.vendors.companies.services.members import (
    MemberActionRefused,
    member_reactivate,
    member_remove,
    member_role_change,
    member_suspend,
)
from inaproc.vendors.models import CompanyInvitation, CompanyMember, CompanyRole
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import session_of, signed_in
from tests.vendors.member_builders import add_member, approved_company, invite, token_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEW_PASSWORD = "kopi-tubruk-pagi-hari-77"


@pytest.fixture
def company(portal_a):
    return approved_company(portal_a)


# --- Inviting ---------------------------------------------------------------------------


def test_an_invitation_is_stored_hashed_audited_and_emailed_with_a_7_day_link(company):
    company, admin = company

    invitation, token = invite(
        company, admin, email="Budi@Example.ID", role=CompanyRole.BID_PREPARER, full_name="Budi"
    )

    assert invitation.email == "Budi@example.id"
    assert invitation.role == CompanyRole.BID_PREPARER
    assert invitation.invited_by == admin
    assert token not in invitation.token_hash
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)
    email = Email.objects.get(template="vendors/email/invitation")
    assert email.to == "Budi@example.id"
    assert f"/lpse-a/perusahaan/undangan/{token}/" in email.body
    assert company.name in email.subject
    assert "Your role: Bid preparer" in email.body
    event = AuditEvent.objects.get(verb="company.member_invited")
    assert (event.actor, event.target_id) == (admin, str(invitation.pk))
    assert event.payload == {"company_id": company.pk, "role": CompanyRole.BID_PREPARER}


def test_an_address_of_a_user_of_the_company_is_refused(company):
    company, admin = company

    with pytest.raises(ValidationError) as error:
        invitation_create(
            company=company,
            actor=admin,
            email=admin.email.upper(),
            full_name="X",
            role=CompanyRole.VIEWER,
        )

    assert "email" in error.value.message_dict
    assert not CompanyInvitation.objects.exists()
    assert not Email.objects.filter(template="vendors/email/invitation").exists()


def test_an_address_with_a_pending_invitation_is_refused(company):
    company, admin = company
    invite(company, admin, email="dewi@example.id")

    with pytest.raises(ValidationError) as error:
        invite(company, admin, email="DEWI@example.id")

    assert "already has an invitation waiting" in error.value.message_dict["email"][0]
    assert CompanyInvitation.objects.count() == 1


def test_inviting_an_address_whose_invitation_expired_replaces_the_old_one(company):
    company, admin = company
    old, old_token = invite(company, admin, email="dewi@example.id")

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        new, _token = invite(company, admin, email="dewi@example.id")
        assert invitation_state(portal=company.portal, token=old_token)[0] == "revoked"

    old.refresh_from_db()
    assert old.revoked_at is not None
    assert new.revoked_at is None


def test_the_same_address_may_be_invited_by_another_company(company, portal_a):
    company, admin = company
    other, other_admin = approved_company(portal_a)
    invite(company, admin, email="dewi@example.id")

    invitation, _token = invite(other, other_admin, email="dewi@example.id")

    assert invitation.company == other


def test_an_unknown_role_is_refused(company):
    company, admin = company

    with pytest.raises(ValidationError):
        invitation_create(
            company=company, actor=admin, email="a@example.id", full_name="A", role="x"
        )

    assert not CompanyInvitation.objects.exists()


def test_only_an_active_administrator_may_invite(company):
    company, admin = company
    viewer = add_member(company, admin, role=CompanyRole.VIEWER).user

    with pytest.raises(MemberActionRefused):
        invite(company, viewer)

    assert CompanyInvitation.objects.filter(invited_by=viewer).count() == 0


def test_a_company_may_send_10_invitations_a_day(company, settings):
    company, admin = company
    for n in range(10):
        invite(company, admin, email=f"orang{n}@example.id")

    with pytest.raises(MemberActionRefused) as refused:
        invite(company, admin, email="satu-lagi@example.id")

    assert "10 invitations in the last 24 hours" in refused.value.message
    assert 0 < refused.value.extra["retry_after"] <= 24 * 3600 + 1
    assert CompanyInvitation.objects.count() == 10
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        invite(company, admin, email="satu-lagi@example.id")


def test_resending_replaces_the_link_and_counts_towards_the_limit(company):
    company, admin = company
    old, old_token = invite(company, admin, email="dewi@example.id", role=CompanyRole.ADMIN)

    new = invitation_resend(company=company, invitation_id=old.pk, actor=admin)

    old.refresh_from_db()
    assert old.revoked_at is not None
    assert (new.email, new.role, new.full_name) == (old.email, old.role, old.full_name)
    assert invitation_state(portal=company.portal, token=old_token)[0] == "revoked"
    new_token = token_of(Email.objects.filter(to="dewi@example.id").latest("pk").body)
    assert invitation_state(portal=company.portal, token=new_token) == ("valid", new)
    assert AuditEvent.objects.filter(verb="company.invitation_resent").count() == 1


def test_a_revoked_invitation_cannot_be_resent_or_revoked_again(company):
    company, admin = company
    invitation, token = invite(company, admin)

    assert invitation_revoke(company=company, invitation_id=invitation.pk, actor=admin) is True
    assert invitation_revoke(company=company, invitation_id=invitation.pk, actor=admin) is False
    with pytest.raises(MemberActionRefused):
        invitation_resend(company=company, invitation_id=invitation.pk, actor=admin)

    assert invitation_state(portal=company.portal, token=token)[0] == "revoked"
    assert AuditEvent.objects.filter(verb="company.invitation_revoked").count() == 1


def test_an_invitation_of_another_company_cannot_be_revoked(company, portal_a):
    company, admin = company
    other, other_admin = approved_company(portal_a)
    theirs, _token = invite(other, other_admin)

    assert invitation_revoke(company=company, invitation_id=theirs.pk, actor=admin) is False

    theirs.refresh_from_db()
    assert theirs.revoked_at is None


# --- Accepting --------------------------------------------------------------------------


def test_accepting_creates_an_active_vendor_account_of_the_company(company):
    company, admin = company
    invitation, token = invite(
        company, admin, email="rina@example.id", role=CompanyRole.BID_PREPARER, full_name="Rina"
    )

    state, accepted, user = invitation_accept(
        portal=company.portal, token=token, username="Rina.Staf", password=NEW_PASSWORD
    )

    assert state == InvitationState.CREATED
    assert (user.portal, user.role, user.is_active) == (company.portal, "vendor", True)
    assert (user.username, user.email, user.full_name) == ("Rina.Staf", "rina@example.id", "Rina")
    assert user.check_password(NEW_PASSWORD)
    member = user.company_membership
    assert (member.company, member.role, member.invited_by) == (
        company,
        CompanyRole.BID_PREPARER,
        admin,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_user == user
    assert invitation.accepted_at is not None
    event = AuditEvent.objects.get(verb="company.invitation_accepted")
    assert (event.actor, event.target_id) == (user, str(invitation.pk))
    inviter_email = Email.objects.get(template="vendors/email/invitation_accepted")
    assert inviter_email.to == admin.email
    assert "Rina.Staf" in inviter_email.body


def test_an_invitation_works_once(company):
    company, admin = company
    _invitation, token = invite(company, admin)
    invitation_accept(portal=company.portal, token=token, username="satu", password=NEW_PASSWORD)

    state, _inv, user = invitation_accept(
        portal=company.portal, token=token, username="dua", password=NEW_PASSWORD
    )

    assert (state, user) == (InvitationState.ACCEPTED, None)
    assert not User.objects.filter(username="dua").exists()
    assert CompanyMember.objects.filter(company=company).count() == 2


def test_a_taken_username_is_refused_case_insensitively_and_nothing_is_created(company):
    company, admin = company
    make_user(company.portal, username="budi")
    invitation, token = invite(company, admin)

    with pytest.raises(ValidationError) as error:
        invitation_accept(
            portal=company.portal, token=token, username="BUDI", password=NEW_PASSWORD
        )

    assert list(error.value.message_dict) == ["username"]
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert CompanyMember.objects.filter(company=company).count() == 1
    assert not Email.objects.filter(template="vendors/email/invitation_accepted").exists()


def test_the_password_policy_applies_with_the_new_accounts_own_details(company):
    company, admin = company
    _invitation, token = invite(company, admin, email="kartika.wulandari@example.id")

    with pytest.raises(ValidationError) as error:
        invitation_accept(
            portal=company.portal,
            token=token,
            username="kartika",
            password="kartika.wulandari@example.id",
        )

    assert "password" in error.value.message_dict
    assert not User.objects.filter(username="kartika").exists()


@pytest.mark.parametrize(
    ("change", "state"),
    [
        ({"revoked_at": timezone.now()}, InvitationState.REVOKED),
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, InvitationState.EXPIRED),
    ],
)
def test_expired_and_revoked_invitations_create_nothing(company, change, state):
    company, admin = company
    invitation, token = invite(company, admin)
    CompanyInvitation.objects.filter(pk=invitation.pk).update(**change)

    result = invitation_accept(
        portal=company.portal, token=token, username="telat", password=NEW_PASSWORD
    )

    assert result[0] == state
    assert result[2] is None
    assert not User.objects.filter(username="telat").exists()


@pytest.mark.parametrize("token", ["", "x", "a" * 101, "\x00"])
def test_unknown_tokens_are_invalid(company, token):
    company, _admin = company

    assert invitation_accept(
        portal=company.portal, token=token, username="u", password=NEW_PASSWORD
    ) == (InvitationState.INVALID, None, None)


def test_a_token_of_one_portal_is_invalid_on_another(company, portal_b):
    company, admin = company
    _invitation, token = invite(company, admin)

    assert invitation_state(portal=portal_b, token=token) == (InvitationState.INVALID, None)
    state, _inv, user = invitation_accept(
        portal=portal_b, token=token, username="u", password=NEW_PASSWORD
    )
    assert (state, user) == (InvitationState.INVALID, None)
    assert not User.objects.filter(portal=portal_b).exists()


# --- Roles and the last administrator ---------------------------------------------------


def test_a_role_change_is_saved_audited_and_emailed(company):
    company, admin = company
    member = add_member(company, admin, role=CompanyRole.VIEWER)

    changed = member_role_change(
        company=company, member_id=member.pk, role=CompanyRole.BID_PREPARER, actor=admin
    )

    member.refresh_from_db()
    assert changed is True
    assert member.role == CompanyRole.BID_PREPARER
    event = AuditEvent.objects.get(verb="company.member_role_changed")
    assert event.actor == admin
    assert event.target_id == str(member.user_id)
    assert event.payload["from"] == "viewer"
    assert event.payload["to"] == "bid_preparer"
    assert Email.objects.filter(
        template="vendors/email/member_role_changed", to=member.user.email
    ).exists()


def test_the_same_role_again_changes_nothing(company):
    company, admin = company
    member = add_member(company, admin, role=CompanyRole.VIEWER)

    assert not member_role_change(
        company=company, member_id=member.pk, role=CompanyRole.VIEWER, actor=admin
    )
    assert not AuditEvent.objects.filter(verb="company.member_role_changed").exists()


def test_the_last_administrator_cannot_demote_suspend_or_remove_themselves(company):
    company, admin = company
    me = admin.company_membership

    for call in (
        lambda: member_role_change(
            company=company, member_id=me.pk, role=CompanyRole.VIEWER, actor=admin
        ),
        lambda: member_remove(company=company, member_id=me.pk, actor=admin),
    ):
        with pytest.raises(MemberActionRefused) as refused:
            call()
        assert "at least one active administrator" in refused.value.message
    with pytest.raises(MemberActionRefused):
        member_suspend(company=company, member_id=me.pk, actor=admin)

    me.refresh_from_db()
    admin.refresh_from_db()
    assert (me.role, me.suspended_at, admin.is_active) == (CompanyRole.ADMIN, None, True)
    assert (
        not AuditEvent.objects.filter(verb__startswith="company.member_")
        .exclude(verb="company.member_invited")
        .exists()
    )


def test_a_suspended_administrator_does_not_count_as_the_remaining_one(company):
    company, admin = company
    other = add_member(company, admin, role=CompanyRole.ADMIN)
    member_suspend(company=company, member_id=other.pk, actor=admin)

    with pytest.raises(MemberActionRefused):
        member_role_change(
            company=company,
            member_id=admin.company_membership.pk,
            role=CompanyRole.VIEWER,
            actor=admin,
        )


def test_with_two_administrators_one_may_step_down_or_leave(company):
    company, admin = company
    other = add_member(company, admin, role=CompanyRole.ADMIN)

    member_role_change(
        company=company, member_id=admin.company_membership.pk, role=CompanyRole.VIEWER, actor=admin
    )

    with pytest.raises(MemberActionRefused):  # no longer an administrator
        member_remove(company=company, member_id=other.pk, actor=admin)
    member_remove(company=company, member_id=admin.company_membership.pk, actor=other.user)
    assert list(CompanyMember.objects.filter(company=company)) == [other]


def test_non_administrators_can_change_nothing(company):
    company, admin = company
    preparer = add_member(company, admin, role=CompanyRole.BID_PREPARER)
    viewer = add_member(company, admin, role=CompanyRole.VIEWER)

    with pytest.raises(MemberActionRefused):
        member_role_change(
            company=company, member_id=viewer.pk, role=CompanyRole.ADMIN, actor=preparer.user
        )
    with pytest.raises(MemberActionRefused):
        member_suspend(company=company, member_id=viewer.pk, actor=preparer.user)

    viewer.refresh_from_db()
    assert (viewer.role, viewer.suspended_at) == (CompanyRole.VIEWER, None)


def test_a_member_of_another_company_cannot_be_touched(company, portal_a):
    company, admin = company
    other, other_admin = approved_company(portal_a)
    theirs = add_member(other, other_admin)

    with pytest.raises(MemberActionRefused):
        member_suspend(company=company, member_id=theirs.pk, actor=admin)
    with pytest.raises(MemberActionRefused):
        member_remove(company=company, member_id=theirs.pk, actor=admin)

    theirs.refresh_from_db()
    assert theirs.suspended_at is None


# --- Suspending, reactivating, removing -------------------------------------------------


def test_suspending_ends_sessions_deactivates_audits_and_emails(company, client):
    company, admin = company
    member = add_member(company, admin, role=CompanyRole.BID_PREPARER)
    signed_in(member.user, client=client)
    session = session_of(client)

    assert member_suspend(company=company, member_id=member.pk, actor=admin) is True

    member.refresh_from_db()
    member.user.refresh_from_db()
    assert member.suspended_at is not None
    assert member.user.is_active is False
    session.refresh_from_db()
    assert (session.ended_at is not None, session.end_reason) == (
        True,
        SessionEndReason.COMPANY_ADMIN,
    )
    assert client.get("/lpse-a/dasbor/").status_code == 302
    assert AuditEvent.objects.get(verb="company.member_suspended").actor == admin
    assert Email.objects.filter(
        template="vendors/email/member_suspended", to=member.user.email
    ).exists()
    assert member_suspend(company=company, member_id=member.pk, actor=admin) is False


def test_an_administrator_cannot_suspend_themselves(company):
    company, admin = company
    add_member(company, admin, role=CompanyRole.ADMIN)

    with pytest.raises(MemberActionRefused) as refused:
        member_suspend(company=company, member_id=admin.company_membership.pk, actor=admin)

    assert "your own account" in refused.value.message


def test_reactivating_lets_the_user_sign_in_again(company):
    company, admin = company
    member = add_member(company, admin)
    member_suspend(company=company, member_id=member.pk, actor=admin)

    assert member_reactivate(company=company, member_id=member.pk, actor=admin) is True

    member.refresh_from_db()
    member.user.refresh_from_db()
    assert (member.suspended_at, member.user.is_active) == (None, True)
    assert member.user.check_password(DEFAULT_PASSWORD)
    assert AuditEvent.objects.filter(verb="company.member_reactivated").count() == 1
    assert member_reactivate(company=company, member_id=member.pk, actor=admin) is False


def test_removing_keeps_the_account_but_closes_and_unlinks_it(company):
    company, admin = company
    member = add_member(company, admin, username="keluar")
    user = member.user
    session = UserSession.objects.create(user=user, session_key="k" * 32)

    member_remove(company=company, member_id=member.pk, actor=admin)

    user.refresh_from_db()
    assert user.is_active is False
    assert not user.has_usable_password()
    assert not CompanyMember.objects.filter(user=user).exists()
    session.refresh_from_db()
    assert session.ended_at is not None
    event = AuditEvent.objects.get(verb="company.member_removed")
    assert (event.actor, event.target_id, event.payload["own_account"]) == (
        admin,
        str(user.pk),
        False,
    )
    assert Email.objects.filter(template="vendors/email/member_removed", to=user.email).exists()
    # The username stays taken.
    _invitation, token = invite(company, admin)
    with pytest.raises(ValidationError):
        invitation_accept(
            portal=company.portal, token=token, username="KELUAR", password=NEW_PASSWORD
        )


def test_the_registrations_applicant_is_an_administrator_like_any_other(company):
    company, admin = company
    other = add_member(company, admin, role=CompanyRole.ADMIN)

    member_role_change(
        company=company,
        member_id=admin.company_membership.pk,
        role=CompanyRole.VIEWER,
        actor=other.user,
    )
    member_suspend(company=company, member_id=admin.company_membership.pk, actor=other.user)

    admin.refresh_from_db()
    assert admin.is_active is False
    assert admin.company_membership.role == CompanyRole.VIEWER
