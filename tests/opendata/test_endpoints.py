"""The public endpoints: release and record packages paginated by the sequence cursor,
one tender's record, ETags and cache headers, the rate limit, and bad cursors and page
sizes answered with a 400 or a clamped page, never a 500."""

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from inaproc.opendata import validation
from inaproc.opendata.models import Release
from inaproc.opendata.services import releases_backfill
from inaproc.opendata.views import MAX_LIMIT
from inaproc.tenders.services.publication import tender_cancel
from tests.tenders.participation_factories import published_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenders(portal_a, portal_b):
    """Three public tenders on portal A (one cancelled since) and two on portal B."""
    a = [published_tender(portal_a) for _ in range(3)]
    b = [published_tender(portal_b) for _ in range(2)]
    releases_backfill()
    tender_cancel(package=a[0], user=a[0].pokja.members.first().user, reason="Dibatalkan")
    return a, b


def get_json(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_the_platform_feed_pages_through_every_release_in_order(client, tenders):
    """Following links.next from the start with limit 2 gives every release once, in
    sequence order, and each page validates as an OCDS release package."""
    seen, url = [], "/ocds/releases/?limit=2"
    for _ in range(10):
        response = client.get(url)
        if response.status_code == 204:  # nothing after the cursor (yet)
            assert response["Link"] == f'<http://testserver{url}>; rel="next"'
            break
        page = json.loads(response.content)
        assert validation.release_package_errors(page) == []
        seen += [release["id"] for release in page["releases"]]
        url = page["links"]["next"].replace("http://testserver", "")
    assert seen == list(Release.objects.order_by("seq").values_list("release_id", flat=True))
    assert len(seen) == 6


def test_a_portal_feed_has_only_its_own_releases(client, portal_a, portal_b, tenders):
    """/<slug>/ocds/releases/ lists the releases of that portal only."""
    ocids_a = {r["ocid"] for r in get_json(client, f"/{portal_a.slug}/ocds/releases/")["releases"]}
    ocids_b = {r["ocid"] for r in get_json(client, f"/{portal_b.slug}/ocds/releases/")["releases"]}
    assert len(ocids_a) == 3 and len(ocids_b) == 2
    assert all(f"-{portal_a.slug}-" in ocid for ocid in ocids_a)


def test_a_cursor_of_another_portal_is_a_position_in_the_one_sequence(
    client, portal_a, portal_b, tenders
):
    """A cursor taken from portal B's feed, used on portal A's, gives A's releases after
    that position and never one of B's."""
    last_b = Release.objects.filter(portal=portal_b).order_by("seq").last().seq
    page = get_json(client, f"/{portal_a.slug}/ocds/releases/?after={last_b}")
    expected = Release.objects.filter(portal=portal_a, seq__gt=last_b).count()
    assert len(page["releases"]) == expected == 1  # the cancellation, written last
    assert all(f"-{portal_a.slug}-" in r["ocid"] for r in page["releases"])


@pytest.mark.parametrize(
    "query",
    [
        "after=abc",
        "after=-1",
        "after=1.5",
        "after=%00",
        "after=" + "9" * 40,
        "after=%EF%BC%91",  # a full-width digit
        "after=999",  # beyond the end of the feed
        "limit=0",
        "limit=-1",
        "limit=x",
        "limit=1e3",
    ],
)
def test_bad_cursors_and_page_sizes_answer_400_in_json(client, portal_a, tenders, query):
    """Garbage, negative, fractional, future cursors and page sizes below 1 are a 400
    with a JSON error, on the platform and on a portal."""
    for prefix in ("/ocds", f"/{portal_a.slug}/ocds"):
        for endpoint in ("releases", "records"):
            response = client.get(f"{prefix}/{endpoint}/?{query}")
            assert response.status_code == 400, (prefix, endpoint, query)
            assert json.loads(response.content)["error"] == "bad_request"


def test_a_huge_page_size_is_clamped(client, tenders):
    """limit=10^9 is served as the largest page size."""
    page = get_json(client, "/ocds/releases/?limit=1000000000")
    assert f"limit={MAX_LIMIT}" in page["links"]["next"]
    assert len(page["releases"]) == 6


def test_records_and_one_record_validate_and_agree(client, portal_a, tenders):
    """The record package lists each tender once with its releases and compiled release;
    one tender's record (by code on its portal, by ocid on the platform) is the same."""
    package = tenders[0][0]
    page = get_json(client, f"/{portal_a.slug}/ocds/records/")
    assert validation.record_package_errors(page) == []
    assert len(page["records"]) == 3
    record = next(r for r in page["records"] if r["ocid"].endswith(f"-{package.code}"))
    assert [r["tag"] for r in record["releases"]] == [
        ["planning", "tender"],
        ["tenderCancellation"],
    ]
    assert record["compiledRelease"]["tender"]["status"] == "cancelled"
    one = get_json(client, f"/{portal_a.slug}/ocds/records/{package.code}/")
    assert one["records"] == [record]
    by_ocid = get_json(client, f"/ocds/records/{record['ocid']}/")
    assert by_ocid["records"] == [record]
    assert validation.record_package_errors(by_ocid) == []


def test_an_unknown_or_other_portals_tender_record_is_a_json_404(client, portal_b, tenders):
    """A code that is not a public tender of this portal answers 404 in JSON."""
    package_a = tenders[0][0]
    for url in (
        f"/{portal_b.slug}/ocds/records/{package_a.code}/",
        f"/{portal_b.slug}/ocds/records/1/",
        "/ocds/records/ocds-nothing-1/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert json.loads(response.content)["error"] == "not_found"


def test_etag_gives_304_and_full_pages_are_cached_long(client, tenders):
    """Every answer has an ETag; sending it back gives 304 with no body. A full page
    (which never changes) may be cached for a day, the end of the feed briefly."""
    response = client.get("/ocds/releases/?limit=2")
    etag = response["ETag"]
    assert "max-age=86400" in response["Cache-Control"] and "public" in response["Cache-Control"]
    again = client.get("/ocds/releases/?limit=2", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    end = client.get("/ocds/releases/?after=4&limit=100")
    assert "max-age=30" in end["Cache-Control"]
    assert client.get("/ocds/releases/?limit=2", HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_client_at_one_request_a_second_is_never_limited(client, settings, tenders):
    """Three minutes of one request a second all succeed."""
    start = timezone.now()
    for second in range(180):
        with time_machine.travel(start + timedelta(seconds=second), tick=False):
            assert client.get("/ocds/releases/?limit=1").status_code == 200


def test_a_burst_above_the_limit_gets_429_with_retry_after(client, settings, tenders):
    """Past the per-minute quota an address gets 429 with Retry-After until the minute
    ends; another address is not affected."""
    settings.OCDS_RATE_LIMIT_PER_MINUTE = 5
    moment = datetime(2026, 12, 1, 3, 0, 10, tzinfo=timezone.get_default_timezone())
    with time_machine.travel(moment, tick=False):
        for _ in range(5):
            assert client.get("/ocds/releases/").status_code == 200
        limited = client.get("/ocds/releases/")
        assert limited.status_code == 429
        assert int(limited["Retry-After"]) == 50
        assert client.get("/ocds/releases/", REMOTE_ADDR="10.0.0.9").status_code == 200
    with time_machine.travel(moment + timedelta(seconds=51), tick=False):
        assert client.get("/ocds/releases/").status_code == 200


def test_only_get_is_allowed(client, tenders):
    """A POST to an endpoint is 405, not a 500."""
    assert client.post("/ocds/releases/").status_code == 405
