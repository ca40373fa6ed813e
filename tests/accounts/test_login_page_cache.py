"""The login form and the password reset request from the page cache (issue 15 item 1,
core/pagecache.py "holes"): stored with the visitor's CSRF token and CAPTCHA challenge
cut out, served with fresh ones made by Django's CSRF machinery and django-simple-captcha;
byte for byte the rendered page apart from those values; never a page that depends on
who asks; login CSRF protection and the CAPTCHA as strong as when rendered."""

import re
from datetime import timedelta

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import _does_token_match
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inaproc.core import cache as cache_module
from inaproc.core import pagecache
from inaproc.core.pagecache import CACHE_HEADER
from inaproc.portals.cookies import portal_cookie_name
from inaproc.portals.models import CaptchaMode
from tests.announcements.builders import make_window
from tests.cookies import session_cookie_name
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import captcha_answer

pytestmark = pytest.mark.django_db

LOGIN = "/lpse-a/masuk/"
RESET = "/lpse-a/lupa-kata-sandi/"
CSRF_COOKIE = portal_cookie_name(django_settings.CSRF_COOKIE_NAME, "lpse-a")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
KEY = re.compile(r'name="captcha_0" value="([0-9a-f]{40})"')
# What differs between two answers of one page, whoever served them.
PER_RESPONSE_HEADERS = {CACHE_HEADER, "X-Request-ID"}


@pytest.fixture(autouse=True)
def shared(settings):
    """An empty shared cache (this process's memory), known to work."""
    settings.SHARED_CACHE = True
    cache.clear()
    cache_module.health.failing = False
    yield settings
    cache_module.health.failing = False


def tokens(response) -> set[str]:
    return set(TOKEN.findall(response.content.decode()))


def key_of(response) -> str:
    return KEY.search(response.content.decode()).group(1)


def masked(response) -> bytes:
    """The page with its CSRF tokens and CAPTCHA key replaced by fixed text."""
    body = response.content.decode()
    for token in tokens(response):
        body = body.replace(token, "<token>")
    match = KEY.search(body)
    if match:
        body = body.replace(match.group(1), "<key>")
    return body.encode()


def headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in PER_RESPONSE_HEADERS}


def sign_in_data(user, *, token_page, captcha_page) -> dict[str, str]:
    """The right password, the CSRF token of one page, the CAPTCHA of another."""
    return {
        "csrfmiddlewaretoken": tokens(token_page).pop(),
        "username": user.username,
        "password": DEFAULT_PASSWORD,
        **captcha_answer(captcha_page),
    }


def cookie_attributes(response) -> dict[str, str]:
    morsel = response.cookies[CSRF_COOKIE]
    return {name: morsel[name] for name in ("path", "max-age", "samesite", "httponly", "secure")}


@pytest.mark.parametrize("url", [LOGIN, RESET])
def test_a_cached_form_page_is_the_rendered_page_with_its_own_token_and_challenge(
    settings, portal_a, url
):
    """Status, headers (Vary, Cache-Control, Expires, security headers), the CSRF cookie
    and the body are those of a render; only the token and the CAPTCHA key differ."""
    settings.SECURE_HSTS_SECONDS = 3600
    with time_machine.travel("2026-12-07 10:00:00 +0000", tick=False):
        settings.SHARED_CACHE = False
        uncached = Client().get(url, secure=True)
        settings.SHARED_CACHE = True
        miss = Client().get(url, secure=True)
        hit = Client().get(url, secure=True)

    assert (miss.headers[CACHE_HEADER], hit.headers[CACHE_HEADER]) == ("miss", "hit")
    assert CACHE_HEADER not in uncached.headers
    assert hit.status_code == miss.status_code == uncached.status_code == 200
    assert masked(hit) == masked(miss) == masked(uncached)
    assert headers(hit) == headers(miss) == headers(uncached)
    assert "no-store" in hit.headers["Cache-Control"]
    assert cookie_attributes(hit) == cookie_attributes(miss) == cookie_attributes(uncached)
    assert len(tokens(hit)) == 1
    assert tokens(hit) != tokens(miss)


def test_the_login_page_from_the_cache_costs_one_captcha_insert_and_nothing_else(portal_a):
    """A hit writes its visitor's challenge (one INSERT) and reads nothing from the
    database: no portal, no maintenance window, no session."""
    Client().get(LOGIN)

    with CaptureQueriesContext(connection) as captured:
        hit = Client().get(LOGIN)

    assert hit.headers[CACHE_HEADER] == "hit"
    statements = [query["sql"] for query in captured.captured_queries]
    assert len(statements) == 1
    assert statements[0].startswith('INSERT INTO "captcha_captchastore"')


def test_two_visitors_never_get_the_same_token_or_challenge(portal_a):
    """Every hit has its own CSRF secret (its own cookie) and its own CAPTCHA row."""
    Client().get(LOGIN)
    rows_before = CaptchaStore.objects.count()

    pages = [Client().get(LOGIN) for _ in range(3)]

    assert [page.headers[CACHE_HEADER] for page in pages] == ["hit"] * 3
    keys = [key_of(page) for page in pages]
    secrets = [page.cookies[CSRF_COOKIE].value for page in pages]
    assert len(set(keys)) == len(set(secrets)) == 3
    assert CaptchaStore.objects.count() == rows_before + 3
    assert CaptchaStore.objects.filter(hashkey__in=keys).count() == 3
    for page, secret in zip(pages, secrets, strict=True):
        (token,) = tokens(page)
        assert _does_token_match(token, secret)
        assert f"/captcha/image/{key_of(page)}/" in page.content.decode()


def test_a_returning_visitor_keeps_their_csrf_secret_on_a_hit(portal_a):
    """As at a render: the token is made from the secret of the visitor's cookie, and
    the cookie is sent again with the same value (its expiry renewed)."""
    client = Client()
    first = client.get(LOGIN)
    secret = first.cookies[CSRF_COOKIE].value

    again = client.get(LOGIN)

    assert again.headers[CACHE_HEADER] == "hit"
    assert again.cookies[CSRF_COOKIE].value == secret
    (token,) = tokens(again)
    assert _does_token_match(token, secret)


def test_a_malformed_csrf_cookie_gets_a_new_secret_on_a_hit(portal_a):
    Client().get(LOGIN)
    client = Client()
    client.cookies[CSRF_COOKIE] = "not-a-csrf-secret!"

    hit = client.get(LOGIN)

    assert hit.headers[CACHE_HEADER] == "hit"
    secret = hit.cookies[CSRF_COOKIE].value
    assert secret != "not-a-csrf-secret!"
    assert _does_token_match(tokens(hit).pop(), secret)


def test_a_vendor_signs_in_through_a_cached_login_page_with_csrf_checks_on(portal_a, vendor_a):
    """The token and the challenge a hit gives are the real thing: the POST passes
    Django's CSRF check and the CAPTCHA, and signs in."""
    Client().get(LOGIN)
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN)
    assert page.headers[CACHE_HEADER] == "hit"

    response = client.post(LOGIN, sign_in_data(vendor_a, token_page=page, captcha_page=page))

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/dasbor/"


def test_another_visitors_token_is_refused(portal_a, vendor_a):
    """A token from visitor A's cached page does not pass with visitor B's cookie."""
    Client().get(LOGIN)
    alice, mallory = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    alice_page = alice.get(LOGIN)
    mallory_page = mallory.get(LOGIN)

    data = sign_in_data(vendor_a, token_page=alice_page, captcha_page=mallory_page)
    response = mallory.post(LOGIN, data)

    assert response.status_code == 403
    assert session_cookie_name("lpse-a") not in response.cookies


def test_a_challenge_of_a_cached_page_works_once(portal_a, vendor_a):
    """A reused challenge is refused (django-simple-captcha deletes it at its first
    answer), and the page shown again is rendered, not taken from the cache."""
    Client().get(LOGIN)
    client = Client()
    answer = captcha_answer(client.get(LOGIN))
    data = {"username": vendor_a.username, "password": "salah-sekali-123", **answer}
    client.post(LOGIN, data)

    again = client.post(LOGIN, {**data, "password": DEFAULT_PASSWORD})

    assert again.status_code == 200
    assert "captcha" in again.context["form"].errors
    assert CACHE_HEADER not in again.headers


@pytest.mark.parametrize("key", ["0" * 40, "../../etc", "", "x" * 5000])
def test_a_tampered_captcha_key_is_refused_without_an_error(portal_a, vendor_a, key):
    Client().get(LOGIN)
    client = Client()
    page = client.get(LOGIN)
    answer = {**captcha_answer(page), "captcha_0": key}

    response = client.post(
        LOGIN, {"username": vendor_a.username, "password": DEFAULT_PASSWORD, **answer}
    )

    assert response.status_code == 200
    assert "captcha" in response.context["form"].errors


def test_a_visitor_with_a_session_gets_a_rendered_page(portal_a):
    """A session (a CAPTCHA asked for after a failure, a message, a signed-in user) is
    the visitor's own page: never read from nor written to the cache."""
    Client().get(LOGIN)
    client = Client()
    client.cookies[session_cookie_name("lpse-a")] = "anything"

    response = client.get(LOGIN)

    assert response.status_code == 200
    assert CACHE_HEADER not in response.headers


def test_a_page_that_depends_on_the_address_is_never_stored(portal_a):
    """'CAPTCHA after a failure' portals show the CAPTCHA by the visitor's address (a
    failure from it): their login page is rendered for every visitor."""
    portal_a.captcha_mode = CaptchaMode.AFTER_FAILURE
    portal_a.save()

    first = Client().get(LOGIN)
    second = Client().get(LOGIN)

    assert first.headers[CACHE_HEADER] == second.headers[CACHE_HEADER] == "miss"


def test_the_next_parameter_is_validated_in_the_cached_page(portal_a):
    """`next` is part of the page's key, and only a path of this portal is kept."""
    inside = f"{LOGIN}?next=/lpse-a/dasbor/"
    outside = f"{LOGIN}?next=https://evil.example/"
    Client().get(inside)
    Client().get(outside)

    kept, dropped = Client().get(inside), Client().get(outside)

    assert kept.headers[CACHE_HEADER] == dropped.headers[CACHE_HEADER] == "hit"
    assert 'name="next" value="/lpse-a/dasbor/"' in kept.content.decode()
    assert 'data-next="/lpse-a/dasbor/"' in kept.content.decode()
    # (The language switch's own `next`, the page's address, is checked by set_language.)
    assert 'name="next" value=""' in dropped.content.decode()
    assert 'data-next=""' in dropped.content.decode()


def test_a_portal_change_and_a_language_give_their_own_page(
    portal_a, django_capture_on_commit_callbacks
):
    Client().get(LOGIN)
    with django_capture_on_commit_callbacks(execute=True):
        portal_a.name = "LPSE Alfa Baru"
        portal_a.save()
    english = Client()
    english.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    renamed = Client().get(LOGIN)
    in_english = english.get(LOGIN)

    assert renamed.headers[CACHE_HEADER] == in_english.headers[CACHE_HEADER] == "miss"
    assert "LPSE Alfa Baru" in renamed.content.decode()
    assert 'lang="en"' in in_english.content.decode()


def test_a_maintenance_window_that_starts_is_honoured_by_the_cached_forms(
    settings, portal_a, django_capture_on_commit_callbacks
):
    """Cached before a window, the forms end with its start: the password reset request
    is then refused (503), the login form (open during windows, so that staff can sign
    in) is rendered again with the window's banner."""
    settings.PAGE_CACHE_SECONDS = 3600
    with django_capture_on_commit_callbacks(execute=True):
        make_window(portal_a, starts_in=timedelta(minutes=30), notice=timedelta(hours=1))
    for url in (LOGIN, RESET):
        Client().get(url)
        assert Client().get(url).headers[CACHE_HEADER] == "hit"

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        reset, login = Client().get(RESET), Client().get(LOGIN)

    assert reset.status_code == 503
    assert login.status_code == 200
    assert login.headers[CACHE_HEADER] == "miss"


def test_a_failed_login_is_rendered_not_cached(portal_a, vendor_a):
    """A bound form (errors, the typed username) is the visitor's own: POSTs are never
    looked up nor stored, and the next visitor gets the blank form."""
    client = Client()
    page = client.get(LOGIN)
    response = client.post(
        LOGIN, {"username": "orang-lain", "password": "salah-sekali-123", **captcha_answer(page)}
    )

    after = Client().get(LOGIN)

    assert CACHE_HEADER not in response.headers
    assert "orang-lain" in response.content.decode()
    assert "orang-lain" not in after.content.decode()


def test_a_page_with_a_value_no_maker_can_renew_is_not_stored(portal_a, monkeypatch):
    """A per-visitor value recorded under a name with no maker (e.g. a challenge of
    another lifetime) keeps the page out of the cache."""
    real_hole = pagecache.page_hole
    monkeypatch.setattr(
        "inaproc.accounts.captcha.page_hole", lambda name, value: real_hole("unknown", value)
    )

    Client().get(LOGIN)
    second = Client().get(LOGIN)

    assert second.headers[CACHE_HEADER] == "miss"


def test_an_entry_whose_holes_no_maker_fills_is_a_miss(portal_a, monkeypatch):
    """An entry of an older release (a hole this release cannot fill) is rendered again."""
    Client().get(LOGIN)
    monkeypatch.delitem(pagecache._HOLE_MAKERS, "captcha")

    response = Client().get(LOGIN)

    assert response.status_code == 200
    assert response.headers[CACHE_HEADER] == "miss"
    assert len(KEY.findall(response.content.decode())) == 1


def test_form_pages_are_not_stored_when_the_csrf_secret_lives_in_the_session(settings, portal_a):
    """With CSRF_USE_SESSIONS a render writes the secret into a new session: that page
    is its visitor's (a hit, before the session middleware, could not keep it)."""
    settings.CSRF_USE_SESSIONS = True
    Client().get(RESET)

    assert Client().get(RESET).headers[CACHE_HEADER] == "miss"


def test_head_of_a_cached_form_page_is_a_hit_without_a_body(portal_a):
    Client().get(LOGIN)

    head = Client().head(LOGIN)
    get = Client().get(LOGIN)

    assert head.headers[CACHE_HEADER] == "hit"
    assert head.status_code == 200
    assert head.content == b""
    assert headers(head).keys() == headers(get).keys()


# --- Challenges made in batches (outside a transaction, as in production) --------------


@pytest.mark.django_db(transaction=True)
def test_hits_take_their_challenges_from_one_insert_each_its_own(portal_a, vendor_a):
    """Outside a transaction a hit hands out the next challenge of a batch made in one
    INSERT: five hits, one statement, five different challenges, each a row that signs
    its visitor in."""
    Client().get(LOGIN)

    with CaptureQueriesContext(connection) as captured:
        clients = [Client() for _ in range(5)]
        pages = [client.get(LOGIN) for client in clients]

    assert [page.headers[CACHE_HEADER] for page in pages] == ["hit"] * 5
    statements = [
        query["sql"]
        for query in captured.captured_queries
        # bulk_create's own transaction ("BEGIN IMMEDIATE" on SQLite)
        if not query["sql"].startswith(("BEGIN", "COMMIT"))
    ]
    assert len(statements) == 1
    assert statements[0].startswith('INSERT INTO "captcha_captchastore"')
    keys = [key_of(page) for page in pages]
    assert len(set(keys)) == 5
    assert CaptchaStore.objects.filter(hashkey__in=keys).count() == 5
    client, page = clients[3], pages[3]
    response = client.post(
        LOGIN,
        {
            "csrfmiddlewaretoken": tokens(page).pop(),
            "username": vendor_a.username,
            "password": DEFAULT_PASSWORD,
            **captcha_answer(page),
        },
    )
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_no_challenge_of_a_batch_is_handed_out_twice():
    """Each challenge goes to one visitor: across several batches no key comes twice, and
    each is a stored challenge with its whole lifetime left but the batch's age."""
    from inaproc.accounts.captcha import CHALLENGE_BATCH, CHALLENGE_BATCH_SECONDS, new_challenge

    keys = [new_challenge(None) for _ in range(2 * CHALLENGE_BATCH + 1)]

    assert len(set(keys)) == len(keys)
    rows = CaptchaStore.objects.filter(hashkey__in=keys)
    assert rows.count() == len(keys)
    soonest = min(row.expiration for row in rows)
    assert soonest - timezone.now() > timedelta(
        minutes=django_settings.CAPTCHA_TIMEOUT, seconds=-CHALLENGE_BATCH_SECONDS
    )


@pytest.mark.django_db(transaction=True)
def test_a_batch_too_old_or_made_before_a_fork_is_not_used(monkeypatch):
    """A batch older than CHALLENGE_BATCH_SECONDS (its challenges would have less time
    left) or made by the parent of a forked worker (the other workers have the same keys)
    is dropped; its remaining keys are never handed out."""
    from inaproc.accounts import captcha

    first = captcha.new_challenge(None)
    leftover = set(captcha._batch.keys)
    now = captcha.time.monotonic()
    monkeypatch.setattr(
        captcha.time, "monotonic", lambda: now + captcha.CHALLENGE_BATCH_SECONDS + 1
    )
    after_a_while = captcha.new_challenge(None)
    leftover |= set(captcha._batch.keys)
    parent = captcha.os.getpid()
    monkeypatch.setattr(captcha.os, "getpid", lambda: parent + 1)
    in_a_child = [captcha.new_challenge(None) for _ in range(3)]

    assert after_a_while not in leftover | {first}
    assert not leftover & {after_a_while, *in_a_child}
    assert len({first, after_a_while, *in_a_child}) == 5


def test_inside_a_transaction_a_challenge_is_made_alone(portal_a):
    """A batch made inside a transaction that rolls back would hand out keys of rows that
    do not exist: inside one, each challenge is its own row, as at a render."""
    from inaproc.accounts.captcha import _batch, new_challenge

    key = new_challenge(None)

    assert CaptchaStore.objects.filter(hashkey=key).exists()
    assert not _batch.keys
