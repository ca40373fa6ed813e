"""The company's users pages: who may open them, what they show, and the changes made
through them (invite, role, suspend, reactivate, remove, withdraw, send again)."""

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from inaproc.accounts.models import Role, UserSession
from inaproc.accounts.services.factors import second_factor_mark
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.vendors.models import CompanyInvitation, CompanyMember, CompanyRole
from tests.factories import make_totp_device, make_user
from tests.helpers import session_of, signed_in
from tests.vendors.member_builders import add_member, approved_company, invite

pytestmark = pytest.mark.django_db

MEMBERS = "/lpse-a/perusahaan/pengguna/"
INVITE = "/lpse-a/perusahaan/pengguna/undang/"


def member_urls(member_id: int) -> list[str]:
    return [
        f"{MEMBERS}{member_id}/{action}/" for action in ("peran", "tangguhkan", "aktifkan", "hapus")
    ]


def invitation_urls(invitation_id: int) -> list[str]:
    return [f"{MEMBERS}undangan/{invitation_id}/{a}/" for a in ("batalkan", "kirim-ulang")]


@pytest.fixture
def company(portal_a):
    return approved_company(portal_a)


def nothing_changed(member: CompanyMember, role: str) -> None:
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert (member.role, member.suspended_at, member.user.is_active) == (role, None, True)
    assert not AuditEvent.objects.filter(
        verb__in=[
            "company.member_role_changed",
            "company.member_suspended",
            "company.member_removed",
            "company.invitation_revoked",
            "company.invitation_resent",
        ]
    ).exists()
    assert not Email.objects.filter(template__startswith="vendors/email/member_").exists()


# --- Who may open the pages -------------------------------------------------------------


def all_urls(member: CompanyMember, invitation: CompanyInvitation) -> list[str]:
    return [MEMBERS, *post_urls(member, invitation)]


def post_urls(member: CompanyMember, invitation: CompanyInvitation) -> list[str]:
    """The pages that take a POST (the list itself takes only GET)."""
    return [INVITE, *member_urls(member.pk), *invitation_urls(invitation.pk)]


def test_anonymous_visitors_are_sent_to_the_login(company, client):
    company, admin = company
    member = add_member(company, admin)
    invitation, _token = invite(company, admin)

    for url in all_urls(member, invitation):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/lpse-a/masuk/?next=")
    for url in post_urls(member, invitation):
        response = client.post(url, {"role": "admin"})
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/lpse-a/masuk/?next=")
    nothing_changed(member, CompanyRole.VIEWER)


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.HELPDESK, Role.PORTAL_ADMIN])
def test_portal_staff_are_refused(company, role):
    company, admin = company
    member = add_member(company, admin)
    invitation, _token = invite(company, admin)
    client = signed_in(make_user(company.portal, role=role), english=True)

    for url in all_urls(member, invitation):
        assert client.get(url).status_code == 403, url
    for url in post_urls(member, invitation):
        assert client.post(url, {"role": "admin"}).status_code == 403, url
    nothing_changed(member, CompanyRole.VIEWER)


@pytest.mark.parametrize("role", [CompanyRole.VIEWER, CompanyRole.BID_PREPARER])
def test_company_users_who_are_not_administrators_are_refused(company, role):
    company, admin = company
    me = add_member(company, admin, role=role)
    member = add_member(company, admin)
    invitation, _token = invite(company, admin)
    client = signed_in(me.user, english=True)

    for url in all_urls(member, invitation):
        assert client.get(url).status_code == 403, url
    for url in post_urls(member, invitation):
        assert client.post(url, {"role": "admin"}).status_code == 403, url
    nothing_changed(member, CompanyRole.VIEWER)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_vendor_without_a_company_gets_404(company):
    company, admin = company
    member = add_member(company, admin)
    invitation, _token = invite(company, admin)
    client = signed_in(make_user(company.portal), english=True)

    for url in all_urls(member, invitation):
        assert client.get(url).status_code == 404, url


def test_the_administrator_of_another_company_gets_404_for_this_companys_users(company, portal_a):
    company, admin = company
    member = add_member(company, admin)
    invitation, _token = invite(company, admin)
    _other, other_admin = approved_company(portal_a)
    client = signed_in(other_admin, english=True)

    for url in [*member_urls(member.pk), *invitation_urls(invitation.pk)]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"role": "admin"}).status_code == 404, url
    assert client.get(f"{MEMBERS}999999/peran/").status_code == 404
    nothing_changed(member, CompanyRole.VIEWER)


def test_an_administrator_of_another_portal_is_anonymous_here(company, portal_b):
    company, admin = company
    _theirs, their_admin = approved_company(portal_b)
    client = signed_in(their_admin, english=True)

    response = client.get(MEMBERS)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lpse-a/masuk/")
    assert client.get("/lpse-b/perusahaan/pengguna/").status_code == 200


def test_a_suspended_administrator_is_signed_out_and_cannot_come_back(company):
    company, admin = company
    other = add_member(company, admin, role=CompanyRole.ADMIN)
    client = signed_in(other.user, english=True)
    assert client.get(MEMBERS).status_code == 200

    signed_in(admin, english=True).post(f"{MEMBERS}{other.pk}/tangguhkan/")

    assert client.get(MEMBERS).status_code == 302


# --- The list ---------------------------------------------------------------------------


def test_the_list_shows_users_with_role_status_last_login_factor_and_inviter(company, portal_a):
    company, admin = company
    admin.full_name = "Budi Admin"
    admin.save(update_fields=["full_name"])
    preparer = add_member(company, admin, role=CompanyRole.BID_PREPARER, full_name="Rina")
    make_totp_device(preparer.user)
    viewer = add_member(company, admin, role=CompanyRole.VIEWER, full_name="Joko")
    signed_in(admin, english=True).post(f"{MEMBERS}{viewer.pk}/tangguhkan/")
    _other, other_admin = approved_company(portal_a)
    invitation, _token = invite(company, admin, email="baru@example.id")
    client = signed_in(admin, english=True)

    page = client.get(MEMBERS)

    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    row = {r.member.pk: r for r in page.context["rows"]}
    assert list(row) == [admin.company_membership.pk, preparer.pk, viewer.pk]
    assert row[preparer.pk].has_second_factor is True
    assert row[viewer.pk].is_suspended is True
    assert row[admin.company_membership.pk].user.last_login is not None
    assert "Bid preparer" in page.text
    assert "Suspended since" in page.text
    assert "Never" in page.text  # the members never signed in
    assert "Budi Admin" in page.text  # inviter
    assert "baru@example.id" in page.text
    assert f'action="/lpse-a/perusahaan/pengguna/undangan/{invitation.pk}/batalkan/"' in page.text
    assert other_admin.username not in page.text
    assert f"{MEMBERS}{viewer.pk}/aktifkan/" in page.text
    assert f"{MEMBERS}{admin.company_membership.pk}/tangguhkan/" not in page.text  # not oneself


def factor_cell(page_text: str, member_id: int) -> str:
    """The text of the second-factor cell (the fifth) of a user's row in the list."""
    row = re.search(rf'<tr id="member-{member_id}">(.*?)</tr>', page_text, re.S)
    assert row is not None
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)[4]


@pytest.mark.parametrize(
    ("english", "active", "none_yet"), [(False, "Aktif", "Belum ada"), (True, "Active", "None yet")]
)
def test_the_second_factor_column_names_a_state_not_an_order(company, english, active, none_yet):
    """An administrator with an authenticator app reads "Aktif", not "Siapkan" (the
    button's "Set up", an order); a user without one reads "Belum ada"."""
    company, admin = company
    make_totp_device(admin)
    viewer = add_member(company, admin, role=CompanyRole.VIEWER, full_name="Joko")

    page = signed_in(admin, english=english).get(MEMBERS)

    assert factor_cell(page.text, admin.company_membership.pk) == active
    assert factor_cell(page.text, viewer.pk) == none_yet
    assert "Siapkan" not in page.text
    assert "Set up" not in page.text


# --- Inviting ---------------------------------------------------------------------------


def test_inviting_through_the_form(company):
    company, admin = company
    client = signed_in(admin, english=True)
    assert client.get(INVITE).status_code == 200

    response = client.post(
        INVITE, {"email": "rina@example.id", "full_name": "Rina", "role": "bid_preparer"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == MEMBERS
    invitation = CompanyInvitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "rina@example.id",
        "bid_preparer",
        admin,
    )
    assert "The invitation is on its way to rina@example.id." in client.get(MEMBERS).text


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "", "full_name": "R", "role": "viewer"}, "email"),
        ({"email": "bukan-email", "full_name": "R", "role": "viewer"}, "email"),
        ({"email": "r\x00@example.id", "full_name": "R", "role": "viewer"}, "email"),
        ({"email": "r@example.id", "full_name": "R\x00", "role": "viewer"}, "full_name"),
        ({"email": "r@example.id", "full_name": "R" * 201, "role": "viewer"}, "full_name"),
        ({"email": "r@example.id", "full_name": "R", "role": "owner"}, "role"),
        ({"email": "r@example.id", "full_name": "R"}, "role"),
        ({"email": "a" * 300 + "@example.id", "full_name": "R", "role": "viewer"}, "email"),
    ],
)
def test_bad_invitation_input_is_reported_next_to_its_field(company, data, field):
    company, admin = company

    response = signed_in(admin, english=True).post(INVITE, data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}_errors"' in response.text
    assert not CompanyInvitation.objects.exists()
    assert not Email.objects.filter(template="vendors/email/invitation").exists()


def test_an_address_of_a_company_user_is_reported_next_to_the_email_field(company):
    company, admin = company

    response = signed_in(admin, english=True).post(
        INVITE, {"email": admin.email, "full_name": "Saya", "role": "viewer"}
    )

    assert response.context["form"].errors["email"] == [
        "A user of this company already has this address."
    ]
    assert not CompanyInvitation.objects.exists()


def test_over_the_daily_limit_the_form_answers_429(company, settings):
    settings.COMPANY_INVITATIONS_PER_DAY = 2
    company, admin = company
    invite(company, admin)
    invite(company, admin)

    response = signed_in(admin, english=True).post(
        INVITE, {"email": "tiga@example.id", "full_name": "Tiga", "role": "viewer"}
    )

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "the most allowed" in response.text
    assert CompanyInvitation.objects.count() == 2


def test_an_administrator_with_a_second_factor_confirms_it_again_before_inviting(company):
    company, admin = company
    make_totp_device(admin)
    client = signed_in(admin)
    session = session_of(client)
    UserSession.objects.filter(pk=session.pk).update(
        second_factor_at=timezone.now() - timedelta(minutes=11)
    )

    response = client.post(INVITE, {"email": "r@example.id", "full_name": "R", "role": "admin"})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lpse-a/akun/konfirmasi-faktor/?next=")
    assert not CompanyInvitation.objects.exists()
    assert client.get(MEMBERS).status_code == 200  # viewing needs no step-up
    second_factor_mark(user_session=session)
    assert client.get(INVITE).status_code == 200


def test_posts_without_a_csrf_token_are_refused(company):
    company, admin = company
    member = add_member(company, admin)
    invitation, _token = invite(company, admin)
    client = signed_in(admin, enforce_csrf_checks=True)

    for url in post_urls(member, invitation):
        assert client.post(url, {"role": "admin"}).status_code == 403, url
    nothing_changed(member, CompanyRole.VIEWER)
    assert CompanyInvitation.objects.count() == 2  # the member's and `invitation`
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- Changes to users -------------------------------------------------------------------


def test_changing_a_role_through_the_confirmation_page(company):
    company, admin = company
    member = add_member(company, admin)
    client = signed_in(admin, english=True)
    url = f"{MEMBERS}{member.pk}/peran/"
    page = client.get(url)
    assert 'value="viewer"' in page.text and "checked" in page.text

    response = client.post(url, {"role": "admin"})

    assert response.headers["Location"] == MEMBERS
    member.refresh_from_db()
    assert member.role == CompanyRole.ADMIN
    assert AuditEvent.objects.get(verb="company.member_role_changed").actor == admin


def test_the_last_administrator_is_told_why_they_cannot_step_down(company):
    company, admin = company
    url = f"{MEMBERS}{admin.company_membership.pk}/peran/"

    response = signed_in(admin, english=True).post(url, {"role": "viewer"})

    assert response.status_code == 200
    assert "at least one active administrator" in response.text
    assert 'role="alert"' in response.text
    admin.company_membership.refresh_from_db()
    assert admin.company_membership.role == CompanyRole.ADMIN


def test_an_administrator_stepping_down_goes_to_the_company_page(company):
    company, admin = company
    add_member(company, admin, role=CompanyRole.ADMIN)
    client = signed_in(admin, english=True)

    response = client.post(f"{MEMBERS}{admin.company_membership.pk}/peran/", {"role": "viewer"})

    assert response.headers["Location"] == "/lpse-a/perusahaan/"
    assert client.get(MEMBERS).status_code == 403


def test_suspending_and_reactivating_through_the_pages(company):
    company, admin = company
    member = add_member(company, admin, role=CompanyRole.BID_PREPARER)
    member_client = signed_in(member.user, english=True)
    client = signed_in(admin, english=True)
    assert "cannot sign in" in client.get(f"{MEMBERS}{member.pk}/tangguhkan/").text

    response = client.post(f"{MEMBERS}{member.pk}/tangguhkan/")

    assert response.headers["Location"] == MEMBERS
    member.refresh_from_db()
    assert member.suspended_at is not None
    assert member_client.get("/lpse-a/perusahaan/").status_code == 302  # signed out
    assert "is suspended" in client.get(MEMBERS).text
    client.post(f"{MEMBERS}{member.pk}/aktifkan/")
    member.refresh_from_db()
    assert member.suspended_at is None


def test_the_suspend_page_refuses_oneself_with_a_message(company):
    company, admin = company
    add_member(company, admin, role=CompanyRole.ADMIN)

    response = signed_in(admin, english=True).post(
        f"{MEMBERS}{admin.company_membership.pk}/tangguhkan/"
    )

    assert response.status_code == 200
    assert "You cannot suspend your own account" in response.text
    admin.refresh_from_db()
    assert admin.is_active


def test_removing_a_user_through_the_page(company):
    company, admin = company
    member = add_member(company, admin)

    response = signed_in(admin, english=True).post(f"{MEMBERS}{member.pk}/hapus/")

    assert response.headers["Location"] == MEMBERS
    assert not CompanyMember.objects.filter(pk=member.pk).exists()
    member.user.refresh_from_db()
    assert not member.user.is_active


def test_an_administrator_removing_themselves_is_signed_out(company):
    company, admin = company
    add_member(company, admin, role=CompanyRole.ADMIN)
    client = signed_in(admin, english=True)

    response = client.post(f"{MEMBERS}{admin.company_membership.pk}/hapus/")

    assert response.headers["Location"] == "/lpse-a/sudah-keluar/"
    assert client.get(MEMBERS).status_code == 302
    assert not CompanyMember.objects.filter(user=admin).exists()


@pytest.mark.parametrize("role", ["", "\x00", "x" * 5000, "superadmin"])
def test_a_bad_role_is_reported_and_changes_nothing(company, role):
    company, admin = company
    member = add_member(company, admin)

    response = signed_in(admin, english=True).post(f"{MEMBERS}{member.pk}/peran/", {"role": role})

    assert response.status_code == 200
    assert 'id="id_role_errors"' in response.text
    nothing_changed(member, CompanyRole.VIEWER)


# --- Invitations in the list ------------------------------------------------------------


def test_withdrawing_and_sending_again_from_the_list(company):
    company, admin = company
    first, _token = invite(company, admin, email="satu@example.id")
    second, _token = invite(company, admin, email="dua@example.id")
    client = signed_in(admin, english=True)
    assert "Withdraw the invitation" in client.get(f"{MEMBERS}undangan/{first.pk}/batalkan/").text

    client.post(f"{MEMBERS}undangan/{first.pk}/batalkan/")
    client.post(f"{MEMBERS}undangan/{second.pk}/kirim-ulang/")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is not None
    waiting = CompanyInvitation.objects.filter(revoked_at__isnull=True)
    assert [i.email for i in waiting] == ["dua@example.id"]
    assert Email.objects.filter(to="dua@example.id").count() == 2
    # Gone from the list: a second click finds nothing.
    assert client.post(f"{MEMBERS}undangan/{first.pk}/batalkan/").status_code == 404


# --- The dashboard panel ----------------------------------------------------------------


def render_panel(user, portal) -> str:
    request = RequestFactory().get("/lpse-a/dasbor/")
    request.user, request.portal, request.session = user, portal, {}
    return render_to_string("vendors/_dashboard_members.html", request=request)


def test_the_dashboard_panel_counts_users_and_invitations_for_administrators(company, settings):
    settings.LANGUAGE_CODE = "en"
    company, admin = company
    add_member(company, admin)
    invite(company, admin)

    html = render_panel(admin, company.portal)

    assert "2 users sign in for the company." in html
    assert "1 invitation is waiting to be accepted." in html
    assert 'href="/lpse-a/perusahaan/pengguna/"' in html


def test_the_dashboard_panel_shows_others_their_role_and_the_administrators(company, settings):
    settings.LANGUAGE_CODE = "en"
    company, admin = company
    admin.full_name = "Budi Admin"
    admin.save(update_fields=["full_name"])
    viewer = add_member(company, admin)

    html = render_panel(viewer.user, company.portal)

    assert f"Your role at {company.name}: Viewer." in html
    assert "Budi Admin" in html
    assert "/perusahaan/pengguna/" not in html


def test_the_dashboard_panel_is_empty_for_others(company, portal_a):
    assert render_panel(make_user(portal_a), portal_a).strip() == ""
    assert render_panel(make_user(portal_a, role=Role.VERIFIER), portal_a).strip() == ""


def test_garbage_to_every_page_gives_no_server_error(company):
    from tests.core.test_no_server_errors import GARBAGE

    company, admin = company
    member = add_member(company, admin)
    invitation, token = invite(company, admin)
    client = signed_in(admin, english=True)
    invitee = Client()
    invitee.get(f"/lpse-a/perusahaan/undangan/{token}/")

    for url in post_urls(member, invitation):
        assert client.post(url.replace("hapus", "peran"), GARBAGE).status_code < 500, url
    assert invitee.post("/lpse-a/perusahaan/undangan/", GARBAGE).status_code == 200
    assert CompanyMember.objects.filter(company=company).count() == 2  # nobody removed or added
