"""Each portal its own session and CSRF cookie (inaproc/portals/cookies.py,
docs/decisions/0015-per-portal-cookies.md): one browser signed in on two portals of a
host, each sign-in and sign-out acting on its own portal only, and every isolation rule
kept.

The test client sends every cookie it holds with every request (it ignores `Path`), so
these tests also prove that a portal reads only its own cookies whatever else arrives."""

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import Client, RequestFactory

from inaproc.accounts.models import UserSession
from inaproc.portals.cookies import PortalCookieMiddleware, portal_cookie_name
from tests.cookies import portal_session, session_cookie_name
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import captcha_answer, login_post, login_with_second_factor, signed_in

pytestmark = pytest.mark.django_db

NPWP = "0012345674101000"
PASSWORD_B = "kata-sandi-lain-di-portal-kedua"


@pytest.fixture
def vendor_b(portal_b):
    """The same company's account on portal B: the same NPWP, another password."""
    return make_user(portal_b, username=NPWP, password=PASSWORD_B)


def user_on(client: Client, slug: str):
    """Who the portal's dashboard is shown to (None: sent to the login page)."""
    response = client.get(f"/{slug}/dasbor/")
    if response.status_code == 302:
        assert response.headers["Location"].startswith(f"/{slug}/masuk/")
        return None
    assert response.status_code == 200
    return response.context["user"]


def both_signed_in(vendor_a, vendor_b) -> Client:
    client = Client()
    assert login_post(client, "lpse-a", NPWP, DEFAULT_PASSWORD).status_code == 302
    assert login_post(client, "lpse-b", NPWP, PASSWORD_B).status_code == 302
    return client


def test_signing_in_on_portal_b_leaves_portal_a_signed_in(vendor_a, vendor_b):
    """The vendor of issue 15 item 2: signing in on a second LPSE of the host keeps the
    first one's session, and each portal shows its own account."""
    client = both_signed_in(vendor_a, vendor_b)

    assert user_on(client, "lpse-a") == vendor_a
    assert user_on(client, "lpse-b") == vendor_b
    key_a = portal_session(client, "lpse-a").session_key
    key_b = portal_session(client, "lpse-b").session_key
    assert key_a != key_b
    assert UserSession.objects.get(session_key=key_a).user == vendor_a
    assert UserSession.objects.get(session_key=key_b).user == vendor_b


def test_the_login_sets_the_cookies_of_its_portal_only(vendor_a):
    """The sign-in's Set-Cookie headers name the portal and carry its path, so a
    browser sends them to that portal's pages only; Django's attributes stay."""
    response = login_post(Client(), "lpse-a", NPWP, DEFAULT_PASSWORD)

    assert sorted(response.cookies) == ["csrftoken_lpse-a", "inaproc_session_lpse-a"]
    for morsel in response.cookies.values():
        assert morsel["path"] == "/lpse-a/"
        assert morsel["httponly"]
        assert morsel["samesite"] == "Lax"


def test_secure_cookies_stay_secure_on_a_portal(settings, vendor_a):
    """Production's Secure flag (SECURE_COOKIES) survives the renaming."""
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True

    response = login_post(Client(), "lpse-a", NPWP, DEFAULT_PASSWORD)

    assert response.cookies["inaproc_session_lpse-a"]["secure"]
    assert response.cookies["csrftoken_lpse-a"]["secure"]


def test_logging_out_of_portal_a_leaves_portal_b_signed_in(vendor_a, vendor_b):
    """Logout ends portal A's session on the server and deletes only A's cookie."""
    client = both_signed_in(vendor_a, vendor_b)
    key_a = portal_session(client, "lpse-a").session_key

    response = client.post("/lpse-a/keluar/")

    assert response.status_code == 302
    assert list(response.cookies) == ["inaproc_session_lpse-a"]
    assert response.cookies["inaproc_session_lpse-a"]["max-age"] == 0
    assert response.cookies["inaproc_session_lpse-a"]["path"] == "/lpse-a/"
    assert not Session.objects.filter(session_key=key_a).exists()
    assert user_on(client, "lpse-a") is None
    assert user_on(client, "lpse-b") == vendor_b


def test_logging_out_of_portal_b_leaves_portal_a_signed_in(vendor_a, vendor_b):
    client = both_signed_in(vendor_a, vendor_b)

    client.post("/lpse-b/keluar/")

    assert user_on(client, "lpse-b") is None
    assert user_on(client, "lpse-a") == vendor_a


def test_a_session_cookie_of_portal_a_does_not_sign_in_on_portal_b(vendor_a, vendor_b):
    """Sent along to portal B's pages (as the test client does), portal A's cookie is not
    read there; and A's session key presented as B's cookie is refused, because the
    session's user belongs to portal A."""
    client = signed_in(vendor_a)
    key_a = portal_session(client, "lpse-a").session_key

    assert user_on(client, "lpse-b") is None
    forged = Client()
    forged.cookies[session_cookie_name("lpse-b")] = key_a
    assert user_on(forged, "lpse-b") is None
    assert user_on(client, "lpse-a") == vendor_a


def test_a_host_wide_session_cookie_is_not_read_on_a_portal(vendor_a):
    """A session cookie under the platform's name (e.g. from before per-portal cookies,
    or set by a platform page) is not what a portal reads, even with a valid key of
    that portal's user."""
    key_a = portal_session(signed_in(vendor_a), "lpse-a").session_key
    legacy = Client()
    legacy.cookies["inaproc_session"] = key_a

    assert user_on(legacy, "lpse-a") is None


def test_login_csrf_is_enforced_per_portal(vendor_a, vendor_b):
    """The login form's token of portal A is worth nothing on portal B, which needs its
    own CSRF cookie; on A it works."""
    client = Client(enforce_csrf_checks=True)
    page_a = client.get("/lpse-a/masuk/")
    token_a = page_a.context["csrf_token"]
    data = {"username": NPWP, "csrfmiddlewaretoken": token_a, **captcha_answer(page_a)}

    on_b = client.post("/lpse-b/masuk/", {**data, "password": PASSWORD_B})
    on_a = client.post("/lpse-a/masuk/", {**data, "password": DEFAULT_PASSWORD})

    assert on_b.status_code == 403
    assert on_a.status_code == 302
    assert user_on(client, "lpse-a") == vendor_a


def test_signing_in_on_portal_b_keeps_the_csrf_token_of_portal_a(vendor_a, vendor_b):
    """A sign-in rotates its portal's CSRF token (django.contrib.auth.login): a form left
    open on portal A still submits after the same browser signs in on portal B."""
    client = Client(enforce_csrf_checks=True)
    page_a = client.get("/lpse-a/masuk/")
    page_b = client.get("/lpse-b/masuk/")
    signed_in_b = client.post(
        "/lpse-b/masuk/",
        {
            "username": NPWP,
            "password": PASSWORD_B,
            "csrfmiddlewaretoken": page_b.context["csrf_token"],
            **captcha_answer(page_b),
        },
    )
    assert signed_in_b.status_code == 302
    assert "csrftoken_lpse-b" in signed_in_b.cookies

    on_a = client.post(
        "/lpse-a/masuk/",
        {
            "username": NPWP,
            "password": DEFAULT_PASSWORD,
            "csrfmiddlewaretoken": page_a.context["csrf_token"],
            **captcha_answer(page_a),
        },
    )

    assert on_a.status_code == 302
    assert user_on(client, "lpse-a") == vendor_a
    assert user_on(client, "lpse-b") == vendor_b


def test_ending_all_other_sessions_on_portal_a_leaves_portal_b(portal_a, vendor_a, vendor_b):
    """Session control acts on the account's sessions of its own portal: the same
    browser's session on portal B is another account's and stays."""
    elsewhere = signed_in(vendor_a, ip="10.0.0.2")
    client = both_signed_in(vendor_a, vendor_b)

    response = client.post("/lpse-a/akun/sesi/akhiri-lainnya/")

    assert response.status_code == 302
    assert user_on(elsewhere, "lpse-a") is None
    assert user_on(client, "lpse-a") == vendor_a
    assert user_on(client, "lpse-b") == vendor_b


def test_a_second_step_half_way_on_portal_a_leaves_portal_b_signed_in(admin_a, vendor_b):
    """The second step of signing in keeps its "half-way in" state in the portal's own
    session: a staff member of portal A may finish it while signed in on portal B, and
    ends signed in on both."""
    client = Client()
    assert login_post(client, "lpse-b", NPWP, PASSWORD_B).status_code == 302

    first = login_with_second_factor(client, "lpse-a", admin_a, DEFAULT_PASSWORD)

    assert first.status_code == 302
    assert user_on(client, "lpse-a") == admin_a
    assert user_on(client, "lpse-b") == vendor_b


def test_a_session_on_portal_a_does_not_keep_portal_b_pages_out_of_the_cache(
    settings, vendor_a, portal_b
):
    """The page cache serves requests without a session cookie (0014): a visitor signed
    in on portal A is anonymous on portal B, and B's public pages come from the cache
    for them; A's pages, which name them, never do."""
    from django.core.cache import cache

    from inaproc.core.pagecache import CACHE_HEADER

    settings.SHARED_CACHE = True
    cache.clear()
    assert Client().get("/lpse-b/").headers[CACHE_HEADER] == "miss"
    client = signed_in(vendor_a)

    on_b = client.get("/lpse-b/")
    on_a = client.get("/lpse-a/")

    assert on_b.headers[CACHE_HEADER] == "hit"
    assert not on_b.cookies
    assert CACHE_HEADER not in on_a.headers
    assert vendor_a.username in on_a.text


# -----------------------------------------------------------------------------
# The middleware alone
# -----------------------------------------------------------------------------
def _through_middleware(path: str, cookies: dict[str, str]) -> tuple[dict, HttpResponse]:
    """What the stack behind the middleware sees of the request's cookies, and the
    response after the middleware, when the stack sets the session and CSRF cookies."""
    seen: dict = {}

    def stack(request):
        seen.update(request.COOKIES)
        response = HttpResponse()
        response.set_cookie("inaproc_session", "new-session", path="/", httponly=True)
        response.set_cookie("csrftoken", "new-secret", path="/", samesite="Lax")
        response.set_cookie("inaproc_language", "en", path="/")
        return response

    request = RequestFactory().get(path)
    request.COOKIES = cookies
    return seen, PortalCookieMiddleware(stack)(request)


def test_on_a_portal_path_the_stack_sees_that_portals_cookies_under_the_usual_names():
    seen, response = _through_middleware(
        "/lpse-a/dasbor/",
        {
            "inaproc_session": "host-wide",
            "inaproc_session_lpse-a": "session-a",
            "inaproc_session_lpse-b": "session-b",
            "csrftoken_lpse-a": "secret-a",
            "inaproc_language": "en",
        },
    )

    assert seen["inaproc_session"] == "session-a"
    assert seen["csrftoken"] == "secret-a"
    assert seen["inaproc_language"] == "en"
    assert sorted(response.cookies) == [
        "csrftoken_lpse-a",
        "inaproc_language",
        "inaproc_session_lpse-a",
    ]
    assert response.cookies["inaproc_session_lpse-a"].value == "new-session"
    assert response.cookies["inaproc_session_lpse-a"]["path"] == "/lpse-a/"
    assert response.cookies["inaproc_session_lpse-a"]["httponly"]
    assert response.cookies["csrftoken_lpse-a"]["samesite"] == "Lax"
    assert response.cookies["inaproc_language"]["path"] == "/"


def test_without_its_own_cookies_a_portal_sees_none_of_the_host_wide_ones():
    seen, _response = _through_middleware(
        "/lpse-b/", {"inaproc_session": "host-wide", "csrftoken": "host-wide"}
    )

    assert "inaproc_session" not in seen
    assert "csrftoken" not in seen


@pytest.mark.parametrize("path", ["/", "/i18n/setlang/", "/captcha/refresh/x/", "/ocds/", "/x.y/"])
def test_platform_paths_keep_the_configured_names_and_path(path):
    seen, response = _through_middleware(path, {"inaproc_session": "platform"})

    assert seen == {"inaproc_session": "platform"}
    assert sorted(response.cookies) == ["csrftoken", "inaproc_language", "inaproc_session"]
    assert response.cookies["inaproc_session"]["path"] == "/"


def test_the_cookie_path_follows_the_script_prefix():
    """Mounted below a prefix (SCRIPT_NAME), the portal's cookies carry the full path."""
    request = RequestFactory().get("/lpse-a/dasbor/", SCRIPT_NAME="/inaproc")

    def stack(request):
        response = HttpResponse()
        response.set_cookie("inaproc_session", "s")
        return response

    response = PortalCookieMiddleware(stack)(request)

    assert response.cookies[portal_cookie_name("inaproc_session", "lpse-a")]["path"] == (
        "/inaproc/lpse-a/"
    )


def test_an_unknown_portal_sets_no_cookie(client, portal_a):
    response = client.post("/tidak-ada/masuk/", {"username": NPWP, "password": "x"})

    assert response.status_code in (403, 404)
    assert not response.cookies
