"""The invitee's side: the emailed link, the page where they choose a username and
password, each dead end with its way forward, and signing in (or not) afterwards."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from inaproc.accounts.forms.login import ONE_MESSAGE
from inaproc.accounts.models import LoginAttempt, LoginOutcome, User
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.vendors.companies.access import REGISTRATION_SESSION_KEY
from inaproc.vendors.companies.services.members import member_remove, member_suspend
from inaproc.vendors.companies.views.members import INVITATION_TOKEN_SESSION_KEY
from inaproc.vendors.models import CompanyInvitation, CompanyMember, CompanyRole
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import login_post, signed_in
from tests.vendors.member_builders import add_member, approved_company, invite

pytestmark = pytest.mark.django_db

ACCEPT = "/lpse-a/perusahaan/undangan/"
PASSWORD = "teh-manis-dingin-sekali-31"


@pytest.fixture
def company(portal_a):
    return approved_company(portal_a)


def open_link(client: Client, token: str):
    """Follow the emailed link as a browser does: it lands on the page without the token."""
    response = client.get(f"{ACCEPT}{token}/")
    assert response.status_code == 302
    assert response.headers["Location"] == ACCEPT
    return client.get(ACCEPT)


def accept(client: Client, username: str = "rina.staf", password: str = PASSWORD, again=None):
    data = {"username": username, "new_password1": password, "new_password2": again or password}
    return client.post(ACCEPT, data)


def test_the_link_moves_the_token_into_the_session_and_shows_the_invitation(
    company, client, english
):
    company, admin = company
    admin.full_name = "Budi Admin"
    admin.save(update_fields=["full_name"])
    _invitation, token = invite(company, admin, role=CompanyRole.BID_PREPARER)

    page = open_link(client, token)

    assert client.session[INVITATION_TOKEN_SESSION_KEY] == token
    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    assert token not in page.text
    assert company.name in page.text
    assert "Bid preparer" in page.text
    assert "Budi Admin invites you" in page.text
    assert 'id="password-policy"' in page.text
    assert page.headers["Cache-Control"].startswith("max-age=0")


def test_opening_the_link_creates_nothing(company, client, english):
    company, admin = company
    invitation, token = invite(company, admin)

    open_link(client, token)
    open_link(client, token)

    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert CompanyMember.objects.filter(company=company).count() == 1


def test_accepting_creates_the_account_and_sends_to_the_login(company, client, english):
    company, admin = company
    invitation, token = invite(company, admin, role=CompanyRole.BID_PREPARER, full_name="Rina")
    open_link(client, token)

    response = accept(client, "Rina.Staf")

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/masuk/"
    assert INVITATION_TOKEN_SESSION_KEY not in client.session
    user = User.objects.get(username="Rina.Staf")
    assert user.company_membership.role == CompanyRole.BID_PREPARER
    assert "Your account is ready" in client.get("/lpse-a/masuk/").text
    assert client.get("/lpse-a/dasbor/").status_code == 302  # not signed in
    # The real login path: CAPTCHA, lockout and all.
    login = login_post(client, "lpse-a", "rina.staf", PASSWORD)
    assert login.headers["Location"] == "/lpse-a/dasbor/"
    assert client.get("/lpse-a/perusahaan/").status_code == 200
    assert client.get("/lpse-a/perusahaan/pengguna/").status_code == 403
    assert Email.objects.filter(template="vendors/email/invitation_accepted").count() == 1


def test_a_second_submit_creates_no_second_account(company, client, english):
    company, admin = company
    _invitation, token = invite(company, admin)
    open_link(client, token)
    accept(client, "pertama")
    session = client.session  # the form sent again from the browser's history
    session[INVITATION_TOKEN_SESSION_KEY] = token
    session.save()

    response = accept(client, "kedua")

    assert response.status_code == 200
    assert "This invitation was already used" in response.text
    assert not User.objects.filter(username="kedua").exists()
    assert AuditEvent.objects.filter(verb="company.invitation_accepted").count() == 1


def test_a_taken_username_is_reported_next_to_the_field_only(company, client, english):
    company, admin = company
    make_user(company.portal, username="budi", email="budi.lain@example.id")
    _invitation, token = invite(company, admin)
    open_link(client, token)

    response = accept(client, "BUDI")

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "username": ["This username is already taken on this portal. Choose another one."]
    }
    assert 'id="id_username_errors"' in response.text
    assert "budi.lain@example.id" not in response.text
    assert CompanyMember.objects.filter(company=company).count() == 1


@pytest.mark.parametrize(
    ("username", "password", "again", "field"),
    [
        ("", PASSWORD, PASSWORD, "username"),
        ("nama pakai spasi", PASSWORD, PASSWORD, "username"),
        ("nul\x00", PASSWORD, PASSWORD, "username"),
        ("u" * 151, PASSWORD, PASSWORD, "username"),
        ("rina", "pendek", "pendek", "new_password1"),
        ("rina", "111111111111111", "111111111111111", "new_password1"),
        ("rina", "\x00" * 20, "\x00" * 20, "new_password1"),
        ("rina", "x" * 5000, "x" * 5000, "new_password1"),
        ("rina", PASSWORD, PASSWORD + "!", "new_password2"),
    ],
)
def test_bad_input_is_reported_next_to_its_field(
    company, client, english, username, password, again, field
):
    company, admin = company
    invitation, token = invite(company, admin)
    open_link(client, token)

    response = accept(client, username, password, again)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="id_{field}_errors"' in response.text
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert CompanyMember.objects.filter(company=company).count() == 1


def test_a_password_like_the_new_accounts_own_username_is_refused(company, client, english):
    company, admin = company
    _invitation, token = invite(company, admin)
    open_link(client, token)

    response = accept(client, "wulandari.kartika", "wulandari.kartika1")

    assert "new_password1" in response.context["form"].errors
    assert not User.objects.filter(username="wulandari.kartika").exists()


def test_a_password_with_a_word_of_the_companys_name_or_its_npwp_is_refused(
    company, client, english
):
    company, admin = company  # "PT Maju Jaya n"
    _invitation, token = invite(company, admin)
    open_link(client, token)

    with_word = accept(client, "rina.staf", "jaya selalu di hati kami")
    with_npwp = accept(client, "rina.staf", f"kode pajak {company.npwp} kami")

    assert with_word.context["form"].errors["new_password1"] == [
        "The password contains 'jaya', a word of the company's name."
    ]
    assert with_npwp.context["form"].errors["new_password1"] == [
        "The password contains the company's NPWP."
    ]
    assert not User.objects.filter(username="rina.staf").exists()


@pytest.mark.parametrize(
    ("change", "heading"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "This invitation has expired"),
        ({"revoked_at": timezone.now()}, "This invitation was withdrawn"),
    ],
)
def test_dead_invitations_say_so_and_how_to_go_on(company, client, english, change, heading):
    company, admin = company
    invitation, token = invite(company, admin)
    CompanyInvitation.objects.filter(pk=invitation.pk).update(**change)

    page = open_link(client, token)
    post = accept(client)

    for response in (page, post):
        assert response.status_code == 200
        assert heading in response.text
        assert "ask" in response.text.lower() and "administrator" in response.text
        assert 'name="username"' not in response.text
    assert not User.objects.filter(username="rina.staf").exists()


def test_a_used_invitation_points_to_the_login(company, client, english):
    company, admin = company
    _invitation, token = invite(company, admin)
    open_link(client, token)
    accept(client)

    page = open_link(client, token)

    assert "This invitation was already used" in page.text
    assert 'href="/lpse-a/masuk/"' in page.text


@pytest.mark.parametrize("token", ["salah", "%00%00", "a" * 300])
def test_unknown_links_do_not_work(company, client, english, token):
    page = open_link(client, token)

    assert "This link does not work" in page.text
    assert 'name="username"' not in page.text
    assert accept(client).status_code == 200
    assert not User.objects.filter(username="rina.staf").exists()


def test_the_page_without_a_link_does_not_work(client, english, portal_a):
    assert "This link does not work" in client.get(ACCEPT).text


def test_a_link_of_another_portal_does_not_work_here(company, portal_b):
    company, admin = company
    _invitation, token = invite(company, admin)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(f"/lpse-b/perusahaan/undangan/{token}/")
    page = client.get(response.headers["Location"])

    assert "This link does not work" in page.text
    assert company.name not in page.text


def test_a_signed_in_user_is_asked_to_log_out_first(company):
    company, admin = company
    invitation, token = invite(company, admin)
    client = signed_in(admin, english=True)

    page = open_link(client, token)
    post = accept(client)

    for response in (page, post):
        assert "Log out first" in response.text
        assert 'action="/lpse-a/keluar/"' in response.text
        assert 'name="username"' not in response.text
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_the_accept_page_needs_a_csrf_token(company):
    company, admin = company
    _invitation, token = invite(company, admin)
    client = Client(enforce_csrf_checks=True)
    open_link(client, token)

    assert accept(client).status_code == 403
    assert not User.objects.filter(username="rina.staf").exists()


# --- Signing in afterwards --------------------------------------------------------------


def test_a_suspended_user_gets_the_one_login_message(company, client):
    company, admin = company
    member = add_member(company, admin, username="ditangguhkan")
    member_suspend(company=company, member_id=member.pk, actor=admin)

    response = login_post(client, "lpse-a", "ditangguhkan", DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [ONE_MESSAGE]
    assert REGISTRATION_SESSION_KEY not in client.session
    assert LoginAttempt.objects.filter(user=member.user).latest("pk").outcome == (
        LoginOutcome.INACTIVE
    )


def test_a_suspended_applicant_of_the_company_gets_the_one_login_message(company, client):
    company, admin = company
    other = add_member(company, admin, role=CompanyRole.ADMIN)
    member_suspend(company=company, member_id=admin.company_membership.pk, actor=other.user)

    response = login_post(client, "lpse-a", admin.username, DEFAULT_PASSWORD)

    assert response.context["form"].non_field_errors() == [ONE_MESSAGE]
    assert REGISTRATION_SESSION_KEY not in client.session


def test_a_removed_user_gets_the_one_login_message(company, client):
    company, admin = company
    member = add_member(company, admin, username="dihapus")
    member_remove(company=company, member_id=member.pk, actor=admin)

    response = login_post(client, "lpse-a", "dihapus", DEFAULT_PASSWORD)

    assert response.context["form"].non_field_errors() == [ONE_MESSAGE]
