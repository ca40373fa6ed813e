"""Login, logout and the rule that a session of one portal opens nothing on another."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from inaproc.accounts.models import Role
from tests.cookies import portal_session, session_cookie_name
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import assert_indistinguishable, login_post, signed_in

pytestmark = pytest.mark.django_db

NPWP = "0012345674101000"
PASSWORD_A = "sandi-rahasia-di-portal-pertama"
PASSWORD_B = "kata-sandi-lain-di-portal-kedua"


@pytest.fixture
def shared_npwp(portal_a, portal_b):
    return (
        make_user(portal_a, username=NPWP, password=PASSWORD_A),
        make_user(portal_b, username=NPWP, password=PASSWORD_B),
    )


def login(client: Client, slug: str, username: str, password: str, **extra: str):
    return login_post(client, slug, username, password, **extra)


def test_login_page_renders_with_one_h1_and_labelled_fields(client, portal_a):
    response = client.get("/lpse-a/masuk/")

    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    assert 'for="id_username"' in response.text
    assert 'for="id_password"' in response.text
    assert 'autocomplete="current-password"' in response.text


def test_successful_login_lands_on_dashboard(client, vendor_a):
    response = login(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/dasbor/"
    dashboard = client.get("/lpse-a/dasbor/")
    assert dashboard.status_code == 200
    assert dashboard.context["user"] == vendor_a


def test_npwp_typed_with_punctuation_logs_in(client, vendor_a):
    response = login(client, "lpse-a", "01.234.567.4-101.000", DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert client.get("/lpse-a/dasbor/").context["user"] == vendor_a


def test_login_rotates_the_session_key(client, vendor_a):
    client.get("/lpse-a/masuk/")
    before = portal_session(client, "lpse-a").session_key

    login(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    assert client.session.session_key != before


def test_shared_npwp_logs_in_on_each_portal_only_with_that_portals_password(shared_npwp):
    user_a, user_b = shared_npwp

    assert login(Client(), "lpse-a", NPWP, PASSWORD_A).status_code == 302
    assert login(Client(), "lpse-b", NPWP, PASSWORD_B).status_code == 302
    assert login(Client(), "lpse-a", NPWP, PASSWORD_B).status_code == 200
    assert login(Client(), "lpse-b", NPWP, PASSWORD_A).status_code == 200


def test_session_of_portal_a_gives_nothing_on_portal_b(client, shared_npwp):
    login(client, "lpse-a", NPWP, PASSWORD_A)

    on_b = client.get("/lpse-b/dasbor/")
    home_b = client.get("/lpse-b/")

    assert on_b.status_code == 302
    assert on_b.headers["Location"].startswith("/lpse-b/masuk/")
    assert not home_b.context["user"].is_authenticated
    assert client.get("/lpse-a/dasbor/").status_code == 200


def test_session_of_portal_a_is_anonymous_on_the_platform_home(client, vendor_a):
    login(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    assert not client.get("/").context["user"].is_authenticated


def test_logging_in_on_portal_b_leaves_the_session_of_portal_a(client, shared_npwp):
    """One browser may be signed in on two portals at once: each portal has its own
    session cookie (docs/decisions/0015-per-portal-cookies.md)."""
    login(client, "lpse-a", NPWP, PASSWORD_A)
    login(client, "lpse-b", NPWP, PASSWORD_B)

    assert client.get("/lpse-b/dasbor/").context["user"] == shared_npwp[1]
    assert client.get("/lpse-a/dasbor/").context["user"] == shared_npwp[0]


def test_logout_is_post_only(client, vendor_a):
    login(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    response = client.get("/lpse-a/keluar/")

    assert response.status_code == 405
    assert client.get("/lpse-a/dasbor/").status_code == 200


def test_logout_ends_the_session_on_the_server(client, vendor_a):
    login(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)
    session_key = client.session.session_key
    stolen = Client()
    stolen.cookies[session_cookie_name("lpse-a")] = session_key
    assert stolen.get("/lpse-a/dasbor/").status_code == 200

    response = client.post("/lpse-a/keluar/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/sudah-keluar/"
    assert not Session.objects.filter(session_key=session_key).exists()
    assert stolen.get("/lpse-a/dasbor/").status_code == 302
    page = client.get("/lpse-a/sudah-keluar/")
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]


def test_logout_on_another_portal_leaves_the_session_alone(client, vendor_a, portal_b):
    login(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    client.post("/lpse-b/keluar/")

    assert client.get("/lpse-a/dasbor/").status_code == 200


def test_unknown_user_and_wrong_password_look_the_same(client, vendor_a):
    unknown_username = "0099999999999000"  # same length as the real one
    wrong_password = login(Client(), "lpse-a", vendor_a.username, "salah-sandi-yang-panjang")
    unknown_user = login(Client(), "lpse-a", unknown_username, "salah-sandi-yang-panjang")

    assert wrong_password.status_code == 200
    assert wrong_password.context["form"].non_field_errors() == (
        unknown_user.context["form"].non_field_errors()
    )
    assert_indistinguishable(
        wrong_password, unknown_user, replace={vendor_a.username: "X", unknown_username: "X"}
    )


def test_inactive_account_gets_the_same_message_as_a_wrong_password(client, vendor_a):
    vendor_a.is_active = False
    vendor_a.save()

    response = login(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        response.context["form"].error_messages["invalid_login"]
    ]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"username": ""},
        {"username": "a" * 5000, "password": "b" * 5000},
        {"username": "\x00", "password": "\x00"},
        {"username": ["a", "b"], "password": "x"},
    ],
)
def test_odd_login_input_never_errors(client, portal_a, data):
    response = client.post("/lpse-a/masuk/", data)

    assert response.status_code == 200
    assert response.text.count("<h1") == 1


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/lpse-a/staf/audit/", "/lpse-a/staf/audit/"),
        ("/lpse-b/dasbor/", "/lpse-a/dasbor/"),
        ("https://evil.example/lpse-a/", "/lpse-a/dasbor/"),
        ("//evil.example/lpse-a/", "/lpse-a/dasbor/"),
        ("/lpse-a-evil/", "/lpse-a/dasbor/"),
        ("/lpse-a/../lpse-b/dasbor/", "/lpse-a/dasbor/"),
        ("/lpse-a/%2e%2e/lpse-b/", "/lpse-a/dasbor/"),
        ("/lpse-a/\\evil.example", "/lpse-a/dasbor/"),
        ("/lpse-a/dasbor/?tab=1", "/lpse-a/dasbor/?tab=1"),
        ("", "/lpse-a/dasbor/"),
    ],
)
def test_next_only_goes_to_paths_of_the_same_portal(client, portal_a, portal_b, next_url, expected):
    make_user(portal_a, username="budi")

    response = login(client, "lpse-a", "budi", DEFAULT_PASSWORD, next=next_url)

    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_anonymous_user_is_sent_to_this_portals_login_with_next(client, portal_a):
    response = client.get("/lpse-a/dasbor/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/masuk/?next=%2Flpse-a%2Fdasbor%2F"


def test_logged_in_user_visiting_login_goes_to_dashboard(client, vendor_a):
    login(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    response = client.get("/lpse-a/masuk/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/dasbor/"


@pytest.mark.parametrize(
    ("role", "heading_fragment"),
    [
        (Role.VENDOR, "panel-vendor"),
        (Role.VERIFIER, "panel-verifier"),
        (Role.HELPDESK, "panel-helpdesk"),
        (Role.PORTAL_ADMIN, "panel-portal-admin"),
    ],
)
def test_dashboard_shows_the_panel_of_the_users_role(client, portal_a, role, heading_fragment):
    user = make_user(portal_a, role=role, username="orang")
    signed_in(user, client=client)

    response = client.get("/lpse-a/dasbor/")

    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    panels = {"panel-vendor", "panel-verifier", "panel-helpdesk", "panel-portal-admin"}
    assert heading_fragment in response.text
    for other in panels - {heading_fragment}:
        assert other not in response.text


def test_private_pages_are_not_cached(client, vendor_a):
    signed_in(vendor_a, client=client)

    response = client.get("/lpse-a/dasbor/")

    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]
