"""Cross-cutting qualities: language, error pages, headers, structure."""

import re
from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import path
from django.utils import translation

from config.urls import urlpatterns as real_urlpatterns
from inaproc.core.templatetags.inaproc import wib

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "inaproc" / "locale" / "id" / "LC_MESSAGES"


def test_indonesian_is_the_default_even_for_an_english_browser(client, portal_a):
    response = client.get("/lpse-a/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.headers["Content-Language"] == "id"
    assert '<html lang="id">' in response.text
    assert "Masuk" in response.text


def test_language_switch_to_english_and_back(client, portal_a):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/lpse-a/masuk/"})
    english = client.get("/lpse-a/masuk/")
    client.post("/i18n/setlang/", {"language": "id", "next": "/lpse-a/masuk/"})
    indonesian = client.get("/lpse-a/masuk/")

    assert switched.status_code == 302
    assert switched.headers["Location"] == "/lpse-a/masuk/"
    assert '<html lang="en">' in english.text
    assert "Log in" in english.text
    assert '<html lang="id">' in indonesian.text


def test_language_switch_ignores_foreign_next_and_unknown_language(client, portal_a):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    assert '<html lang="id">' in client.get("/").text


def test_every_catalogue_entry_is_translated_and_compiled():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): e for e in mo}

    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    for entry in po.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, f"not compiled: {entry.msgid!r}"
        assert compiled[(entry.msgctxt, entry.msgid)].msgstr == entry.msgstr or entry.msgid_plural


def test_wib_filter_shows_jakarta_time_with_its_zone():
    moment = datetime(2026, 11, 25, 7, 5, tzinfo=UTC)

    with translation.override("id"):
        assert wib(moment) == "25 November 2026 14:05 WIB"
    assert wib(None) == ""


@pytest.mark.parametrize("language", ["id", "en"])
def test_wib_says_what_djangos_date_format_says(language):
    """wib spells out date_format(…, "j F Y H:i") for speed: the same text in every
    month, both languages, single-digit days and hours, a year before 1000."""
    from django.utils import formats, timezone

    moments = [datetime(2026, month, 1, 17, 9, tzinfo=UTC) for month in range(1, 13)]
    moments += [datetime(2026, 12, 31, 23, 59, tzinfo=UTC), datetime(999, 3, 4, 1, 2, tzinfo=UTC)]
    with translation.override(language):
        for moment in moments:
            local = timezone.localtime(moment)
            expected = f"{formats.date_format(local, 'j F Y H:i')} {local.tzname()}"
            assert wib(moment) == expected


@pytest.mark.parametrize(
    "path", ["/", "/lpse-a/", "/lpse-a/masuk/", "/lpse-a/sudah-keluar/", "/tidak-ada/"]
)
@pytest.mark.parametrize("language", ["id", "en"])
def test_public_pages_have_exactly_one_h1_a_skip_link_and_a_main(client, portal_a, path, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    text = client.get(path).text

    assert len(re.findall(r"<h1[\s>]", text)) == 1
    assert 'href="#main"' in text
    assert '<main id="main"' in text
    assert f'<html lang="{language}">' in text


def test_security_headers_are_set(client, portal_a):
    response = client.get("/lpse-a/masuk/")

    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, vendor_a):
    from tests.factories import DEFAULT_PASSWORD
    from tests.helpers import login_post

    response = login_post(client, "lpse-a", vendor_a.username, DEFAULT_PASSWORD)

    for name in ("inaproc_session_lpse-a", "csrftoken_lpse-a"):
        assert response.cookies[name]["httponly"]
        assert response.cookies[name]["samesite"] == "Lax"
        assert response.cookies[name]["path"] == "/lpse-a/"


def test_csrf_failure_shows_a_friendly_page(portal_a):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/lpse-a/masuk/", {"username": "a", "password": "b"})

    assert response.status_code == 403
    assert response.text.count("<h1") == 1


def test_healthz_says_the_process_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.text == "ok"
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), *real_urlpatterns]
handler500 = "inaproc.core.views.server_error"


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_is_bilingual_and_leaks_nothing(portal_a):
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.text
    assert "Something went wrong" in response.text
    assert "RuntimeError" not in response.text
    assert "Traceback" not in response.text


def test_static_assets_are_served_by_the_app(client):
    from django.contrib.staticfiles import finders

    assert finders.find("css/inaproc.css")
    assert finders.find("img/logo.svg")
    base = Path(settings.BASE_DIR) / "inaproc" / "templates" / "base.html"
    assert "http" not in base.read_text().split("<body>")[0].replace("http-equiv", "")


def test_csrf_failure_page_keeps_the_portal(portal_a):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/lpse-a/masuk/", {"username": "a", "password": "b"})

    assert response.context["portal"] == portal_a
    assert "LPSE Alpha" in response.text


def test_a_database_that_cannot_be_reached_gets_a_503_page_with_retry_after(rf):
    """Django calls the 500 view while it handles the exception: a database error (down,
    restarting) becomes a clear 503 with Retry-After, not the generic error page."""
    from django.db import OperationalError

    from inaproc.core.views import server_error

    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(rf.get("/lpse-a/"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Layanan sementara tidak tersedia" in response.content.decode()


def test_any_other_failure_keeps_the_500_page(rf):
    from inaproc.core.views import server_error

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(rf.get("/lpse-a/"))

    assert response.status_code == 500 and "Retry-After" not in response
