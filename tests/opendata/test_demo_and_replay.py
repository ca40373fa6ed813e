"""For the demo data (load_demo) and generated data (generate_tenders, then the
backfill): every release, record and package the endpoints produce validates against the
project's OCDS 1.1.5 schema and closed codelists; a mirror that follows the change feed
from the start rebuilds exactly the records the endpoints serve; no private data leaks."""

import json
from collections import defaultdict

import pytest
from django.core.management import call_command

from inaproc.accounts.models import User
from inaproc.bids.models import BidOpening, OpenedFile, SealedFile
from inaproc.opendata import validation
from inaproc.opendata.merge import compile_releases
from inaproc.opendata.models import Record, Release
from inaproc.portals.models import Portal
from inaproc.tenders.models import Package, PackageState, TenderDocument
from inaproc.vendors.models import Company

pytestmark = pytest.mark.django_db
NULL = open("/dev/null", "w")  # noqa: SIM115


def _follow(client, url: str, key: str, limit: int = 7) -> list[dict]:
    """Every item of a paginated endpoint, following links.next until the 204."""
    items, url = [], f"{url}?limit={limit}"
    for _ in range(10_000):
        response = client.get(url)
        if response.status_code == 204:
            return items
        assert response.status_code == 200, response.content
        page = json.loads(response.content)
        errors = (
            validation.release_package_errors(page)
            if key == "releases"
            else validation.record_package_errors(page)
        )
        assert errors == [], errors[:5]
        items += page[key]
        url = page["links"]["next"].replace("http://testserver", "")
    raise AssertionError("the feed never ended")


def _replay_matches_records(client, prefix: str) -> int:
    """Follow the feed from the start, compile per ocid, compare with the records."""
    by_ocid: dict[str, list[dict]] = defaultdict(list)
    for release in _follow(client, f"{prefix}/releases/", "releases"):
        by_ocid[release["ocid"]].append(release)
    records = _follow(client, f"{prefix}/records/", "records")
    assert sorted(by_ocid) == sorted(record["ocid"] for record in records)
    for record in records:
        mirrored = by_ocid[record["ocid"]]
        assert record["releases"] == mirrored
        assert record["compiledRelease"] == compile_releases(mirrored)
    return len(records)


def test_demo_data_validates_and_the_feed_replays_into_the_records(client, demo):
    """Platform-wide and per portal, the feed rebuilds every record exactly."""
    public = Package.objects.public().count()
    assert public > 0
    assert _replay_matches_records(client, "/ocds") == public
    for portal in Portal.objects.all():
        count = _replay_matches_records(client, f"/{portal.slug}/ocds")
        assert count == Package.objects.public().filter(portal=portal).count()


def test_generated_data_validates_and_replays(client, portal_a, portal_b):
    """generate_tenders' tenders (written in bulk, no events) get their releases from the
    backfill; they validate and replay like the rest. A second backfill writes nothing."""
    call_command("generate_tenders", 60, force=True, stdout=NULL)
    call_command("ocds_backfill", stdout=NULL)
    before = Release.objects.count()
    call_command("ocds_backfill", stdout=NULL)
    assert Release.objects.count() == before
    cancelled = Package.objects.filter(state=PackageState.CANCELLED).count()
    assert before == Package.objects.public().count() + cancelled
    assert _replay_matches_records(client, "/ocds") == Package.objects.public().count()


def test_one_tender_record_of_every_demo_tender_validates(client, demo):
    """/<slug>/ocds/records/<code>/ of each public demo tender is a valid record package
    of that tender; drafts and unpublished packages answer 404."""
    for package in Package.objects.select_related("portal"):
        response = client.get(f"/{package.portal.slug}/ocds/records/{package.code}/")
        if package.is_public:
            assert response.status_code == 200
            assert validation.record_package_errors(json.loads(response.content)) == []
        else:
            assert response.status_code == 404


def test_unpublished_packages_never_appear(client, demo):
    """No release or record of a draft or assigned package, and no feed item names one."""
    hidden = Package.objects.exclude(state__in=[PackageState.PUBLISHED, PackageState.CANCELLED])
    assert hidden.exists()
    assert not Release.objects.filter(package__in=hidden).exists()
    assert not Record.objects.filter(package__in=hidden).exists()
    feed = json.dumps(_follow(client, "/ocds/releases/", "releases"))
    for package in hidden:
        assert f'"{package.code}"' not in feed and package.name not in feed


def test_private_data_never_appears(client, demo):
    """The feed holds none of: officials' or vendors' emails, phone numbers and
    addresses, stored file names of tender documents, sealed or opened bid files, bid
    prices, participants of tenders not opened yet."""
    feed = json.dumps(_follow(client, "/ocds/releases/", "releases"), ensure_ascii=False)
    secrets: list[str] = []
    for company in Company.objects.all():
        secrets += [value for value in (company.email, company.phone, company.street) if value]
    secrets += [user.email for user in User.objects.exclude(email="")]
    secrets += list(TenderDocument.objects.values_list("stored_name", flat=True))
    secrets += list(SealedFile.objects.values_list("sha256", flat=True))
    secrets += list(
        OpenedFile.objects.exclude(stored_name="").values_list("stored_name", flat=True)
    )
    secrets += [
        str(price)
        for price in BidOpening.objects.exclude(offer_price=None).values_list(
            "offer_price", flat=True
        )
    ]
    opened = set(
        BidOpening.objects.filter(tender_key__opened_at__isnull=False).values_list(
            "bid_version__participation__company_id", flat=True
        )
    )
    secrets += list(Company.objects.exclude(pk__in=opened).values_list("npwp", flat=True))
    leaked = [secret for secret in secrets if secret and str(secret) in feed]
    assert leaked == []
