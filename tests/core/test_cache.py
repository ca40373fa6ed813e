"""The shared cache (issue 15, items 1 and 4): the portal and the maintenance windows
looked up once per request and cached across requests when a shared cache is
configured; anonymous public pages served from it, never a signed-in user's or a
session's page, dropped when their content changes; nothing breaks when Redis is down;
and the same behaviour on a real Redis server."""

import logging
import os
import threading
import uuid
from datetime import timedelta

import pytest
import redis
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inaproc.accounts.services.portal_settings import portal_contacts_update
from inaproc.core import cache as cache_module
from inaproc.core.pagecache import CACHE_HEADER
from inaproc.portals.cookies import portal_cookie_name
from tests.announcements.builders import make_announcement, make_window
from tests.cookies import session_cookie_name
from tests.helpers import signed_in
from tests.tenders.public_factories import make_public_package

pytestmark = pytest.mark.django_db

LIST = "/lpse-a/tender/"
PUBLIC_PAGES = ["/", "/lpse-a/", "/lpse-a/pengumuman/", LIST, "/lpse-a/bantuan/"]
# Nothing listens on port 1 of the loopback: connections are refused at once.
CLOSED_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache that is not known to fail."""
    cache.clear()
    cache_module.health.failing = False
    yield
    cache_module.health.failing = False


@pytest.fixture
def shared(settings):
    """Caching across requests on, with the local-memory cache of this process."""
    settings.SHARED_CACHE = True
    return settings


def queries_on(table: str, captured: CaptureQueriesContext) -> int:
    return sum(f'"{table}"' in query["sql"] for query in captured.captured_queries)


def get_counted(client: Client, url: str):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, captured


# --- One portal and maintenance lookup per request ----------------------------------


@pytest.mark.parametrize("url", [*PUBLIC_PAGES[1:], "/lpse-a/masuk/"])
def test_portal_and_maintenance_are_queried_once_per_request_without_a_shared_cache(
    client, portal_a, url
):
    """The host's and the slug's portal come from one query, the maintenance windows
    (middleware and banner) from one, on every page."""
    client.get(url)

    response, captured = get_counted(client, url)

    assert response.status_code == 200
    assert queries_on("portals_portal", captured) == 1
    assert queries_on("announcements_maintenancewindow", captured) == 1


@pytest.mark.parametrize("url", ["/lpse-a/masuk/", "/lpse-a/tender/?q=x"])
def test_portal_and_maintenance_come_from_the_shared_cache(client, shared, portal_a, url):
    """With a shared cache neither the portal nor the maintenance windows are queried
    again, on cached and uncached pages alike."""
    client.get(url)

    response, captured = get_counted(client, url + ("&" if "?" in url else "?") + "n=2")

    assert response.status_code == 200
    assert queries_on("portals_portal", captured) == 0
    assert queries_on("announcements_maintenancewindow", captured) == 0


def test_a_portal_saved_is_seen_at_once(
    client, shared, portal_a, admin_a, django_capture_on_commit_callbacks
):
    """A change of the portal (here its helpdesk phone, shown in every page's footer)
    drops the cached portal and the cached pages."""
    client.get("/lpse-a/masuk/")
    assert "0800-1234" not in client.get("/lpse-a/").text

    with django_capture_on_commit_callbacks(execute=True):
        portal_contacts_update(
            portal=portal_a, actor=admin_a, values={"helpdesk_phone": "0800-1234"}
        )

    assert "0800-1234" in client.get("/lpse-a/masuk/").text
    assert "0800-1234" in client.get("/lpse-a/").text


def test_a_deactivated_portal_answers_404_at_once(
    client, shared, portal_a, django_capture_on_commit_callbacks
):
    """A cached portal does not outlive its deactivation."""
    assert client.get("/lpse-a/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        portal_a.is_active = False
        portal_a.save()

    assert client.get("/lpse-a/").status_code == 404
    assert client.get("/lpse-a/masuk/").status_code == 404


def test_a_domain_portal_is_cached_and_other_portals_stay_hidden_on_its_host(
    client, shared, portal_a, portal_b, django_capture_on_commit_callbacks, settings
):
    """A host that belongs to one portal serves that portal only, from the cache too."""
    settings.ALLOWED_HOSTS = ["*"]
    with django_capture_on_commit_callbacks(execute=True):
        portal_a.domain = "lpse.alpha.go.id"
        portal_a.save()

    for _ in range(2):
        assert client.get("/", HTTP_HOST="lpse.alpha.go.id").status_code == 302
        assert client.get("/lpse-a/", HTTP_HOST="lpse.alpha.go.id").status_code == 200
        assert client.get("/lpse-b/", HTTP_HOST="lpse.alpha.go.id").status_code == 404
        assert client.get("/lpse-b/", HTTP_HOST="testserver").status_code == 200


def test_a_maintenance_window_shows_at_once_and_its_cancellation_too(
    client, shared, portal_a, django_capture_on_commit_callbacks
):
    """Scheduling or cancelling a window drops the cached windows and pages: the banner
    and the 503 follow at once, on every worker (one shared cache)."""
    from inaproc.announcements.services import maintenance_cancel

    client.get("/lpse-a/masuk/")
    client.get(LIST)
    with django_capture_on_commit_callbacks(execute=True):
        window = make_window(portal_a, starts_in=timedelta(minutes=10))

    assert "Pemutakhiran server basis data." in client.get(LIST).text
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert client.get(LIST).status_code == 503
        with django_capture_on_commit_callbacks(execute=True):
            maintenance_cancel(window=window, actor=None)
        assert client.get(LIST).status_code == 200


def test_the_banner_appears_when_its_notice_begins_even_on_a_cached_page(
    client, shared, portal_a, django_capture_on_commit_callbacks
):
    """A cached page expires when a window's notice begins, whatever PAGE_CACHE_SECONDS."""
    shared.PAGE_CACHE_SECONDS = 3600
    with django_capture_on_commit_callbacks(execute=True):
        make_window(
            portal_a,
            starts_in=timedelta(hours=2),
            notice=timedelta(hours=1),
            message="Pemutakhiran besar.",
        )
    first = client.get(LIST)
    assert first.headers[CACHE_HEADER] == "miss"
    assert "Pemutakhiran besar." not in first.text
    assert client.get(LIST).headers[CACHE_HEADER] == "hit"

    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        later = client.get(LIST)

    assert later.headers[CACHE_HEADER] == "miss"
    assert "Pemutakhiran besar." in later.text


# --- Anonymous public pages from the cache ------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_anonymous_public_pages_are_served_from_the_cache(client, shared, portal_a, url):
    """The second anonymous visit of a public page costs no query at all."""
    make_public_package(portal_a, name="Jalan Desa")
    first = client.get(url)

    with CaptureQueriesContext(connection) as captured:
        second = client.get(url)

    assert first.headers[CACHE_HEADER] == "miss"
    assert second.headers[CACHE_HEADER] == "hit"
    assert len(captured) == 0
    assert second.content == first.content
    assert second.status_code == 200


# What differs between two answers of one page, whoever served them.
PER_RESPONSE_HEADERS = {CACHE_HEADER, "X-Request-ID"}


def _headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in PER_RESPONSE_HEADERS}


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_cached_page_is_exactly_the_rendered_page(client, shared, settings, portal_a, url):
    """A hit, answered before the session, CSRF, language and portal middleware run,
    carries the same status, body and headers (security headers, CSP, Vary,
    Content-Language, X-Frame-Options…) as the page the whole stack renders, with and
    without the cache; only the cache's own header and the request id differ."""
    settings.SECURE_HSTS_SECONDS = 3600
    make_public_package(portal_a, name="Jalan Desa")
    settings.SHARED_CACHE = False
    uncached = client.get(url, secure=True)
    settings.SHARED_CACHE = True
    miss = client.get(url, secure=True)
    hit = client.get(url, secure=True)

    assert (miss.headers[CACHE_HEADER], hit.headers[CACHE_HEADER]) == ("miss", "hit")
    assert hit.status_code == miss.status_code == uncached.status_code == 200
    assert hit.content == miss.content == uncached.content
    assert _headers(hit) == _headers(miss) == _headers(uncached)
    assert {"Content-Security-Policy", "Strict-Transport-Security", "Vary"} <= set(hit.headers)
    assert hit.headers["X-Request-ID"] != miss.headers["X-Request-ID"]
    assert not hit.cookies


def test_a_hit_is_one_cache_round_trip_and_nothing_else(client, shared, portal_a, monkeypatch):
    """The page and its versions come in one read; the portal and the maintenance
    windows are not asked for (the page's lifetime already ends at the next change of
    the banner), nor is the database."""
    client.get("/lpse-a/")
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))

    response, captured = get_counted(client, "/lpse-a/")

    assert response.headers[CACHE_HEADER] == "hit"
    assert len(reads) == 1
    assert len(captured) == 0


@pytest.mark.parametrize("url", ["/lpse-a/masuk/kode/", "/lpse-a/tidak-ada/"])
def test_pages_never_cached_cost_no_page_cache_read(client, shared, portal_a, monkeypatch, url):
    """Only `@public_page` and `@public_form_page` views are looked up: another form
    (and a 404) pay no cache round trip for a page that is never stored."""
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))

    client.get(url)

    assert not [key for keys in reads for key in keys if key.startswith("publicpage:")]


def test_another_portals_session_does_not_keep_a_visitor_from_the_cache(
    client, shared, portal_a, portal_b
):
    """Sessions are per portal (ADR 0015): a visitor signed in on portal B is anonymous
    on portal A and gets A's cached page; with a session of A they get their own."""
    client.get("/lpse-a/")
    client.cookies[session_cookie_name("lpse-b")] = "anything"

    assert client.get("/lpse-a/").headers[CACHE_HEADER] == "hit"
    client.cookies[session_cookie_name("lpse-a")] = "anything"
    assert CACHE_HEADER not in client.get("/lpse-a/").headers


def test_a_platform_session_keeps_a_visitor_from_the_platform_pages_cache(client, shared):
    """On the platform's pages the platform's session cookie is the one that counts."""
    client.get("/")
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "anything"

    assert CACHE_HEADER not in client.get("/").headers


def test_a_window_that_starts_is_honoured_by_a_page_cached_before(
    client, shared, portal_a, django_capture_on_commit_callbacks
):
    """A page cached before a window starts is not served during it: the 503 follows,
    although a hit never asks for the windows."""
    shared.PAGE_CACHE_SECONDS = 3600
    with django_capture_on_commit_callbacks(execute=True):
        make_window(portal_a, starts_in=timedelta(minutes=30), notice=timedelta(hours=1))
    client.get(LIST)
    assert client.get(LIST).headers[CACHE_HEADER] == "hit"

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert client.get(LIST).status_code == 503


def test_a_hit_is_counted_in_the_metrics_by_view(client, shared, portal_a):
    """The error-rate alert divides by the responses by view and status: the hits,
    which never reach the view, are counted there under the page's view."""
    from prometheus_client import REGISTRY

    def counted() -> float:
        labels = {"status": "200", "view": "portal_home", "method": "GET"}
        name = "django_http_responses_total_by_status_view_method_total"
        return REGISTRY.get_sample_value(name, labels) or 0

    client.get("/lpse-a/")
    before = counted()

    assert client.get("/lpse-a/").headers[CACHE_HEADER] == "hit"
    assert counted() == before + 1


def test_an_entry_of_another_shape_is_a_miss(client, shared, portal_a, monkeypatch):
    """An entry left by an older release (another layout) is rendered again, not a 500."""
    from inaproc.core import pagecache

    client.get("/lpse-a/")
    monkeypatch.setattr(pagecache, "_ENTRY_FIELDS", pagecache._ENTRY_FIELDS + 1)

    response = client.get("/lpse-a/")

    assert response.status_code == 200
    assert response.headers[CACHE_HEADER] == "miss"


def test_tender_pages_are_served_from_the_cache(client, shared, portal_a):
    package = make_public_package(portal_a, name="Jalan Desa")
    for url in (f"{LIST}{package.code}/", f"{LIST}{package.code}/jadwal/", f"{LIST}?q=jalan"):
        assert client.get(url).headers[CACHE_HEADER] == "miss"
        assert client.get(url).headers[CACHE_HEADER] == "hit"


def test_public_pages_carry_no_per_visitor_state(client, shared, portal_a):
    """A page the same for every anonymous visitor: no CSRF token (the language switch
    works without one), no cookie set, so it can be cached."""
    response = client.get("/lpse-a/")

    assert "csrfmiddlewaretoken" not in response.text
    assert not response.cookies
    assert 'action="/i18n/setlang/"' in response.text


def test_the_language_switch_works_without_a_csrf_token(portal_a):
    """The form has no token; the view accepts the POST even with CSRF checks on, and
    still only returns to a page of this site."""
    client = Client(enforce_csrf_checks=True)

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/lpse-a/"})
    away = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})

    assert switched.status_code == 302
    assert switched.headers["Location"] == "/lpse-a/"
    assert client.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert away.headers["Location"] == "/"


def test_the_login_page_keeps_its_csrf_token_from_the_cache_too(client, shared, portal_a):
    """Login CSRF protection stays: the form carries a token and sets the CSRF cookie,
    for each visitor, also when the page comes from the cache (tests/accounts/
    test_login_page_cache.py has the rest)."""
    first = client.get("/lpse-a/masuk/")
    second = Client().get("/lpse-a/masuk/")

    for page in (first, second):
        assert "csrfmiddlewaretoken" in page.text
        assert portal_cookie_name(django_settings.CSRF_COOKIE_NAME, "lpse-a") in page.cookies
    assert second.headers[CACHE_HEADER] == "hit"


def test_each_language_has_its_own_cached_page(client, shared, portal_a):
    indonesian = client.get(LIST)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(LIST)
    english_again = client.get(LIST)

    assert english.headers[CACHE_HEADER] == "miss"
    assert english_again.headers[CACHE_HEADER] == "hit"
    assert 'lang="en"' in english_again.text
    assert 'lang="id"' in indonesian.text


def test_each_query_has_its_own_cached_page(client, shared, portal_a):
    make_public_package(portal_a, name="Jalan Desa")
    make_public_package(portal_a, name="Gedung Kantor")
    client.get(f"{LIST}?q=jalan")

    gedung = client.get(f"{LIST}?q=gedung")

    assert gedung.headers[CACHE_HEADER] == "miss"
    assert "Gedung Kantor" in gedung.text
    assert "Jalan Desa" not in gedung.text


def test_signed_in_users_are_never_served_a_cached_page(shared, portal_a, vendor_a):
    """A signed-in user's page is rendered for them (it names them), never stored."""
    anonymous = Client()
    anonymous.get("/lpse-a/")
    vendor = signed_in(vendor_a)

    response = vendor.get("/lpse-a/")
    again = vendor.get("/lpse-a/")

    assert CACHE_HEADER not in response.headers
    assert CACHE_HEADER not in again.headers
    assert vendor_a.username in response.text
    assert anonymous.get("/lpse-a/").headers[CACHE_HEADER] == "hit"
    assert vendor_a.username not in anonymous.get("/lpse-a/").text


def test_a_request_with_a_session_is_not_served_from_the_cache(client, shared, portal_a):
    """An anonymous visitor with a session (a message waiting, a form in progress)
    gets their own page."""
    client.get(LIST)
    client.cookies[session_cookie_name("lpse-a")] = "anything"

    response = client.get(LIST)

    assert CACHE_HEADER not in response.headers


def test_errors_are_not_cached(client, shared, portal_a):
    assert client.get(f"{LIST}999999/").status_code == 404
    assert CACHE_HEADER not in client.get(f"{LIST}999999/").headers


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_head_of_a_cached_page_comes_from_the_cache(client, shared, settings, portal_a, url):
    """HEAD is answered from the GET's entry: the headers of a rendered HEAD, no body.
    A HEAD before any GET is rendered and stores nothing."""
    settings.SHARED_CACHE = False
    uncached = client.head(url)
    settings.SHARED_CACHE = True
    first = client.head(url)
    client.get(url)

    head = client.head(url)

    assert uncached.status_code == first.status_code == head.status_code == 200
    assert CACHE_HEADER not in first.headers
    assert head.headers[CACHE_HEADER] == "hit"
    assert head.content == b""
    assert _headers(head) == _headers(uncached)


def test_nothing_is_cached_across_requests_without_a_shared_cache(client, portal_a):
    """Several gunicorn workers with their own local-memory caches could not invalidate
    each other's copies: without SHARED_CACHE every page is rendered."""
    client.get(LIST)

    response, captured = get_counted(client, LIST)

    assert CACHE_HEADER not in response.headers
    assert len(captured) > 0


# --- Invalidation ---------------------------------------------------------------------


def test_a_new_announcement_shows_at_once(
    client, shared, portal_a, django_capture_on_commit_callbacks
):
    for url in ("/lpse-a/", "/lpse-a/pengumuman/"):
        client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        make_announcement(portal_a, title="Libur akhir tahun")

    for url in ("/lpse-a/", "/lpse-a/pengumuman/"):
        response = client.get(url)
        assert response.headers[CACHE_HEADER] == "miss"
        assert "Libur akhir tahun" in response.text


def test_a_change_on_one_portal_keeps_the_other_portals_pages(
    client, shared, portal_a, portal_b, django_capture_on_commit_callbacks
):
    client.get("/lpse-a/pengumuman/")
    client.get("/lpse-b/pengumuman/")

    with django_capture_on_commit_callbacks(execute=True):
        make_announcement(portal_a, title="Hanya Alpha")

    assert client.get("/lpse-a/pengumuman/").headers[CACHE_HEADER] == "miss"
    assert client.get("/lpse-b/pengumuman/").headers[CACHE_HEADER] == "hit"


def test_a_tender_change_audited_drops_the_portals_pages(
    client, shared, portal_a, django_capture_on_commit_callbacks
):
    """Every audited change of public content (here a schedule change, verb
    `tender.*`) drops the portal's cached pages once committed."""
    from inaproc.audit.services import audit_record

    package = make_public_package(portal_a, name="Jalan Desa")
    url = f"{LIST}{package.code}/jadwal/"
    client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        audit_record(actor=None, verb="tender.schedule_changed", target=package, portal=portal_a)

    assert client.get(url).headers[CACHE_HEADER] == "miss"


def test_an_audited_change_of_private_data_keeps_the_pages(
    client, shared, portal_a, django_capture_on_commit_callbacks
):
    """A login lockout or a vendor's own change does not empty the cache."""
    from inaproc.audit.services import audit_record

    client.get(LIST)

    with django_capture_on_commit_callbacks(execute=True):
        audit_record(actor=None, verb="account.locked", target=None, portal=portal_a)

    assert client.get(LIST).headers[CACHE_HEADER] == "hit"


def test_a_change_rolled_back_keeps_the_cache(client, shared, portal_a):
    """Invalidation waits for the commit (a reader must not store old data under the
    new version); a change that never commits drops nothing."""
    from django.db import transaction

    client.get(LIST)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_announcement(portal_a, title="Tidak jadi")
        raise RuntimeError

    assert client.get(LIST).headers[CACHE_HEADER] == "hit"


def test_a_page_expires_after_page_cache_seconds(client, shared, portal_a):
    """What changes with the clock alone (a stage that ends) shows at most
    PAGE_CACHE_SECONDS late."""
    shared.PAGE_CACHE_SECONDS = 60
    client.get(LIST)

    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert client.get(LIST).headers[CACHE_HEADER] == "miss"


# --- Redis down, Redis for real -----------------------------------------------------


def test_pages_are_served_when_redis_is_down_and_the_error_is_logged_once(
    client, settings, portal_a, caplog
):
    """A Redis that refuses connections: every page is served (uncached), one error
    line is logged, and the cache is left alone for a while instead of being asked on
    every request."""
    settings.CACHES = {
        "default": {
            "BACKEND": "inaproc.core.redis_cache.RedisCache",
            "LOCATION": CLOSED_REDIS,
        }
    }
    settings.SHARED_CACHE = True
    make_public_package(portal_a, name="Jalan Desa")

    with caplog.at_level(logging.WARNING, logger="inaproc.core.cache"):
        responses = [client.get(url) for url in [*PUBLIC_PAGES, LIST, "/lpse-a/masuk/"]]
        # Open data too (its rate limit counts in the cache) and the platform's root.
        extra = [client.get(url) for url in ("/", "/?q=jalan", "/ocds/releases/")]

    assert [r.status_code for r in responses] == [200] * len(responses)
    assert [r.status_code for r in extra][:2] == [200, 200]
    assert extra[2].status_code in (200, 204)
    assert "Jalan Desa" in responses[-2].text
    errors = [r for r in caplog.records if r.name == "inaproc.core.cache"]
    assert len(errors) == 1
    assert errors[0].levelno == logging.ERROR


def test_the_cache_is_tried_again_after_a_while_and_the_recovery_logged(
    client, settings, portal_a, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "inaproc.core.redis_cache.RedisCache",
            "LOCATION": CLOSED_REDIS,
        }
    }
    settings.SHARED_CACHE = True
    client.get(LIST)
    assert cache_module.health.failing

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert CACHE_HEADER not in client.get(LIST).headers  # left alone for RETRY_SECONDS
    cache_module.health.retry_at = 0.0  # as if RETRY_SECONDS had passed
    with caplog.at_level(logging.WARNING, logger="inaproc.core.cache"):
        client.get(LIST)
        response = client.get(LIST)

    assert not cache_module.health.failing
    assert response.headers[CACHE_HEADER] == "hit"
    assert any("answers again" in r.getMessage() for r in caplog.records)


def _redis_url() -> str | None:
    """CI sets REDIS_URL (.ci/run); a developer's machine uses its local Redis if one
    answers. Only without both is the test skipped: a REDIS_URL that does not answer
    fails it."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("REDIS_URL"):
            raise
        return None
    return url


def test_pages_portals_and_invalidation_on_a_real_redis(
    client, settings, portal_a, django_capture_on_commit_callbacks
):
    """The production set-up (config/settings/base.py with REDIS_URL): hits, no portal
    or maintenance query, invalidation on change — through a Redis server."""
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis: set REDIS_URL or run one on 127.0.0.1:6379")
    prefix = f"inaproc-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "inaproc.core.redis_cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SHARED_CACHE = True
    try:
        client.get("/lpse-a/pengumuman/")
        response, captured = get_counted(client, "/lpse-a/pengumuman/")
        assert response.headers[CACHE_HEADER] == "hit"
        assert len(captured) == 0

        with django_capture_on_commit_callbacks(execute=True):
            make_announcement(portal_a, title="Lewat Redis")
        changed, captured = get_counted(client, "/lpse-a/pengumuman/")
        assert changed.headers[CACHE_HEADER] == "miss"
        assert "Lewat Redis" in changed.text
        assert queries_on("portals_portal", captured) == 0
        assert not cache_module.health.failing
    finally:  # never FLUSHDB (cache.clear()): only this test's keys
        client_redis = redis.Redis.from_url(url)
        for key in client_redis.scan_iter(f"{prefix}*"):
            client_redis.delete(key)


def test_the_redis_backend_keeps_one_client_per_connection_pool():
    """core/redis_cache.py: Django's backend built a redis-py client for every call; ours
    reuses one per pool (reads and writes share the pool of a single server)."""
    from inaproc.core.redis_cache import RedisCache

    backend = RedisCache(CLOSED_REDIS, {})._cache

    assert backend.get_client() is backend.get_client()
    assert backend.get_client(write=True) is backend.get_client()


# --- Values kept for a while (cached_for) ---------------------------------------------


def test_a_value_kept_in_the_process_is_computed_once_by_concurrent_requests():
    """Threads of one worker asking at once wait for the one computation instead of
    running the same query side by side."""
    calls = []
    started = threading.Event()
    release = threading.Event()

    def compute() -> int:
        calls.append(1)
        started.set()
        release.wait(5)
        return 42

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache_module.cached_for("k", 60, compute)))
        for _ in range(4)
    ]
    threads[0].start()
    started.wait(5)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(5)

    assert results == [42, 42, 42, 42]
    assert len(calls) == 1


def test_a_failed_computation_is_not_kept():
    """An error (the database gone for a moment) reaches the caller and is not remembered:
    the next request computes again."""

    def failing() -> int:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cache_module.cached_for("k", 60, failing)

    assert cache_module.cached_for("k", 60, lambda: 7) == 7
    assert cache_module.cached_for("k", 60, lambda: 8) == 7
