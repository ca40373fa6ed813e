"""The public announcement list, detail pages, feeds and the portal home's panel."""

from datetime import timedelta
from xml.etree import ElementTree  # noqa: S405 (our own feed, in a test)

import pytest
from django.utils import timezone

from tests.announcements.builders import make_announcement, make_window

pytestmark = pytest.mark.django_db

LIST = "/lpse-a/pengumuman/"


def test_list_shows_published_announcements_pinned_first_then_newest(client, portal_a):
    now = timezone.now()
    make_announcement(portal_a, title="Lama", publish_at=now - timedelta(days=3))
    make_announcement(portal_a, title="Baru", publish_at=now - timedelta(days=1))
    make_announcement(portal_a, title="Disematkan", publish_at=now - timedelta(days=9), pinned=True)

    text = client.get(LIST).text

    assert text.index("Disematkan") < text.index("Baru") < text.index("Lama")
    assert text.count("<h1") == 1


def test_list_hides_scheduled_ended_and_other_portals_announcements(client, portal_a, portal_b):
    now = timezone.now()
    make_announcement(portal_a, title="Terbit")
    make_announcement(portal_a, title="Terjadwal", publish_at=now + timedelta(hours=1))
    make_announcement(
        portal_a,
        title="Berakhir",
        publish_at=now - timedelta(days=2),
        end_at=now - timedelta(days=1),
    )
    make_announcement(portal_b, title="Portal lain")

    text = client.get(LIST).text

    assert "Terbit" in text
    assert "Terjadwal" not in text
    assert "Berakhir" not in text
    assert "Portal lain" not in text


def test_list_shows_upcoming_maintenance_of_this_portal_and_of_all_portals(
    client, english, portal_a, portal_b
):
    make_window(portal_a, message="Pemeliharaan Alpha")
    make_window(None, message="Pemeliharaan platform")
    make_window(portal_b, message="Pemeliharaan Beta")
    cancelled = make_window(portal_a, message="Dibatalkan")
    cancelled.cancelled_at = timezone.now()
    cancelled.save()

    text = client.get(LIST).text

    assert "Scheduled maintenance" in text
    assert "Pemeliharaan Alpha" in text
    assert "Pemeliharaan platform" in text
    assert "all portals of the platform" in text
    assert "Pemeliharaan Beta" not in text
    assert "Dibatalkan" not in text


def test_list_shows_an_excerpt_as_text_without_markup(client, portal_a):
    make_announcement(portal_a, body="**Tebal** dan <script>alert(1)</script>")

    text = client.get(LIST).text

    assert "Tebal dan" in text
    assert "<script>alert" not in text


def test_list_pages_by_ten_and_survives_garbage_page_numbers(client, portal_a):
    for n in range(11):
        make_announcement(portal_a, title=f"Pengumuman nomor {n:02d}")

    first = client.get(LIST).text
    second = client.get(LIST, {"page": 2}).text

    assert first.count("Pengumuman nomor") == 10
    assert second.count("Pengumuman nomor") == 1
    for page in ("-1", "x", "\x00", "9" * 50):
        assert client.get(LIST, {"page": page}).status_code == 200


def test_detail_shows_the_rendered_body(client, portal_a):
    announcement = make_announcement(
        portal_a, title="Jam layanan", body="# Jadwal\n\n[Formulir](javascript:alert(1))"
    )

    response = client.get(f"{LIST}{announcement.pk}/")

    assert response.status_code == 200
    assert "<h1>Jam layanan</h1>" in response.text
    assert "<h2>Jadwal</h2>" in response.text
    assert "javascript:" not in response.text


def test_detail_is_404_for_scheduled_ended_missing_and_other_portals(client, portal_a, portal_b):
    now = timezone.now()
    scheduled = make_announcement(portal_a, publish_at=now + timedelta(minutes=5))
    ended = make_announcement(
        portal_a, publish_at=now - timedelta(hours=2), end_at=now - timedelta(hours=1)
    )
    other = make_announcement(portal_b)

    for pk in (scheduled.pk, ended.pk, other.pk, 999_999, 10**30):
        assert client.get(f"{LIST}{pk}/").status_code == 404, pk


def test_an_announcement_ends_by_itself(client, portal_a):
    import time_machine

    now = timezone.now()
    announcement = make_announcement(portal_a, end_at=now + timedelta(hours=1))

    assert client.get(f"{LIST}{announcement.pk}/").status_code == 200
    with time_machine.travel(now + timedelta(hours=1, seconds=1)):
        assert client.get(f"{LIST}{announcement.pk}/").status_code == 404


def test_rss_feed_lists_published_items_with_absolute_links(client, portal_a, portal_b):
    announcement = make_announcement(portal_a, title="Untuk umpan", body="**Isi** umpan")
    make_announcement(portal_a, title="Belum", publish_at=timezone.now() + timedelta(hours=1))
    make_announcement(portal_b, title="Portal lain")

    response = client.get(f"{LIST}rss/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = ElementTree.fromstring(response.content).find("channel")  # noqa: S314
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Untuk umpan"]
    assert items[0].findtext("link") == f"http://testserver/lpse-a/pengumuman/{announcement.pk}/"
    assert "<strong>Isi</strong>" in items[0].findtext("description")
    assert channel.findtext("link") == "http://testserver/lpse-a/pengumuman/"


def test_atom_feed_is_atom_with_absolute_links(client, portal_a):
    announcement = make_announcement(portal_a, title="Untuk Atom")

    response = client.get(f"{LIST}atom/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ElementTree.fromstring(response.content)  # noqa: S314
    entry = feed.find("a:entry", ns)
    assert entry.findtext("a:title", namespaces=ns) == "Untuk Atom"
    link = entry.find("a:link", ns).get("href")
    assert link == f"http://testserver/lpse-a/pengumuman/{announcement.pk}/"


def test_feeds_of_an_unknown_portal_are_404(client, db):
    assert client.get("/tidak-ada/pengumuman/rss/").status_code == 404
    assert client.get("/tidak-ada/pengumuman/atom/").status_code == 404


def test_portal_home_shows_the_three_latest_with_links_to_list_and_feeds(client, english, portal_a):
    now = timezone.now()
    for n in range(4):
        make_announcement(portal_a, title=f"Kabar {n}", publish_at=now - timedelta(hours=4 - n))

    text = client.get("/lpse-a/").text

    assert "Latest announcements" in text
    assert "Kabar 3" in text and "Kabar 2" in text and "Kabar 1" in text
    assert "Kabar 0" not in text
    assert 'href="/lpse-a/pengumuman/"' in text
    assert 'href="/lpse-a/pengumuman/rss/"' in text
    assert 'href="/lpse-a/pengumuman/atom/"' in text
    assert text.count("<h1") == 1


def test_every_portal_page_links_to_the_announcements(client, english, portal_a):
    text = client.get("/lpse-a/masuk/").text

    assert '<a href="/lpse-a/pengumuman/">Announcements</a>' in text


def test_every_portal_page_names_its_feeds_for_feed_readers(client, portal_a):
    """Feed readers find the feeds from any page of the portal (<link rel=alternate>)."""
    page = client.get("/lpse-a/masuk/").text

    assert 'rel="alternate" type="application/rss+xml" href="/lpse-a/pengumuman/rss/"' in page
    assert 'rel="alternate" type="application/atom+xml" href="/lpse-a/pengumuman/atom/"' in page


def test_the_platform_home_names_no_portal_feed(client, portal_a):
    assert 'rel="alternate"' not in client.get("/").text
