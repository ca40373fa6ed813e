"""Reads for publication, participation and clarification: the bid deadline, whether
joining is open, who takes part, what a company must do next, what a participant sees."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from inaproc.core.timefmt import wib
from inaproc.tenders import stages
from inaproc.tenders.models import (
    Package,
    PackageState,
    Participation,
    Question,
    ScheduleStage,
    TenderDocument,
)
from inaproc.tenders.selectors.public import plain_stages
from inaproc.vendors.models import Company, CompanyMember, CompanyRole

# A participant may ask this many questions per tender (abuse guard).
QUESTIONS_PER_PARTICIPANT = 20
# Company roles that act in a tender (join, ask, later bid); viewers only read.
ACTING_ROLES = (CompanyRole.ADMIN, CompanyRole.BID_PREPARER)


def stage_of(package: Package, key: str) -> ScheduleStage | None:
    """The package's stage `key`, from the prefetched stages when there are."""
    return next((stage for stage in package.stages.all() if stage.key == key), None)


def package_with_stages(package: Package, rows: Sequence[object]) -> Package:
    """The package with `rows` as its prefetched stages (what these selectors read):
    ScheduleStage instances, or plain stages (`plain_stages`: key, start and end)."""
    package._prefetched_objects_cache = {"stages": rows}  # type: ignore[attr-defined]
    return package


def bid_deadline(package: Package) -> datetime | None:
    """The end of Upload Dokumen Penawaran; None without that stage."""
    stage = stage_of(package, stages.BID_UPLOAD)
    return stage.ends_at if stage is not None else None


def joining_open(package: Package, *, now: datetime) -> bool:
    """Joining is open from publication until the bid deadline."""
    deadline = bid_deadline(package)
    return (
        package.state == PackageState.PUBLISHED
        and package.published_at is not None
        and package.published_at <= now
        and deadline is not None
        and now < deadline
    )


def clarification_open(package: Package, *, now: datetime) -> bool:
    """Participants may ask while Pemberian Penjelasan runs (a published tender)."""
    stage = stage_of(package, stages.CLARIFICATION)
    return (
        package.state == PackageState.PUBLISHED
        and stage is not None
        and stage.starts_at <= now < stage.ends_at
    )


def answering_open(package: Package, *, now: datetime) -> bool:
    """The runner may answer during the clarification and after it, until the bid
    deadline: an answer after that could no longer shape any bid."""
    clarification = stage_of(package, stages.CLARIFICATION)
    deadline = bid_deadline(package)
    return (
        package.state == PackageState.PUBLISHED
        and clarification is not None
        and clarification.starts_at <= now
        and deadline is not None
        and now < deadline
    )


def package_public_by_code(*, portal, code: int) -> Package | None:
    """A published or cancelled tender of the portal, with its stages."""
    return (
        Package.objects.public()
        .filter(portal=portal, code=code)
        .prefetch_related("stages", "kbli")
        .first()
    )


def participation_of(*, package: Package, company: Company) -> Participation | None:
    return Participation.objects.filter(package=package, company=company).first()


def acting_members(company: Company) -> QuerySet[CompanyMember]:
    """The company's users who act in tenders and can be emailed: active, not
    suspended, admin or bid preparer."""
    return CompanyMember.objects.select_related("user").filter(
        company=company, role__in=ACTING_ROLES, suspended_at__isnull=True, user__is_active=True
    )


def participant_addresses(package: Package) -> list[str]:
    """Every participating company's own address and those of its acting users (admins
    and bid preparers, active), each once whatever its case."""
    members = CompanyMember.objects.filter(
        company__participations__package=package,
        role__in=ACTING_ROLES,
        suspended_at__isnull=True,
        user__is_active=True,
    ).values_list("user__email", flat=True)
    companies = package.participations.values_list("company__email", flat=True)
    seen: dict[str, str] = {}
    for address in [*companies, *members]:
        if address and address.strip():
            seen.setdefault(address.strip().lower(), address.strip())
    return sorted(seen.values())


def participation_warnings(*, package: Package, company: Company) -> list[str]:
    """A required KBLI missing from the company's sectors (exact codes), or a licence
    of the company that ends before the bid deadline."""
    warnings: list[str] = []
    sectors = set(company.sectors.values_list("code", flat=True))
    for kbli in package.kbli.all():
        if kbli.code not in sectors:
            warnings.append(
                _(
                    "The tender asks for KBLI %(code)s (%(title)s), which is not among your "
                    "company's business sectors."
                )
                % {"code": kbli.code, "title": kbli.title}
            )
    deadline = bid_deadline(package)
    if deadline is not None:
        last_day = timezone.localtime(deadline).date()
        for document in company.documents.filter(
            removed_at__isnull=True, valid_until__isnull=False, valid_until__lt=last_day
        ):
            if document.valid_until is None:  # excluded by the filter (for type checkers)
                continue
            warnings.append(
                _(
                    "Your document “%(name)s” (%(kind)s) is valid until %(date)s, before the "
                    "bid deadline."
                )
                % {
                    "name": document.original_name,
                    "kind": document.get_kind_display(),
                    "date": document.valid_until.strftime("%d-%m-%Y"),
                }
            )
    return warnings


@dataclass(frozen=True)
class TenderRow:
    """A tender of "My tenders": where it stands, its next deadline, what to do next."""

    package: Package
    participation: Participation
    stage_label: str
    next_deadline: datetime | None
    todo: list[str]
    # The announced result, in a few words (settings.PARTICIPATION_RESULTS).
    result: str = ""


def _next_steps(package: Package, now: datetime) -> tuple[datetime | None, list[str]]:
    if package.state == PackageState.CANCELLED:
        return None, [_("Nothing: the tender was cancelled.")]
    if package.state == PackageState.FAILED:
        return None, [_("Nothing: the tender failed (Tender Gagal); watch for its repeat.")]
    deadline = bid_deadline(package)
    clarification = stage_of(package, stages.CLARIFICATION)
    todo = [_("Download the documents")]
    upcoming: list[datetime] = []
    if clarification is not None and now < clarification.ends_at:
        todo.append(
            _("Ask questions before %(time)s") % {"time": wib(clarification.ends_at)}
            if clarification.starts_at <= now
            else _("Ask questions from %(time)s") % {"time": wib(clarification.starts_at)}
        )
        upcoming.append(clarification.ends_at)
    if deadline is not None and now < deadline:
        todo.append(_("Upload your bid before %(time)s") % {"time": wib(deadline)})
        upcoming.append(deadline)
    else:
        todo = [_("Follow the opening and the evaluation on the schedule")]
    later = [stage.ends_at for stage in package.stages.all() if stage.ends_at > now]
    return min(upcoming or later, default=None), todo


def my_tenders(*, company: Company, now: datetime | None = None) -> list[TenderRow]:
    """The company's tenders, newest first, each with its stage and next step."""
    now = now or timezone.now()
    participations = list(
        Participation.objects.filter(company=company, package__portal_id=company.portal_id)
        .select_related("package")
        .order_by("-joined_at", "-pk")
    )
    # The stages as plain values (key, start, end: all that these rows and the other
    # apps' lines read), not a model instance each.
    plain = plain_stages([participation.package for participation in participations])
    rows = []
    for participation in participations:
        package = package_with_stages(participation.package, plain[participation.package_id])
        standing = stages.standing_at(package.stages.all(), now)
        label = {
            PackageState.CANCELLED: str(_("Cancelled")),
            PackageState.FAILED: str(_("Tender Gagal")),
        }.get(PackageState(package.state), standing.label)
        deadline, todo = _next_steps(package, now)
        rows.append(TenderRow(package, participation, label, deadline, todo))
    return _with_results(rows)


def _with_results(rows: list[TenderRow]) -> list[TenderRow]:
    """Each row with its announced result, as the evaluation app tells it
    (settings.PARTICIPATION_RESULTS, docs/decisions/0010)."""
    path = getattr(settings, "PARTICIPATION_RESULTS", "")
    if not path or not rows:
        return rows
    labels = import_string(path)([row.participation for row in rows])
    return [replace(row, result=labels.get(row.participation.pk, "")) for row in rows]


def tender_documents(package: Package) -> QuerySet[TenderDocument]:
    """The tender's documents and addenda, the latest version first."""
    return TenderDocument.objects.filter(package=package).order_by("-version")


def tender_questions(package: Package) -> QuerySet[Question]:
    return (
        Question.objects.filter(package=package)
        .select_related("participation__company", "answered_by", "attachment")
        .order_by("asked_at", "pk")
    )


def questions_left(participation: Participation) -> int:
    return max(0, QUESTIONS_PER_PARTICIPANT - participation.questions.count())
