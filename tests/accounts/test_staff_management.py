"""The portal administrator manages the portal's staff in the web interface: invitations
with one or more roles and a single-use set-password link, role changes, deactivation
(sessions end) and reactivation; all audited, none of it reaching another portal."""

import re

import pytest
from django.core import mail
from django.test import Client

from inaproc.accounts.models import Role, SessionEndReason, StaffRole, User, UserSession
from inaproc.accounts.services.staff import StaffActionRefused, staff_roles_set
from inaproc.audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, make_totp_device, make_user
from tests.helpers import login_post, run_task_worker, session_of, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LIST = "/lpse-a/staf/pengguna/"
INVITE = "/lpse-a/staf/pengguna/undang/"
NEW_PASSWORD = "kopi-tubruk-pagi-hari-di-bandung"


def roles_url(user: User) -> str:
    return f"/lpse-a/staf/pengguna/{user.pk}/peran/"


def deactivate_url(user: User) -> str:
    return f"/lpse-a/staf/pengguna/{user.pk}/nonaktifkan/"


def reactivate_url(user: User) -> str:
    return f"/lpse-a/staf/pengguna/{user.pk}/aktifkan/"


def invite(client: Client, **fields):
    data = {
        "full_name": "Rina Wulandari",
        "email": "rina@example.id",
        "username": "rina",
        "roles": [Role.PPK],
        **fields,
    }
    return client.post(INVITE, data)


def open_link(link: str):
    """Open an emailed link as a browser does: a valid token moves into the session and
    the browser is sent on; an invalid one is answered at once."""
    browser = Client()
    response = browser.get(link)
    if response.status_code == 302:
        response = browser.get(response["Location"])
    return response


def invitation_link(message) -> str:
    return re.search(r"http://\S+/undangan-staf/\S+/", message.body).group(0)


@pytest.fixture
def admin_client(admin_a):
    return signed_in(admin_a)


# --- The list --------------------------------------------------------------------------


def test_list_shows_every_role_status_second_factor_and_last_login(portal_a, admin_a):
    ppk = make_user(portal_a, role=Role.PPK, username="ppk1", full_name="Pak PPK")
    StaffRole.objects.create(user=ppk, role=Role.POKJA)
    make_user(portal_a, role=Role.VENDOR, username="vendor1")
    client = signed_in(admin_a)

    page = client.get(LIST).content.decode()

    row = page[page.index(f'id="staff-{ppk.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "PPK (commitment official), Pokja member (selection working group)" in row
    assert "None yet" in row  # no second factor
    assert "Never" in row  # never signed in
    assert "Active" in row
    assert "vendor1" not in page  # vendors are not staff
    assert f'id="staff-{admin_a.pk}"' in page


def test_second_factor_active_is_shown(portal_a, admin_a):
    official = make_user(portal_a, role=Role.VERIFIER, username="ver1")
    make_totp_device(official)

    page = signed_in(admin_a).get(LIST).content.decode()

    row = page[page.index(f'id="staff-{official.pk}"') :]
    assert '<td data-label="Second factor">Active</td>' in row[: row.index("</tr>")]


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.HELPDESK, Role.PPK, Role.POKJA])
def test_staff_without_the_admin_role_are_refused(portal_a, role):
    official = make_user(portal_a, role=role)
    client = signed_in(official)

    for url in (LIST, INVITE, roles_url(official), deactivate_url(official)):
        assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_login(portal_a):
    response = Client().get(LIST)

    assert response.status_code == 302
    assert "/lpse-a/masuk/" in response["Location"]


# --- Invitation -------------------------------------------------------------------------


def test_invite_creates_an_account_without_password_and_emails_a_link(
    portal_a, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(admin_client, roles=[Role.PPK, Role.POKJA])
    run_task_worker()

    assert response.status_code == 302
    user = User.objects.get(portal=portal_a, username="rina")
    assert user.role == Role.PPK
    assert user.roles == {Role.PPK, Role.POKJA}
    assert not user.has_usable_password()
    assert user.is_active
    event = AuditEvent.objects.get(verb="staff.invited", target_id=str(user.pk))
    assert event.payload["roles"] == [Role.PPK, Role.POKJA]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rina@example.id"]
    assert "/lpse-a/undangan-staf/" in mail.outbox[0].body
    assert "LPSE Alpha" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "bukan-alamat"}, "email", "Enter a valid email address."),
        ({"roles": []}, "roles", "Choose at least one role."),
        ({"roles": [Role.VENDOR]}, "roles", "Choose roles from the list."),
        ({"roles": [Role.OPERATOR]}, "roles", "Choose roles from the list."),
        ({"username": "rina wulan"}, "username", "Use only letters, digits"),
        ({"full_name": ""}, "full_name", "This field is required."),
    ],
)
def test_invite_with_bad_input_says_why_next_to_the_field(
    portal_a, admin_client, fields, field, message
):
    response = invite(admin_client, **fields)

    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not User.objects.filter(username="rina").exists()
    assert not mail.outbox


def test_invite_refuses_a_username_taken_on_this_portal(portal_a, admin_client):
    make_user(portal_a, username="RINA")

    response = invite(admin_client)

    assert response.status_code == 200
    assert "already taken" in str(response.context["form"].errors["username"])
    assert User.objects.filter(portal=portal_a, username__iexact="rina").count() == 1


def test_the_same_username_on_another_portal_is_fine(portal_a, portal_b, admin_client):
    make_user(portal_b, username="rina")

    assert invite(admin_client).status_code == 302

    assert User.objects.get(portal=portal_a, username="rina").role == Role.PPK


def test_invite_asks_for_the_second_factor_again_after_a_while(portal_a, admin_a):
    client = signed_in(admin_a, checked=False)

    response = invite(client)

    assert response.status_code == 302
    assert "/lpse-a/akun/konfirmasi-faktor/" in response["Location"]
    assert not User.objects.filter(username="rina").exists()


# --- The set-password link ----------------------------------------------------------------


def test_invited_ppk_sets_a_password_once_then_must_enrol_a_second_factor(
    portal_a, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_client)
    run_task_worker()
    link = invitation_link(mail.outbox[0])
    browser = Client()

    landing = browser.get(link)
    form_url = landing["Location"]
    page = browser.get(form_url)
    assert page.status_code == 200 and page.context["validlink"]
    done = browser.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302 and done["Location"].endswith("/lpse-a/masuk/")
    user = User.objects.get(username="rina")
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(verb="staff.invitation_accepted").count() == 1
    # The link works once.
    assert not open_link(link).context["validlink"]
    # Signing in: the PPK is walked to enrol a second factor before anything else.
    signed = Client()
    assert login_post(signed, "lpse-a", "rina", NEW_PASSWORD).status_code == 302
    response = signed.get("/lpse-a/dasbor/")
    assert response.status_code == 302
    assert response["Location"].endswith("/lpse-a/akun/faktor-kedua/")


def test_the_invitation_link_does_not_work_on_another_portal(
    portal_a, portal_b, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_client)
    run_task_worker()
    link = invitation_link(mail.outbox[0]).replace("/lpse-a/", "/lpse-b/")

    page = open_link(link)

    assert page.status_code == 200
    assert not page.context["validlink"]


def test_a_password_reset_link_is_not_an_invitation_link(portal_a, admin_client):
    """The invitation's token has its own salt: a reset token does not open it."""
    from inaproc.accounts.links import password_reset_link

    ppk = make_user(portal_a, role=Role.PPK, username="ppk9")
    link = password_reset_link(ppk).replace("/atur-ulang-kata-sandi/", "/undangan-staf/")

    page = open_link(link)

    assert not page.context["validlink"]


# --- Roles ------------------------------------------------------------------------------


def test_change_roles_keeps_the_main_role_and_grants_the_others(portal_a, admin_client):
    official = make_user(portal_a, role=Role.VERIFIER, username="ver1")

    response = admin_client.post(roles_url(official), {"roles": [Role.VERIFIER, Role.POKJA]})

    assert response.status_code == 302
    official.refresh_from_db()
    assert official.role == Role.VERIFIER
    assert set(StaffRole.objects.filter(user=official).values_list("role", flat=True)) == {
        Role.POKJA
    }
    event = AuditEvent.objects.get(verb="staff.roles_changed")
    assert event.payload == {"from": [Role.VERIFIER], "to": [Role.VERIFIER, Role.POKJA]}


def test_dropping_the_main_role_makes_one_of_the_chosen_roles_main(portal_a, admin_client):
    official = make_user(portal_a, role=Role.VERIFIER, username="ver1")
    StaffRole.objects.create(user=official, role=Role.PPK)

    admin_client.post(roles_url(official), {"roles": [Role.PPK, Role.PEJABAT_PENGADAAN]})

    official = User.objects.get(pk=official.pk)
    assert official.role == Role.PPK
    assert official.roles == {Role.PPK, Role.PEJABAT_PENGADAAN}
    assert not StaffRole.objects.filter(user=official, role=Role.PPK).exists()


def test_no_role_chosen_is_refused(portal_a, admin_client):
    official = make_user(portal_a, role=Role.VERIFIER)

    response = admin_client.post(roles_url(official), {})

    assert "Choose at least one role." in str(response.context["form"].errors["roles"])
    assert User.objects.get(pk=official.pk).roles == {Role.VERIFIER}


def test_the_last_active_administrator_keeps_the_role(portal_a, admin_a, admin_client):
    response = admin_client.post(roles_url(admin_a), {"roles": [Role.VERIFIER]})

    assert response.status_code == 200
    assert "at least one active administrator" in response.content.decode()
    assert User.objects.get(pk=admin_a.pk).roles == {Role.PORTAL_ADMIN}
    assert not AuditEvent.objects.filter(verb="staff.roles_changed").exists()


def test_an_inactive_administrator_does_not_count(portal_a, admin_a):
    other = make_user(portal_a, role=Role.PORTAL_ADMIN, username="admin2")
    other.is_active = False
    other.save()

    with pytest.raises(StaffActionRefused):
        staff_roles_set(portal=portal_a, staff_id=admin_a.pk, roles=[Role.HELPDESK], actor=admin_a)


def test_an_admin_may_give_up_the_role_while_another_remains(portal_a, admin_a, admin_client):
    make_user(portal_a, role=Role.PORTAL_ADMIN, username="admin2")

    response = admin_client.post(roles_url(admin_a), {"roles": [Role.HELPDESK]})

    assert response.status_code == 302
    assert response["Location"].endswith("/lpse-a/dasbor/")
    assert User.objects.get(pk=admin_a.pk).roles == {Role.HELPDESK}


def test_taking_the_pokja_role_from_a_pokja_member_is_allowed_and_shown(portal_a, admin_client):
    from inaproc.tenders.models import Pokja, PokjaMember

    member = make_user(portal_a, role=Role.POKJA, username="pokja1")
    PokjaMember.objects.create(pokja=Pokja.objects.create(portal=portal_a, name="P1"), user=member)

    page = admin_client.get(roles_url(member)).content.decode()
    assert "sits on 1 Pokja" in page
    response = admin_client.post(roles_url(member), {"roles": [Role.PPK]}, follow=True)

    assert "still sits on a Pokja" in response.content.decode()
    assert User.objects.get(pk=member.pk).roles == {Role.PPK}


# --- Deactivation -----------------------------------------------------------------------


def test_deactivated_official_sessions_end_and_they_cannot_sign_in(portal_a, admin_client):
    official = make_user(portal_a, role=Role.PPK, username="ppk1")
    their_browser = signed_in(official)
    their_session = session_of(their_browser)

    response = admin_client.post(deactivate_url(official))

    assert response.status_code == 302
    assert not User.objects.get(pk=official.pk).is_active
    their_session.refresh_from_db()
    assert their_session.ended_at is not None
    assert their_session.end_reason == SessionEndReason.DEACTIVATED
    assert their_browser.get("/lpse-a/dasbor/").status_code == 302  # signed out
    login = login_post(Client(), "lpse-a", "ppk1", DEFAULT_PASSWORD)
    assert login.status_code == 200  # refused
    event = AuditEvent.objects.get(verb="staff.deactivated")
    assert event.payload == {"sessions_ended": 1}


def test_the_admin_cannot_deactivate_themself(portal_a, admin_a, admin_client):
    response = admin_client.post(deactivate_url(admin_a))

    assert response.status_code == 200
    assert "cannot deactivate your own account" in response.content.decode()
    assert User.objects.get(pk=admin_a.pk).is_active
    assert UserSession.objects.filter(user=admin_a, ended_at__isnull=True).exists()


def test_reactivation_lets_them_sign_in_again(portal_a, admin_client):
    official = make_user(portal_a, role=Role.PPK, username="ppk1")
    admin_client.post(deactivate_url(official))

    response = admin_client.post(reactivate_url(official))

    assert response.status_code == 302
    assert User.objects.get(pk=official.pk).is_active
    assert AuditEvent.objects.filter(verb="staff.reactivated").count() == 1
    assert login_post(Client(), "lpse-a", "ppk1", DEFAULT_PASSWORD).status_code == 302


def test_deactivating_twice_changes_nothing_the_second_time(portal_a, admin_client):
    official = make_user(portal_a, role=Role.HELPDESK)
    admin_client.post(deactivate_url(official))

    admin_client.post(deactivate_url(official))

    assert AuditEvent.objects.filter(verb="staff.deactivated").count() == 1


# --- Other portals, vendors -------------------------------------------------------------


def test_another_portals_staff_and_vendors_are_404(portal_a, portal_b, admin_client):
    theirs = make_user(portal_b, role=Role.PPK, username="ppk-b")
    vendor = make_user(portal_a, role=Role.VENDOR, username="vendor-a")

    for target in (theirs, vendor):
        for url in (roles_url(target), deactivate_url(target), reactivate_url(target)):
            assert admin_client.get(url).status_code == 404
            assert admin_client.post(url, {"roles": [Role.PPK]}).status_code == 404
    assert User.objects.get(pk=theirs.pk).is_active
    assert User.objects.get(pk=theirs.pk).roles == {Role.PPK}
    assert not AuditEvent.objects.filter(verb__startswith="staff.").exists()


def test_the_other_portals_admin_sees_none_of_this_portals_staff(portal_a, portal_b):
    ours = make_user(portal_a, role=Role.PPK, username="ppk-a")
    admin_b = make_user(portal_b, role=Role.PORTAL_ADMIN, username="admin-b")
    client = signed_in(admin_b)

    page = client.get("/lpse-b/staf/pengguna/").content.decode()

    assert "ppk-a" not in page
    assert client.get(f"/lpse-b/staf/pengguna/{ours.pk}/peran/").status_code == 404
    # and this portal's pages refuse the other portal's admin
    assert client.get(LIST).status_code in (302, 403, 404)


def test_dashboard_links_to_staff_and_pokja(portal_a, admin_client):
    page = admin_client.get("/lpse-a/dasbor/").content.decode()

    assert 'href="/lpse-a/staf/pengguna/"' in page
    assert 'href="/lpse-a/staf/pokja/"' in page


# --- create_staff with the officials' roles --------------------------------------------


ARGS = ["--portal", "lpse-a"]


def _create_staff(*args: str) -> str:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("create_staff", *args, stdout=out)
    return out.getvalue()


def test_create_staff_takes_an_official_role(portal_a, monkeypatch):
    monkeypatch.setenv("INAPROC_STAFF_PASSWORD", NEW_PASSWORD)

    _create_staff(*ARGS, "--role", "pejabat_pengadaan", "--username", "pp1", "--email", "a@b.id")

    user = User.objects.get(portal=portal_a, username="pp1")
    assert user.roles == {Role.PEJABAT_PENGADAAN}


def test_create_staff_takes_several_roles_the_first_one_main(portal_a, monkeypatch):
    monkeypatch.setenv("INAPROC_STAFF_PASSWORD", NEW_PASSWORD)

    roles = ["--role", "ppk", "--role", "pokja", "--role", "ppk"]

    output = _create_staff(*ARGS, *roles, "--username", "ppk1", "--email", "p@example.id")

    user = User.objects.get(portal=portal_a, username="ppk1")
    assert user.role == Role.PPK
    assert user.roles == {Role.PPK, Role.POKJA}
    assert "ppk, pokja" in output
    event = AuditEvent.objects.get(verb="account.created", target_id=str(user.pk))
    assert event.payload["extra_roles"] == [Role.POKJA]


@pytest.mark.parametrize(
    "roles", [["operator", "ppk"], ["ppk", "operator"]], ids=["operator-first", "operator-later"]
)
def test_create_staff_refuses_an_operator_with_other_roles(db, monkeypatch, roles):
    from django.core.management import CommandError

    monkeypatch.setenv("INAPROC_STAFF_PASSWORD", NEW_PASSWORD)
    args = [arg for role in roles for arg in ("--role", role)]

    with pytest.raises(CommandError, match="operator"):
        _create_staff(*args, "--username", "x", "--email", "x@example.id")

    assert not User.objects.filter(username="x").exists()
