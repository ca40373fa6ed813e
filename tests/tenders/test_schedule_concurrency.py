"""Two schedule changes at once (PostgreSQL, real connections): the package lock makes
them follow each other, so no update is lost and the history is one chain."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from inaproc.tenders.models import PackageState, ScheduleChange, ScheduleStage
from inaproc.tenders.services.schedule import schedule_change
from inaproc.tenders.stages import BID_UPLOAD
from tests.factories import make_portal
from tests.helpers import POSTGRESQL_CONCURRENT, all_at_once
from tests.tenders.schedule_factories import make_package, make_schedule, stage_times

pytestmark = POSTGRESQL_CONCURRENT

OPENING = "pembukaan_penawaran"


def test_two_changes_at_once_lose_nothing():
    portal = make_portal()
    package = make_package(portal, state=PackageState.PUBLISHED)
    times = stage_times(timezone.now() - timedelta(days=10))
    make_schedule(package, times)
    runner = package.pokja.members.first().user

    def extend(days: int):
        shift = timedelta(days=days)
        return lambda: schedule_change(
            package=package,
            times={
                BID_UPLOAD: (times[BID_UPLOAD][0], times[BID_UPLOAD][1] + shift),
                OPENING: (times[OPENING][0] + shift, times[OPENING][1] + shift),
            },
            reason=f"Diperpanjang {days} hari.",
            by=runner,
            context=None,
        )

    results = all_at_once([extend(1), extend(2), extend(3)], refusals=(ValidationError,))

    succeeded = [result for result in results if not isinstance(result, ValidationError)]
    assert succeeded  # the first to get the lock always succeeds
    upload = ScheduleStage.objects.get(package=package, key=BID_UPLOAD)
    history = list(ScheduleChange.objects.filter(stage=upload).order_by("created_at", "pk"))
    assert upload.change_count == len(history) == len(succeeded)
    previous_end = times[BID_UPLOAD][1]
    for change in history:
        assert change.previous_ends_at == previous_end
        assert change.ends_at > previous_end
        previous_end = change.ends_at
    assert upload.ends_at == previous_end
