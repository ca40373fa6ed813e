"""Objection test data: a published tender whose Masa Sanggah runs now (or is over), its
participants with a submitted bid (a bid version row: the sealing is the bids tests'
concern), and a hook that records re-evaluations."""

from datetime import datetime, timedelta

from django.utils import timezone

from inaproc.bids.models import BidVersion
from inaproc.tenders.models import Package, PackageState, Participation, ScheduleStage
from tests.tenders.participation_factories import make_package, make_pokja, make_vendor

# What the test re-evaluation hook was called with (settings.TENDER_REEVALUATION_HOOKS).
REEVALUATIONS: list[tuple[int, int, str]] = []
TEST_HOOK = "tests.objections.factories.record_reevaluation"


def record_reevaluation(package, *, actor, reason: str) -> None:
    REEVALUATIONS.append((package.pk, actor.pk, reason))


def objection_window(package: Package, *, starts: datetime, ends: datetime) -> None:
    """Move Masa Sanggah (and everything after it) so that it runs from `starts` to `ends`."""
    stages = list(ScheduleStage.objects.filter(package=package).order_by("position"))
    index = next(i for i, stage in enumerate(stages) if stage.key == "masa_sanggah")
    shift = starts - stages[index].starts_at
    for stage in stages[index:]:
        stage.starts_at, stage.ends_at = stage.starts_at + shift, stage.ends_at + shift
    stages[index].ends_at = ends
    for stage in stages[index + 1 :]:
        if stage.starts_at < ends:
            stage.starts_at, stage.ends_at = ends, ends + timedelta(days=1)
    for stage in reversed(stages):
        stage.save(update_fields=["starts_at", "ends_at"])


def objection_tender(
    portal, *, running: bool = True, procurement_type: str = "konstruksi", pokja_size: int = 3
) -> Package:
    """A published tender (construction unless told) whose Masa Sanggah runs now (or
    ended an hour ago when not `running`); bids were due a week ago."""
    now = timezone.now()
    pokja, _members = make_pokja(portal, size=pokja_size)
    package = make_package(
        portal,
        pokja=pokja,
        state=PackageState.PUBLISHED,
        tender_keys=False,
        start=now - timedelta(days=10),
        clarification=(now - timedelta(days=9), now - timedelta(days=8)),
        bid_deadline=now - timedelta(days=7),
    )
    if procurement_type != package.procurement_type:
        Package.objects.filter(pk=package.pk).update(procurement_type=procurement_type)
        package.procurement_type = procurement_type
    if running:
        objection_window(package, starts=now - timedelta(hours=2), ends=now + timedelta(days=2))
    else:
        objection_window(package, starts=now - timedelta(days=3), ends=now - timedelta(hours=1))
    return Package.objects.get(pk=package.pk)


def make_bidder(package: Package, *, role: str = "admin", bid: bool = True):
    """A vendor company taking part in `package` with (or without) a submitted bid:
    (member, participation)."""
    member = make_vendor(package.portal, role=role)
    participation = Participation.objects.create(
        package=package,
        company=member.company,
        joined_by=member.user,
        integrity_pact_agreed_at=timezone.now() - timedelta(days=9),
    )
    if bid:
        BidVersion.objects.create(
            participation=participation,
            number=1,
            submitted_by=member.user,
            submitted_at=timezone.now() - timedelta(days=7, hours=1),
            log_index=0,
            receipt={},
            receipt_sha256="0" * 64,
        )
    return member, participation


def runners(package: Package) -> list:
    return [member.user for member in package.pokja.members.order_by("pk")]
