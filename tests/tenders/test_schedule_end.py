"""The stage filters "not finished" and "finished" on PostgreSQL read the end of a
package's last stage from its own row (`schedule_ends_at`, kept by triggers on the
stages, migration tenders/0007): they must find exactly the packages that the plain
question of the stages finds (a stage ending after now; stages, none ending after now),
after every kind of write of the stages, and inside a subquery too."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from inaproc.search.filters import SearchFilters, Sort
from inaproc.search.selectors import national_search, national_search_ranked
from inaproc.tenders.models import Package, PackageState, ScheduleStage
from inaproc.tenders.selectors.public import STAGE_FINISHED, STAGE_OPEN, stage_condition
from tests.tenders.public_factories import make_public_package

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the column is PostgreSQL's"),
]


def plain(stage: str, now) -> set[int]:
    """The question asked of the stages themselves (the condition on SQLite)."""
    later = ScheduleStage.objects.filter(ends_at__gt=now).values("package_id")
    packages = Package.objects.filter(state=PackageState.PUBLISHED)
    if stage == STAGE_OPEN:
        packages = packages.filter(pk__in=later)
    else:
        stages = ScheduleStage.objects.filter(package=OuterRef("pk"))
        packages = packages.filter(Exists(stages)).exclude(pk__in=later)
    return set(packages.values_list("pk", flat=True))


def by_row(stage: str, now) -> set[int]:
    return set(Package.objects.filter(stage_condition(stage, now)).values_list("pk", flat=True))


def stored_ends() -> dict[int, object]:
    with connection.cursor() as cursor:
        cursor.execute('SELECT "id", "schedule_ends_at" FROM "tenders_package"')
        return dict(cursor.fetchall())


def assert_same(now) -> None:
    for stage in (STAGE_OPEN, STAGE_FINISHED):
        assert by_row(stage, now) == plain(stage, now), stage
    latest = {package.pk: None for package in Package.objects.all()}
    for package_id, ends_at in ScheduleStage.objects.values_list("package_id", "ends_at"):
        if latest[package_id] is None or ends_at > latest[package_id]:
            latest[package_id] = ends_at
    assert stored_ends() == latest


@pytest.fixture
def packages(portal_a, portal_b):
    now = timezone.now()
    return {
        "running": make_public_package(portal_a, name="Jalan Berjalan", now=now),
        "finished": make_public_package(portal_a, name="Jalan Selesai", finished=True),
        "future": make_public_package(portal_b, name="Jalan Nanti", starts_in=timedelta(days=3)),
        "no stages": make_public_package(portal_b, name="Jalan Kosong", with_stages=False),
        "cancelled": make_public_package(
            portal_a, name="Jalan Batal", state=PackageState.CANCELLED
        ),
        "draft": make_public_package(portal_a, name="Jalan Draf", state=PackageState.DRAFT),
    }


def test_as_the_stages_say_after_inserts(packages):
    now = timezone.now()

    assert_same(now)
    assert by_row(STAGE_OPEN, now) == {packages["running"].pk, packages["future"].pk}
    assert by_row(STAGE_FINISHED, now) == {packages["finished"].pk}
    # Any moment: before every stage, between, after every stage.
    for shift in (-30, -3, 0, 3, 30):
        assert_same(now + timedelta(days=shift))


def test_as_the_stages_say_after_a_stage_is_moved_deleted_or_given_to_another(packages):
    now = timezone.now()
    finished, running = packages["finished"], packages["running"]
    last = ScheduleStage.objects.filter(package=finished).order_by("-position").first()

    last.ends_at = now + timedelta(hours=5)  # extended: open again
    last.save()
    assert_same(now)
    assert finished.pk in by_row(STAGE_OPEN, now)

    ScheduleStage.objects.filter(package=running).update(
        starts_at=F("starts_at") - timedelta(days=60), ends_at=F("ends_at") - timedelta(days=60)
    )
    assert_same(now)
    assert running.pk in by_row(STAGE_FINISHED, now)

    ScheduleStage.objects.filter(package=running, position__gt=1).delete()
    assert_same(now)
    assert running.pk in by_row(STAGE_FINISHED, now)

    ScheduleStage.objects.filter(pk=last.pk).update(package=packages["no stages"])
    assert_same(now)
    assert packages["no stages"].pk in by_row(STAGE_OPEN, now)

    ScheduleStage.objects.filter(package=packages["future"]).delete()
    assert_same(now)
    assert packages["future"].pk not in by_row(STAGE_OPEN, now) | by_row(STAGE_FINISHED, now)


def test_as_the_stages_say_after_a_truncate(packages):
    with connection.cursor() as cursor:
        # The test's transaction has deferred foreign key checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute('TRUNCATE "tenders_schedulestage" CASCADE')

    assert_same(timezone.now())
    assert set(stored_ends().values()) == {None}


def test_a_package_saved_after_its_schedule_changed_keeps_the_new_end(packages):
    """The model does not know the column: saving an instance loaded before the change
    writes no old end back."""
    now = timezone.now()
    finished = Package.objects.get(pk=packages["finished"].pk)
    ScheduleStage.objects.filter(package=finished, position=1).update(
        ends_at=now + timedelta(days=9)
    )

    finished.name = "Jalan Selesai Diperpanjang"
    finished.save()

    assert_same(now)
    assert finished.pk in by_row(STAGE_OPEN, now)


def test_inside_a_subquery_the_condition_reads_the_subquery_row(packages):
    now = timezone.now()
    inner = Package.objects.filter(stage_condition(STAGE_OPEN, now)).values("pk")

    outer = set(Package.objects.filter(pk__in=inner).values_list("pk", flat=True))

    assert outer == plain(STAGE_OPEN, now)


@pytest.mark.parametrize("sort", [Sort.RELEVANCE, Sort.NEWEST, Sort.DEADLINE])
@pytest.mark.parametrize("stage", [STAGE_OPEN, STAGE_FINISHED])
def test_the_national_search_by_stage_finds_what_the_stages_say(packages, sort, stage):
    now = timezone.now()
    filters = SearchFilters(q="jalan", stage=stage, sort=sort)
    expected = plain(stage, now) & {
        package.pk for package in packages.values() if package.state != PackageState.DRAFT
    }

    if sort == Sort.RELEVANCE:
        found, count = national_search_ranked(filters=filters, now=now)
    else:
        found = [package.pk for package in national_search(filters=filters, now=now)]
        count = len(found)

    assert set(found) == expected
    assert count == len(expected)
