"""The portal directory at the platform root (issue 18, item 5): find the right LPSE by
name, institution or region, with each portal's address, helpdesk contacts and count
of open tenders; inactive portals never listed."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inaproc.core import cache as cache_module
from inaproc.core.cache import process_memo
from inaproc.search.selectors import DIRECTORY_COUNTS_KEY, open_tender_counts, portal_directory
from inaproc.tenders.models import PackageState
from tests.factories import make_portal
from tests.tenders.public_factories import make_public_package

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def listed(response) -> list[str]:
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', response.text)


def test_directory_lists_active_portals_with_address_and_contacts(client, english, portal_a):
    portal_a.helpdesk_phone = "022 1234 567"
    portal_a.helpdesk_email = "lpse@alpha.go.id"
    portal_a.helpdesk_hours = "Senin–Jumat 08.00–16.00"
    portal_a.helpdesk_address = "Jl. Merdeka 1, Bandung"
    portal_a.save()
    closed = make_portal("lpse-mati", name="LPSE Mati", institution="Dinas Tutup")
    closed.is_active = False
    closed.save()

    response = client.get("/")

    assert listed(response) == ["LPSE Alpha"]
    assert 'href="tel:0221234567"' in response.text
    assert 'href="mailto:lpse@alpha.go.id"' in response.text
    assert "Senin–Jumat 08.00–16.00" in response.text
    assert "Jl. Merdeka 1, Bandung" in response.text
    assert "testserver/lpse-a/" in response.text


def test_a_portal_with_its_own_domain_shows_that_address(client, portal_a):
    portal_a.domain = "lpse.alpha.go.id"
    portal_a.save()

    assert 'href="https://lpse.alpha.go.id/"' in client.get("/").text


def test_directory_finds_a_portal_by_name_institution_or_region(client, portal_a, portal_b):
    portal_b.helpdesk_address = "Jl. Asia Afrika, Kota Bandung"
    portal_b.save()

    assert listed(client.get("/", {"lpse": "alpha"})) == ["LPSE Alpha"]
    assert listed(client.get("/", {"lpse": "kota beta"})) == ["LPSE Beta"]
    assert listed(client.get("/", {"lpse": "bandung"})) == ["LPSE Beta"]
    assert listed(client.get("/", {"lpse": "surabaya"})) == []


def test_directory_finds_portals_with_tenders_in_a_province(client, portal_a, portal_b):
    make_public_package(portal_a, provinces=("bali",))
    make_public_package(portal_b, provinces=("jawa_barat",))
    make_public_package(portal_b, state=PackageState.DRAFT, provinces=("bali",))

    assert listed(client.get("/", {"wilayah": "bali"})) == ["LPSE Alpha"]


def test_open_tender_counts_follow_the_clock_and_leave_out_drafts(portal_a, portal_b):
    make_public_package(portal_a, running="upload_penawaran")
    make_public_package(portal_a, starts_in=timedelta(days=1))
    make_public_package(portal_a, finished=True)
    make_public_package(portal_a, state=PackageState.DRAFT)
    make_public_package(portal_a, state=PackageState.CANCELLED)

    assert open_tender_counts() == {portal_a.pk: 2}
    assert [p.open_tenders for p in portal_directory()] == [2, 0]


def test_the_directory_shows_the_count_and_links_to_those_tenders(client, portal_a):
    make_public_package(portal_a, running="upload_penawaran")

    response = client.get("/")

    assert '<a href="/?portal=lpse-a&amp;tahap=open">1</a>' in response.text


@pytest.mark.parametrize(
    "params",
    [{"lpse": "x" * 10_000}, {"lpse": "a\x00b"}, {"wilayah": "mars"}, {"lpse": "' OR 1=1 --"}],
)
def test_odd_directory_searches_answer_a_page(client, portal_a, params):
    response = client.get("/", params)

    assert response.status_code == 200
    assert response.text.count("<h1") == 1


# --- The counts without a shared cache ------------------------------------------------


def count_queries(captured) -> int:
    """The open-tender count: the one query grouping the platform's tenders by portal."""
    return sum(
        q["sql"].startswith('SELECT "tenders_package"."portal_id"') and "GROUP BY" in q["sql"]
        for q in captured.captured_queries
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """The clock of the process's memory, moved by the test."""
    fake = FakeClock()
    monkeypatch.setattr(process_memo, "clock", fake)
    return fake


def test_without_a_shared_cache_each_worker_counts_at_most_once_a_minute(
    client, settings, portal_a, clock
):
    """No REDIS_URL (SHARED_CACHE off): the counts, which read every open tender of the
    platform, are kept in the process for a minute instead of being counted on every
    request; after the minute a new tender shows."""
    assert not settings.SHARED_CACHE
    make_public_package(portal_a, running="upload_penawaran")

    with CaptureQueriesContext(connection) as captured:
        first = client.get("/")
        second = client.get("/")
    counted = count_queries(captured)  # read now: the next request empties the query log
    make_public_package(portal_a, running="upload_penawaran")
    clock.now += 59
    within_the_minute = client.get("/")
    clock.now += 2
    after_the_minute = client.get("/")

    assert counted == 1
    assert '<a href="/?portal=lpse-a&amp;tahap=open">1</a>' in first.text
    assert '<a href="/?portal=lpse-a&amp;tahap=open">1</a>' in second.text
    assert '<a href="/?portal=lpse-a&amp;tahap=open">1</a>' in within_the_minute.text
    assert '<a href="/?portal=lpse-a&amp;tahap=open">2</a>' in after_the_minute.text


def test_with_redis_down_the_counts_are_kept_in_the_process(client, settings, portal_a, clock):
    """A shared cache that fails answers like no cache: the counts fall back to the
    process's memory rather than to a count on every request."""
    settings.CACHES = {
        "default": {
            "BACKEND": "inaproc.core.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    settings.SHARED_CACHE = True
    make_public_package(portal_a, running="upload_penawaran")
    try:
        with CaptureQueriesContext(connection) as captured:
            responses = [client.get("/") for _ in range(3)]
    finally:
        cache_module.health.failing = False

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert count_queries(captured) == 1


def test_with_a_shared_cache_the_counts_are_shared_not_kept_in_the_process(
    client, settings, portal_a
):
    """With a shared cache every worker reads the one copy (one count per minute for the
    platform), and the process keeps none of its own."""
    settings.SHARED_CACHE = True
    make_public_package(portal_a, running="upload_penawaran")

    client.get("/")

    assert cache.get(DIRECTORY_COUNTS_KEY) == {portal_a.pk: 1}
    assert process_memo.entries == {}
