"""RSS and Atom feeds of a portal's new tenders: newest first, absolute links to the
announcement, only public tenders of that portal, a bounded number of queries."""

from datetime import timedelta
from xml.etree import ElementTree  # noqa: S405 (our own feed, in a test)

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inaproc.tenders.models import PackageState
from tests.tenders.public_factories import make_public_package

pytestmark = pytest.mark.django_db

FEEDS = "/lpse-a/tender/"
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def test_rss_lists_new_public_tenders_newest_first_with_absolute_links(client, portal_a, portal_b):
    now = timezone.now()
    older = make_public_package(portal_a, name="Lama", published_at=now - timedelta(days=3))
    newer = make_public_package(portal_a, name="Baru", published_at=now - timedelta(hours=1))
    make_public_package(
        portal_a, name="Batal", state=PackageState.CANCELLED, published_at=now - timedelta(days=2)
    )
    make_public_package(portal_a, name="Draf", state=PackageState.DRAFT)
    make_public_package(portal_a, name="Di Pokja", state=PackageState.ASSIGNED)
    make_public_package(portal_b, name="Portal lain")

    response = client.get(f"{FEEDS}rss/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = ElementTree.fromstring(response.content).find("channel")  # noqa: S314
    items = channel.findall("item")
    titles = [item.findtext("title") for item in items]
    assert titles == [f"{newer.code} Baru", titles[1], f"{older.code} Lama"]
    assert titles[1].endswith("Batal (dibatalkan)")
    assert items[0].findtext("link") == f"http://testserver/lpse-a/tender/{newer.code}/"
    assert "Rp 1.700.000.000,00" in items[0].findtext("description")
    assert "Spesifikasi teknis salah." in items[1].findtext("description")
    assert channel.findtext("link") == "http://testserver/lpse-a/tender/"


def test_atom_is_atom_with_absolute_links(client, portal_a):
    package = make_public_package(portal_a, name="Untuk Atom")

    response = client.get(f"{FEEDS}atom/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    entry = ElementTree.fromstring(response.content).find("a:entry", ATOM)  # noqa: S314
    assert entry.findtext("a:title", namespaces=ATOM) == f"{package.code} Untuk Atom"
    link = entry.find("a:link", ATOM).get("href")
    assert link == f"http://testserver/lpse-a/tender/{package.code}/"


def test_feeds_of_an_unknown_portal_are_404(client, db):
    assert client.get("/tidak-ada/tender/rss/").status_code == 404
    assert client.get("/tidak-ada/tender/atom/").status_code == 404


def test_feed_queries_do_not_grow_with_the_number_of_tenders(client, portal_a):
    make_public_package(portal_a)
    client.get(f"{FEEDS}rss/")
    with CaptureQueriesContext(connection) as one:
        client.get(f"{FEEDS}rss/")
    for n in range(10):
        make_public_package(portal_a, name=f"Paket {n}")
    with CaptureQueriesContext(connection) as eleven:
        client.get(f"{FEEDS}rss/")

    assert len(one) == len(eleven)
