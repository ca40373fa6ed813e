"""Releases written at once on PostgreSQL, each in its own connection: the platform-wide
sequence has no gap and no duplicate, and a reader never sees a release before every
release numbered below it has committed (what lets a mirror follow `after=<seq>`)."""

import time

from django.db import transaction

from inaproc.opendata.models import Record, Release
from inaproc.opendata.selectors import releases_after
from inaproc.opendata.services import release_append, releases_backfill
from inaproc.tenders.services.publication import tender_cancel
from tests.helpers import POSTGRESQL_CONCURRENT, all_at_once
from tests.tenders.participation_factories import published_tender

pytestmark = POSTGRESQL_CONCURRENT


def test_cancellations_at_once_on_two_portals_get_consecutive_numbers(portal_a, portal_b):
    """Eight tenders of two portals cancelled at once: sequence 1..16, no gap, each
    record with its tender release and its cancellation."""
    packages = [published_tender(portal) for portal in (portal_a, portal_b) for _ in range(4)]
    releases_backfill()
    all_at_once(
        [
            lambda p=p: tender_cancel(
                package=p, user=p.pokja.members.first().user, reason="Dibatalkan"
            )
            for p in packages
        ]
    )
    assert sorted(Release.objects.values_list("seq", flat=True)) == list(range(1, 17))
    for record in Record.objects.all():
        assert Release.objects.filter(ocid=record.ocid).count() == 2


def test_a_reader_never_sees_a_later_release_before_an_earlier_one(portal_a):
    """Appenders holding their transaction open a moment after writing, and readers
    polling the feed meanwhile: every read is the unbroken prefix 1..n."""
    package = published_tender(portal_a)
    releases_backfill()

    def append():
        with transaction.atomic():
            release_append(package=package, tags=["tenderUpdate"], date=package.published_at)
            time.sleep(0.05)

    def read():
        seen = []
        for _ in range(40):
            seqs = [seq for seq, _body in releases_after(portal=None, after=0, limit=1000)]
            seen.append(seqs)
            time.sleep(0.005)
        return seen

    results = all_at_once([append] * 6 + [read] * 2)
    for reads in results[6:]:
        for seqs in reads:
            assert seqs == list(range(1, len(seqs) + 1))
    assert sorted(Release.objects.values_list("seq", flat=True)) == list(range(1, 8))
