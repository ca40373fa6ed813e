"""The stages that decide a list row's standing (`deciding_stages`, issue 18's result
page and every tender list): where each package stands at a moment is the same from
them as from all its stages, for schedules in every shape (stages one after another,
overlapping, starting together, ending together, a gap between two, none begun, all
over, none at all), at moments before, at and after every stage's start and end."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from inaproc.tenders.models import ScheduleStage
from inaproc.tenders.selectors.public import deciding_stages, plain_stages, tender_rows
from inaproc.tenders.stages import standing_at
from tests.tenders.public_factories import make_public_package

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)

# Each schedule: (start, end) in hours from a base moment, in position order.
SCHEDULES = {
    "one after another": [(0, 2), (2, 4), (4, 6)],
    "overlapping": [(0, 3), (1, 4), (2, 6), (5, 7)],
    "starting together": [(0, 2), (0, 3), (3, 4), (3, 5)],
    "ending together": [(0, 4), (1, 4), (4, 6)],
    "a gap": [(0, 1), (3, 4), (6, 8)],
    "out of position order": [(4, 6), (0, 2), (2, 4), (1, 7)],
    "one stage": [(2, 3)],
    "none": [],
}


@pytest.fixture
def packages(portal_a):
    base = timezone.now().replace(microsecond=0)
    made = {}
    for name, schedule in SCHEDULES.items():
        package = make_public_package(portal_a, name=name, with_stages=False)
        ScheduleStage.objects.bulk_create(
            ScheduleStage(
                package=package,
                position=position,
                key=f"stage_{position}",
                starts_at=base + start * H,
                ends_at=base + end * H,
            )
            for position, (start, end) in enumerate(schedule, start=1)
        )
        made[name] = package
    return base, made


def _moments(base):
    """Every half hour from before the first start to after the last end."""
    return [base + k * H / 2 for k in range(-2, 18)]


def test_the_standing_from_the_deciding_stages_is_the_standing_from_all(packages):
    base, made = packages
    listed = list(made.values())
    every = plain_stages(listed)
    for moment in _moments(base):
        deciding = deciding_stages(listed, moment)
        for name, package in made.items():
            assert standing_at(deciding[package.pk], moment) == standing_at(
                every[package.pk], moment
            ), (name, moment - base)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite reads every stage")
def test_only_the_running_the_last_begun_and_the_next_stages_are_read(packages):
    base, made = packages
    moment = base + 2.5 * H
    deciding = deciding_stages(list(made.values()), moment)
    positions = {name: [stage.position for stage in deciding[made[name].pk]] for name in made}
    assert positions == {
        "one after another": [2, 3],  # running; the next
        "overlapping": [1, 2, 3, 4],  # three running (3 begun last); the next
        "starting together": [1, 2, 3],  # 2 running (1 ended); 3 next, before 4 (equal)
        "ending together": [1, 2, 3],  # running (2 begun last); the next
        "a gap": [1, 2],  # between: the last begun, the next
        "out of position order": [1, 3, 4],  # 3 and 4 running (3 begun last); 1 next
        "one stage": [1],  # running
        "none": [],
    }


def test_tender_rows_stand_as_with_every_stage(packages):
    base, made = packages
    listed = list(made.values())
    every = plain_stages(listed)
    now = base + 4 * H
    rows = tender_rows(listed, now=now)
    assert [row.standing for row in rows] == [
        standing_at(every[package.pk], now) for package in listed
    ]
