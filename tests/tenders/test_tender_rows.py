"""`tender_rows` reads a page's stages as plain values (on PostgreSQL as whole
microseconds since 1970, to skip Django's slow timestamptz loader): the stages and the
standing it gives must be exactly those of the stored schedule, to the microsecond."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import F

from inaproc.tenders.models import ScheduleStage
from inaproc.tenders.selectors.public import tender_rows
from inaproc.tenders.stages import standing_at
from tests.tenders.public_factories import make_public_package

pytestmark = pytest.mark.django_db


def _key(stage):
    return (stage.position, stage.key, stage.starts_at, stage.ends_at)


def test_the_stages_are_read_to_the_microsecond_with_their_time_zone(portal_a):
    now = datetime(2026, 12, 7, 3, 4, 5, 678901, tzinfo=UTC)
    package = make_public_package(portal_a, now=now)
    ScheduleStage.objects.filter(package=package).update(
        starts_at=F("starts_at") + timedelta(microseconds=123457),
        ends_at=F("ends_at") + timedelta(microseconds=987653),
    )
    stored = list(ScheduleStage.objects.filter(package=package).order_by("position"))

    standing = tender_rows([package], now=now)[0].standing
    expected = standing_at(stored, now)

    assert [_key(stage) for stage in standing.running] == [
        _key(stage) for stage in expected.running
    ]
    assert _key(standing.upcoming) == _key(expected.upcoming)
    assert standing.current.ends_at.utcoffset() == timedelta(0)


def test_the_standing_flips_exactly_at_the_end_of_a_stage(portal_a):
    """At the stored end (microseconds included) the stage is over; a microsecond before,
    it runs: no rounding of the loaded times."""
    now = datetime(2026, 12, 7, 3, 4, 5, 678901, tzinfo=UTC)
    package = make_public_package(portal_a, now=now)
    running = tender_rows([package], now=now)[0].standing.current
    end = ScheduleStage.objects.get(package=package, position=running.position).ends_at

    before = tender_rows([package], now=end - timedelta(microseconds=1))[0].standing
    at_end = tender_rows([package], now=end)[0].standing

    assert before.current.position == running.position
    assert at_end.current is None or at_end.current.position != running.position
