"""Staff must have a second factor: signed in without one, they reach nothing but the
enrolment pages and logout until an authenticator app (or a passkey) is set up. Vendors
only where the portal requires it of vendor administrators."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from inaproc.accounts.models import Passkey, Role, StaffRole, UserSession
from inaproc.accounts.views.factors import ENROLMENT_SESSION_KEY
from tests.accounts.factor_helpers import START, code_of
from tests.factories import (
    DEFAULT_PASSWORD,
    make_company_member,
    make_passkey,
    make_portal,
    make_user,
)
from tests.helpers import login_post, signed_in
from tests.tenders.factories import make_official

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock", "english")]

FACTORS = "/lpse-a/akun/faktor-kedua/"
STAFF_ROLES = [Role.VERIFIER, Role.HELPDESK, Role.PORTAL_ADMIN]
# Pages of every signed-in account, and the staff pages of each role.
ACCOUNT_PAGES = [
    "/lpse-a/",
    "/lpse-a/dasbor/",
    "/lpse-a/akun/sesi/",
    "/lpse-a/akun/aktivitas-masuk/",
    "/lpse-a/akun/kata-sandi/",
]
STAFF_PAGES = {
    Role.VERIFIER: ["/lpse-a/staf/verifikasi/"],
    Role.HELPDESK: ["/lpse-a/staf/helpdesk/kunci/", "/lpse-a/staf/helpdesk/pengguna/"],
    Role.PORTAL_ADMIN: [
        "/lpse-a/staf/audit/",
        "/lpse-a/staf/helpdesk/kunci/",
        "/lpse-a/staf/helpdesk/pengguna/",
    ],
}
ENROLMENT_PAGES = [
    FACTORS,
    "/lpse-a/akun/faktor-kedua/aplikasi/",
    "/lpse-a/akun/faktor-kedua/kode-pemulihan/",
]


def staff_signed_in(client: Client, portal, role: str):
    """A staff member without a factor, signed in through the real login form."""
    user = make_user(portal, role=role, username=f"staf-{role}")
    response = login_post(client, portal.slug, user.username, DEFAULT_PASSWORD)
    assert response.status_code == 302
    return user


# --- Nothing but enrolment -------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_without_a_factor_are_sent_to_enrolment_from_every_page(client, portal_a, role):
    staff_signed_in(client, portal_a, role)

    for path in ACCOUNT_PAGES + STAFF_PAGES[role]:
        got = client.get(path)
        posted = client.post(path, {})
        assert (got.status_code, got.headers.get("Location")) == (302, FACTORS), path
        assert (posted.status_code, posted.headers.get("Location")) == (302, FACTORS), path


def test_the_first_login_lands_on_enrolment_with_the_reason(client, portal_a):
    staff_signed_in(client, portal_a, Role.HELPDESK)

    response = client.get("/lpse-a/dasbor/", follow=True)

    assert response.redirect_chain == [(FACTORS, 302)]
    assert "Your role needs a second factor. Set one up to continue." in response.text
    assert "Your role needs a second factor before you can continue." in response.text
    assert ">Log out</button>" in response.text


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_without_a_factor_may_open_the_enrolment_pages_and_log_out(client, portal_a, role):
    user = staff_signed_in(client, portal_a, role)

    statuses = {path: client.get(path).status_code for path in ENROLMENT_PAGES}
    logout = client.post("/lpse-a/keluar/")
    logged_out = client.get("/lpse-a/sudah-keluar/")

    assert statuses == dict.fromkeys(ENROLMENT_PAGES, 200)
    assert logout.headers["Location"] == "/lpse-a/sudah-keluar/"
    assert logged_out.status_code == 200
    assert UserSession.objects.get(user=user).ended_at == START


def test_a_sensitive_action_while_enrolling_never_asks_for_a_missing_factor(client, portal_a):
    staff_signed_in(client, portal_a, Role.VERIFIER)

    response = client.get("/lpse-a/akun/konfirmasi-faktor/?next=/lpse-a/akun/faktor-kedua/")

    assert response.headers["Location"] == FACTORS


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_once_the_app_is_confirmed_the_staff_pages_open(client, portal_a, role):
    user = staff_signed_in(client, portal_a, role)
    client.get("/lpse-a/akun/faktor-kedua/aplikasi/")
    device = TOTPDevice.objects.get(pk=client.session[ENROLMENT_SESSION_KEY])

    confirmed = client.post("/lpse-a/akun/faktor-kedua/aplikasi/", {"code": code_of(device)})

    assert confirmed.status_code == 200
    assert "<h1>Save your recovery codes</h1>" in confirmed.text
    for path in ACCOUNT_PAGES + STAFF_PAGES[role]:
        assert client.get(path).status_code == 200, path
    assert TOTPDevice.objects.get(user=user).confirmed is True


def test_a_passkey_is_enough(client, portal_a):
    user = staff_signed_in(client, portal_a, Role.PORTAL_ADMIN)
    Passkey.objects.create(
        user=user, name="Security key", credential_id=b"id", public_key=b"k", rp_id="testserver"
    )

    assert client.get("/lpse-a/staf/audit/").status_code == 200


def test_an_unconfirmed_app_is_not_enough(client, portal_a):
    staff_signed_in(client, portal_a, Role.VERIFIER)
    client.get("/lpse-a/akun/faktor-kedua/aplikasi/")

    assert client.get("/lpse-a/staf/verifikasi/").headers["Location"] == FACTORS


def test_staff_whose_factors_were_reset_are_enrolled_again_at_next_login(client, portal_a):
    from inaproc.accounts.services.factors import second_factors_reset

    helpdesk = make_user(portal_a, role=Role.HELPDESK, username="hd")
    verifier = make_user(portal_a, role=Role.VERIFIER, username="verif")
    TOTPDevice.objects.create(user=verifier, name="authenticator", confirmed=True)
    second_factors_reset(user=verifier, actor=helpdesk, reason="Phone lost; identity checked")

    response = login_post(client, "lpse-a", "verif", DEFAULT_PASSWORD)

    assert response.headers["Location"] == "/lpse-a/dasbor/"
    assert client.get("/lpse-a/dasbor/").headers["Location"] == FACTORS


# --- Vendors ---------------------------------------------------------------------------------


def test_a_vendor_is_not_forced(client, vendor_a):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    assert client.get("/lpse-a/dasbor/").status_code == 200
    assert client.get("/lpse-a/akun/sesi/").status_code == 200


def test_a_vendor_is_forced_where_the_portal_requires_it_of_vendor_admins(client):
    strict = make_portal("ketat", require_second_factor_for_vendor_admins=True)
    vendor = make_user(strict, username="0012345674101000")
    make_company_member(vendor, role="admin")
    login_post(client, "ketat", vendor.username, DEFAULT_PASSWORD)

    assert client.get("/ketat/dasbor/").headers["Location"] == "/ketat/akun/faktor-kedua/"
    factors = client.get("/ketat/akun/faktor-kedua/")
    assert factors.status_code == 200
    assert "Your role needs a second factor before you can continue." in factors.text


@pytest.mark.parametrize("role", ["bid_preparer", "viewer"])
def test_the_vendor_admin_policy_leaves_delegated_company_users_free(client, role):
    """The portal requires a factor of vendor administrators: a bid preparer or viewer of
    the company may still choose (they are not administrators)."""
    strict = make_portal("ketat", require_second_factor_for_vendor_admins=True)
    staff_member = make_user(strict, username="staf.penyedia")
    make_company_member(staff_member, role=role)
    login_post(client, "ketat", staff_member.username, DEFAULT_PASSWORD)

    assert client.get("/ketat/dasbor/").status_code == 200


# --- Who may open the factor pages -----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", FACTORS),
        ("get", "/lpse-a/akun/faktor-kedua/aplikasi/"),
        ("post", "/lpse-a/akun/faktor-kedua/aplikasi/"),
        ("post", "/lpse-a/akun/faktor-kedua/aplikasi/hapus/"),
        ("get", "/lpse-a/akun/faktor-kedua/kode-pemulihan/"),
        ("post", "/lpse-a/akun/faktor-kedua/kode-pemulihan/"),
    ],
)
def test_anonymous_visitors_are_sent_to_login(client, portal_a, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lpse-a/masuk/?next=")
    assert TOTPDevice.objects.count() == 0


def test_a_session_of_portal_a_is_anonymous_on_portal_b(client, portal_a, portal_b):
    staff_signed_in(client, portal_a, Role.HELPDESK)

    response = client.get("/lpse-b/akun/faktor-kedua/")

    assert response.headers["Location"] == "/lpse-b/masuk/?next=%2Flpse-b%2Fakun%2Ffaktor-kedua%2F"


def test_the_factor_pages_refuse_other_methods(client, vendor_a):
    login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    assert client.post(FACTORS).status_code == 405
    assert client.put("/lpse-a/akun/faktor-kedua/aplikasi/").status_code == 405


# --- Staff: the factor and the granted roles, read on every request --------------------------


def test_staff_whose_last_factor_is_gone_are_sent_to_enrolment_at_their_next_request(portal_a):
    """The enrolment check and the granted roles are one query (SecondFactorEnrolment-
    Middleware): still read on every request, so a removed factor counts at once."""
    verifier = make_user(portal_a, role=Role.VERIFIER, username="verif")
    client = signed_in(verifier)
    assert client.get("/lpse-a/dasbor/").status_code == 200

    TOTPDevice.objects.filter(user=verifier).delete()

    assert client.get("/lpse-a/dasbor/").headers["Location"] == FACTORS


def test_staff_with_a_passkey_only_or_an_unconfirmed_app_only(portal_a):
    with_passkey = make_user(portal_a, role=Role.HELPDESK, username="kunci")
    make_passkey(with_passkey)
    unconfirmed = make_user(portal_a, role=Role.HELPDESK, username="belum")
    TOTPDevice.objects.create(user=unconfirmed, name="authenticator", confirmed=False)

    passkey_page = signed_in(with_passkey, second_factor=False).get("/lpse-a/dasbor/")
    unconfirmed_page = signed_in(unconfirmed, second_factor=False).get("/lpse-a/dasbor/")

    assert passkey_page.status_code == 200
    assert unconfirmed_page.headers["Location"] == FACTORS


def test_a_granted_role_counts_until_the_request_after_it_is_taken_away(portal_a):
    official = make_official(portal_a, Role.VERIFIER, Role.PPK)
    other = make_official(portal_a, Role.VERIFIER, Role.POKJA)
    client = signed_in(official)
    assert client.get("/lpse-a/staf/paket/").status_code == 200

    StaffRole.objects.filter(user=official).delete()

    assert client.get("/lpse-a/staf/paket/").status_code == 403
    assert client.get("/lpse-a/staf/verifikasi/").status_code == 200
    assert signed_in(other).get("/lpse-a/staf/paket/").status_code == 200


def test_staff_roles_and_factor_are_one_query(portal_a):
    official = make_official(portal_a, Role.PPK, Role.POKJA)
    client = signed_in(official)
    client.get("/lpse-a/staf/paket/")

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/lpse-a/staf/paket/").status_code == 200

    about = [q["sql"] for q in captured if "accounts_staffrole" in q["sql"] or "otp_" in q["sql"]]
    assert len(about) == 1 and "accounts_passkey" in about[0]
