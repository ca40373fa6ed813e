"""The daily bulk files (JSON Lines, gzip) hold the day's releases and are served with an
ETag; the merge follows the documented OCDS rules."""

import gzip
import json
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from inaproc.opendata.bulk import PLATFORM, bulk_files_due, bulk_root
from inaproc.opendata.merge import compile_releases
from inaproc.opendata.models import Release
from inaproc.opendata.services import releases_backfill
from tests.tenders.participation_factories import published_tender

NULL = open("/dev/null", "w")  # noqa: SIM115


@pytest.fixture
def day_of_releases(portal_a, portal_b):
    """Three tenders' releases written on DAY (WIB), one more the next day."""
    zone = timezone.get_default_timezone()
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=zone), tick=False):
        for portal in (portal_a, portal_a, portal_b):
            published_tender(portal)
        releases_backfill()
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=zone), tick=False):
        published_tender(portal_b)
        releases_backfill()


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()]


@pytest.mark.django_db
def test_the_daily_run_writes_the_platform_file_and_each_portals(portal_a, day_of_releases):
    """The run after DAY writes the platform's file with DAY's three releases in feed
    order and portal A's with its two; running it again gives the same bytes."""
    with time_machine.travel(datetime(2026, 12, 2, 1, 0, tzinfo=timezone.get_default_timezone())):
        call_command("ocds_bulk_files", stdout=NULL)
    platform = bulk_root() / PLATFORM / "2026-12-01.jsonl.gz"
    released = list(Release.objects.order_by("seq").values_list("release_id", flat=True))
    assert [r["id"] for r in _lines(platform)] == released[:3]
    assert len(_lines(bulk_root() / portal_a.slug / "2026-12-01.jsonl.gz")) == 2
    before = platform.read_bytes()
    call_command("ocds_bulk_files", day=["2026-12-01"], stdout=NULL)
    assert platform.read_bytes() == before
    assert not (bulk_root() / PLATFORM / "2026-12-02.jsonl.gz").exists()  # not over yet


@pytest.mark.django_db
def test_bulk_files_are_listed_and_served_with_an_etag(client, portal_a, day_of_releases):
    """The index lists each file with its size, count and SHA-256; the file downloads as
    gzip and answers 304 to its ETag; a missing or malformed day is a 404."""
    bulk_files_due(now=datetime(2026, 12, 3, 1, 0, tzinfo=timezone.get_default_timezone()))
    index = json.loads(client.get("/ocds/bulk/").content)["files"]
    assert [f["date"] for f in index] == ["2026-12-02", "2026-12-01"]
    assert index[1]["releases"] == 3
    response = client.get("/ocds/bulk/2026-12-01.jsonl.gz")
    assert response.status_code == 200 and response["Content-Type"] == "application/gzip"
    body = b"".join(response.streaming_content)
    assert len(body) == index[1]["bytes"]
    again = client.get("/ocds/bulk/2026-12-01.jsonl.gz", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    portal_index = json.loads(client.get(f"/{portal_a.slug}/ocds/bulk/").content)["files"]
    assert [f["date"] for f in portal_index] == ["2026-12-01"]
    assert client.get("/ocds/bulk/2020-01-01.jsonl.gz").status_code == 404
    assert client.get("/ocds/bulk/2026-13-99.jsonl.gz").status_code == 404
    assert client.get("/ocds/bulk/..%2F..%2Fetc.jsonl.gz").status_code == 404


def test_a_bad_day_argument_is_a_command_error():
    """--day with something else than YYYY-MM-DD stops with a clear error."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("ocds_bulk_files", day=["yesterday"], stdout=NULL)


def _release(seq: int, **fields) -> dict:
    return {"ocid": "ocds-x-p-1", "id": str(seq), "date": f"2026-01-0{seq}T00:00:00Z", **fields}


def test_merge_identified_lists_by_id_and_replaces_other_lists():
    """Objects merge field by field; arrays of objects with ids merge by id (first
    position kept, new ids appended); other arrays and values are replaced; null
    removes a field; the compiled release is tagged compiled with the latest date."""
    first = _release(
        1,
        tag=["tender"],
        tender={"status": "active", "documents": [{"id": "a", "title": "A"}], "x": 1},
        parties=[{"id": "p", "roles": ["buyer"]}],
    )
    second = _release(
        2,
        tag=["tenderUpdate"],
        tender={
            "status": "cancelled",
            "documents": [{"id": "b", "title": "B"}, {"id": "a", "title": "A2"}],
            "x": None,
            "submissionMethod": ["written"],
        },
        parties=[{"id": "p", "roles": ["procuringEntity"]}],
    )
    compiled = compile_releases([first, second])
    assert compiled["tag"] == ["compiled"] and compiled["date"] == "2026-01-02T00:00:00Z"
    assert compiled["id"] == "ocds-x-p-1-2026-01-02T00:00:00Z"
    assert compiled["tender"] == {
        "status": "cancelled",
        "documents": [{"id": "a", "title": "A2"}, {"id": "b", "title": "B"}],
        "submissionMethod": ["written"],
    }
    assert compiled["parties"] == [{"id": "p", "roles": ["procuringEntity"]}]


def test_merge_of_the_same_release_twice_is_the_release():
    """Merging a release with itself changes nothing but id, date and tag."""
    release = _release(1, tag=["tender"], tender={"id": "t", "items": [{"id": "i"}]})
    compiled = compile_releases([release, release])
    assert compiled["tender"] == release["tender"]
    assert compiled["date"] == release["date"]


@pytest.mark.django_db
def test_ocds_validate_passes_on_good_data_and_reports_a_bad_release(portal_a):
    """The operators' check accepts the releases written and names a broken one."""
    from django.core.management.base import CommandError

    published_tender(portal_a)
    releases_backfill()
    call_command("ocds_validate", stdout=NULL)
    release = Release.objects.get()
    data = json.loads(release.body)
    data["tag"] = ["bogus"]
    Release.objects.filter(pk=release.pk).update(body=json.dumps(data))
    with pytest.raises(CommandError):
        call_command("ocds_validate", stdout=NULL, stderr=NULL)
