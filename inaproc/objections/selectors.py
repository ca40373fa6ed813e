"""Reads of objections and appeals: the windows (from the schedule and the clock), who
may object, what the public sees, and whether an award letter may be issued.

- Masa Sanggah is the schedule's stage `masa_sanggah`: objections are filed while it
  runs (start ≤ now < end) on a published tender.
- The Pokja answers from the filing until `OBJECTION_ANSWER_DAYS` days after the end of
  Masa Sanggah (`answer_deadline`); a later answer is taken and shown as late.
- Sanggah banding (Pekerjaan Konstruksi only): from the answer of a rejected objection
  until `APPEAL_FILING_DAYS` days after it; the budget holder's decision is expected
  within `APPEAL_DECISION_DAYS` days of the appeal. The schedule templates have no stage
  for these, so the periods are settings (docs/tenders.md).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from inaproc.bids.models import BidState, BidVersion
from inaproc.objections.models import Appeal, Decision, Objection
from inaproc.tenders.models import Package, PackageState, Participation, ScheduleStage
from inaproc.tenders.models.choices import ProcurementType
from inaproc.tenders.selectors.participation import ACTING_ROLES, stage_of
from inaproc.vendors.models import CompanyMember

OBJECTION_STAGE = "masa_sanggah"


def objection_stage(package: Package) -> ScheduleStage | None:
    return stage_of(package, OBJECTION_STAGE)


def filing_open(package: Package, *, now: datetime) -> bool:
    stage = objection_stage(package)
    return (
        package.state == PackageState.PUBLISHED
        and stage is not None
        and stage.starts_at <= now < stage.ends_at
    )


def period_ended(package: Package, *, now: datetime) -> bool:
    """Masa Sanggah is over (objections are then public)."""
    stage = objection_stage(package)
    return stage is not None and stage.ends_at <= now


def answer_deadline(package: Package) -> datetime | None:
    stage = objection_stage(package)
    if stage is None:
        return None
    return stage.ends_at + timedelta(days=settings.OBJECTION_ANSWER_DAYS)


def answered_late(objection: Objection) -> bool:
    deadline = answer_deadline(objection.package)
    return bool(objection.answered_at and deadline and objection.answered_at > deadline)


def appeals_allowed(package: Package) -> bool:
    """Sanggah banding exists for Pekerjaan Konstruksi only."""
    return package.procurement_type == ProcurementType.KONSTRUKSI


def appeal_deadline(objection: Objection) -> datetime | None:
    if objection.answered_at is None:
        return None
    return objection.answered_at + timedelta(days=settings.APPEAL_FILING_DAYS)


def appeal_decision_due(appeal: Appeal) -> datetime:
    return appeal.filed_at + timedelta(days=settings.APPEAL_DECISION_DAYS)


def appeal_open(objection: Objection, *, now: datetime) -> bool:
    """The objector may appeal now: a construction tender still published, the objection
    rejected, no appeal yet, within APPEAL_FILING_DAYS of the answer."""
    deadline = appeal_deadline(objection)
    return (
        appeals_allowed(objection.package)
        and objection.package.state == PackageState.PUBLISHED
        and objection.decision == Decision.REJECTED
        and deadline is not None
        and now < deadline
        and not Appeal.objects.filter(objection=objection).exists()
    )


def has_submitted_bid(participation: Participation) -> bool:
    """A participant who may object: its company submitted a bid (the last version
    counts; a withdrawn bid is no bid)."""
    return BidVersion.objects.filter(participation=participation, state=BidState.SUBMITTED).exists()


def may_act(member: CompanyMember) -> bool:
    """Company administrators and bid preparers act; viewers only read."""
    return member.role in ACTING_ROLES and member.suspended_at is None


def objection_of(participation: Participation) -> Objection | None:
    return (
        Objection.objects.select_related("package", "answered_by")
        .prefetch_related("attachments")
        .filter(participation=participation)
        .first()
    )


def objections_of(package: Package) -> QuerySet[Objection]:
    """Every objection of the tender, oldest first, with the objector's company, its
    attachments and its appeal."""
    return (
        Objection.objects.filter(package=package)
        .select_related("participation__company", "answered_by", "appeal", "package")
        .prefetch_related("attachments")
        .order_by("filed_at", "pk")
    )


@dataclass(frozen=True)
class PublicObjections:
    """What the public page shows: nothing before Masa Sanggah ends."""

    visible: bool
    objections: list[Objection]
    ends_at: datetime | None


def public_objections(package: Package, *, now: datetime) -> PublicObjections:
    stage = objection_stage(package)
    if not period_ended(package, now=now):
        return PublicObjections(False, [], stage.ends_at if stage else None)
    return PublicObjections(True, list(objections_of(package)), stage.ends_at if stage else None)


def objection_block(package: Package, *, now: datetime) -> str | None:
    """None when an award letter (SPPBJ) may be issued as far as objections go; otherwise
    the reason, translated: the tender failed or was cancelled, Masa Sanggah not over, an
    objection not answered, an appeal period not over, an appeal not decided. A tender
    whose schedule has no Masa Sanggah (Pengadaan Langsung) is never blocked here. The
    award-letter code calls it."""
    if package.state == PackageState.FAILED:
        return _("The tender has failed (Tender Gagal).")
    if package.state == PackageState.CANCELLED:
        return _("The tender was cancelled.")
    stage = objection_stage(package)
    if stage is None:
        return None
    if now < stage.ends_at:
        return _("The objection period (Masa Sanggah) has not ended yet.")
    objections = list(Objection.objects.filter(package=package).select_related("package"))
    if any(objection.answered_at is None for objection in objections):
        return _("An objection has not been answered yet.")
    appeals = {
        appeal.objection_id: appeal for appeal in Appeal.objects.filter(objection__package=package)
    }
    if any(not appeal.is_decided for appeal in appeals.values()):
        return _("An appeal (sanggah banding) has not been decided yet.")
    if appeals_allowed(package):
        for objection in objections:
            deadline = appeal_deadline(objection)
            if (
                objection.decision == Decision.REJECTED
                and objection.pk not in appeals
                and deadline is not None
                and now < deadline
            ):
                return _("The appeal period (sanggah banding) has not ended yet.")
    return None
