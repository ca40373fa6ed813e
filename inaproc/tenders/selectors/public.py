"""Reads of the public tender pages (TENDERS.md §5): a portal's list with its search,
filters and sorts, one tender's announcement, schedule and documents, the open tenders
of the portal home and the feeds. No account needed; only published and cancelled
packages of the portal are ever read.

Where a tender stands (its current stage and that stage's end) follows from its
schedule and the clock (`stages.standing_at`): the list prefetches the stages of one
page in a single query and computes it in Python; the filters on the stage ask the
database the same question of `ScheduleStage` rows (running = starts_at <= now <
ends_at), so the two always agree. "Not finished" and "finished" ask it, on PostgreSQL,
of the end of the last stage that triggers keep on the package's row (`ScheduleEnd`).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Protocol

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.http import Http404
from django.utils import timezone

from inaproc.portals.models import Portal
from inaproc.tenders.models import (
    Package,
    PackageLocation,
    PackageState,
    Participation,
    ScheduleChange,
    ScheduleStage,
    TenderDocument,
)
from inaproc.tenders.stages import STAGE_NAMES, Standing, standing_at

# Stage filter values besides the keys of `stages.STAGE_NAMES`.
STAGE_OPEN = "open"  # published and not finished (not started yet, or a stage to come)
STAGE_FINISHED = "finished"  # every stage has ended


class Sort:
    NEWEST = "newest"
    HPS_ASC = "hps_asc"
    HPS_DESC = "hps_desc"
    DEADLINE = "deadline"
    NAME = "name"


ORDERINGS = {
    # As the partial index package_public_newest_idx (PostgreSQL puts a missing date
    # first, SQLite last: only a package cancelled before publication has none).
    Sort.NEWEST: (F("published_at").desc(), F("pk").desc()),
    Sort.HPS_ASC: (F("hps").asc(), F("pk").desc()),
    Sort.HPS_DESC: (F("hps").desc(), F("pk").desc()),
    # The end of the stage running now, soonest first; tenders between stages or over last.
    Sort.DEADLINE: (F("current_ends_at").asc(nulls_last=True), F("pk").desc()),
    Sort.NAME: (F("name").asc(), F("pk").desc()),
}

# A search of more words than this uses the first ones (each word is a condition).
SEARCH_MAX_WORDS = 8
# A bigint: codes longer than this cannot be a code.
CODE_MAX_DIGITS = 18


@dataclass(frozen=True)
class TenderFilters:
    """What the list is narrowed to; empty values filter nothing."""

    q: str = ""
    procurement_type: str = ""
    selection_method: str = ""
    budget_year: int | None = None
    stage: str = ""
    institution: str = ""
    hps_min: Decimal | None = None
    hps_max: Decimal | None = None
    kbli: str = ""
    province: str = ""
    sort: str = Sort.NEWEST


@dataclass(frozen=True)
class TenderRow:
    package: Package
    standing: Standing

    @property
    def stage_ends_at(self) -> datetime | None:
        current = self.standing.current
        return current.ends_at if current is not None else None

    @property
    def starts_at(self) -> datetime | None:
        """When a tender that has not started yet starts."""
        if self.standing.current is None and self.standing.upcoming is not None:
            return self.standing.upcoming.starts_at
        return None


def _running(now: datetime) -> Q:
    return Q(starts_at__lte=now, ends_at__gt=now)


class ScheduleEnd(Func):
    """The end of the package's last stage: the column `schedule_ends_at` that triggers
    keep on PostgreSQL (migration 0007), unknown to the model, named beside the alias the
    query gives the package's primary key (inside a subquery too). NULL without stages."""

    output_field = DateTimeField()

    def __init__(self) -> None:
        super().__init__(F("pk"))

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        pk_sql, params = compiler.compile(self.get_source_expressions()[0])
        return f'{pk_sql.rsplit(".", 1)[0]}."schedule_ends_at"', params


def stage_condition(stage: str, now: datetime) -> Q:
    stages = ScheduleStage.objects.filter(package=OuterRef("pk"))
    if stage in (STAGE_OPEN, STAGE_FINISHED) and connection.vendor == "postgresql":
        # A stage ends after `now` exactly when the last end does: a condition on the
        # package's row instead of a lookup in its stages per row.
        ends = GreaterThan if stage == STAGE_OPEN else LessThanOrEqual
        return Q(state=PackageState.PUBLISHED) & Q(ends(ScheduleEnd(), Value(now)))
    if stage == STAGE_OPEN:
        return Q(state=PackageState.PUBLISHED) & Q(
            pk__in=ScheduleStage.objects.filter(ends_at__gt=now).values("package_id")
        )
    if stage == STAGE_FINISHED:
        return (
            Q(state=PackageState.PUBLISHED)
            & Exists(stages)
            & ~Q(pk__in=ScheduleStage.objects.filter(ends_at__gt=now).values("package_id"))
        )
    if stage in STAGE_NAMES:
        return Q(state=PackageState.PUBLISHED) & Q(Exists(stages.filter(_running(now), key=stage)))
    return Q()


def _search_condition(query: str) -> Q:
    """Every word in the code, the name or the institution (case-insensitive)."""
    condition = Q()
    for word in query.split()[:SEARCH_MAX_WORDS]:
        matches = Q(name__icontains=word) | Q(institution__icontains=word)
        if word.isdigit() and len(word) <= CODE_MAX_DIGITS:
            matches |= Q(code=int(word))
        condition &= matches
    return condition


class ListFilters(Protocol):
    """The filters a portal's list and the national search share (their forms' values,
    frozen dataclasses: read-only here)."""

    @property
    def procurement_type(self) -> str: ...
    @property
    def selection_method(self) -> str: ...
    @property
    def budget_year(self) -> int | None: ...
    @property
    def stage(self) -> str: ...
    @property
    def hps_min(self) -> Decimal | None: ...
    @property
    def hps_max(self) -> Decimal | None: ...
    @property
    def kbli(self) -> str: ...


def tender_filters_apply(
    packages: QuerySet[Package], filters: ListFilters, *, now: datetime
) -> QuerySet[Package]:
    """Jenis, method, budget year, stage (from the schedule and the clock), HPS range and
    KBLI: the filters of the portal's list, also those of the national search."""
    if filters.procurement_type:
        packages = packages.filter(procurement_type=filters.procurement_type)
    if filters.selection_method:
        packages = packages.filter(selection_method=filters.selection_method)
    if filters.budget_year:
        packages = packages.filter(budget_year=filters.budget_year)
    if filters.stage:
        packages = packages.filter(stage_condition(filters.stage, now))
    if filters.hps_min is not None:
        packages = packages.filter(hps__gte=filters.hps_min)
    if filters.hps_max is not None:
        packages = packages.filter(hps__lte=filters.hps_max)
    if filters.kbli:
        required = Package.kbli.through.objects.filter(
            package_id=OuterRef("pk"), kbli_id=filters.kbli
        )
        packages = packages.filter(Exists(required))
    return packages


# The columns a list of tenders shows (`tender_rows`).
LIST_COLUMNS = (
    "pk",
    "code",
    "name",
    "institution",
    "hps",
    "state",
    "repeat_of_id",
    "published_at",
    "procurement_type",
    "selection_method",
    "budget_year",
)


def public_packages(*, portal: Portal) -> QuerySet[Package]:
    return Package.objects.public().filter(portal=portal)


def public_tender_list(
    *, portal: Portal, filters: TenderFilters, now: datetime | None = None
) -> QuerySet[Package]:
    """The portal's published and cancelled packages narrowed by `filters`, in the
    order asked for; only the columns the list shows, stages prefetched (one query)."""
    now = now or timezone.now()
    packages = public_packages(portal=portal)
    if filters.q:
        packages = packages.filter(_search_condition(filters.q))
    packages = tender_filters_apply(packages, filters, now=now)
    if filters.institution:
        packages = packages.filter(institution__icontains=filters.institution)
    if filters.province:
        located = PackageLocation.objects.filter(package=OuterRef("pk"), province=filters.province)
        packages = packages.filter(Exists(located))
    sort = filters.sort if filters.sort in ORDERINGS else Sort.NEWEST
    if sort == Sort.DEADLINE:
        current_end = (
            ScheduleStage.objects.filter(_running(now), package=OuterRef("pk"))
            .order_by("-position")
            .values("ends_at")[:1]
        )
        packages = packages.annotate(current_ends_at=Subquery(current_end))
    return packages.only("portal_id", *LIST_COLUMNS).order_by(*ORDERINGS[sort])


@dataclass(slots=True)
class _ListStage:
    position: int
    key: str
    starts_at: datetime
    ends_at: datetime


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _Microseconds(Func):
    """A timestamptz as whole microseconds since 1970 (PostgreSQL; exact: EXTRACT gives a
    numeric). Loaded as an integer: Django's loader of timestamptz values is pure
    Python, about 4 µs a value, 2 ms for the ~400 of a page's stages."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = BigIntegerField()


def _from_microseconds(position: int, key: str, starts: int, ends: int) -> _ListStage:
    return _ListStage(
        position,
        key,
        _EPOCH + timedelta(microseconds=starts),
        _EPOCH + timedelta(microseconds=ends),
    )


def plain_stages(packages: list[Package]) -> dict[int, list[_ListStage]]:
    """The stages of `packages` in one query, as plain values by package id, in order:
    making a model instance of each of a page's hundreds of stages cost more than the
    page's own query (docs/performance.md). Enough for `standing_at`."""
    stages: dict[int, list[_ListStage]] = defaultdict(list)
    rows = ScheduleStage.objects.filter(package__in=[package.pk for package in packages]).order_by(
        "package_id", "position"
    )
    if connection.vendor == "postgresql":
        values = rows.annotate(
            starts=_Microseconds("starts_at"), ends=_Microseconds("ends_at")
        ).values_list("package_id", "position", "key", "starts", "ends")
        for package_id, position, key, starts, ends in values:
            stages[package_id].append(_from_microseconds(position, key, starts, ends))
    else:
        for package_id, position, key, starts_at, ends_at in rows.values_list(
            "package_id", "position", "key", "starts_at", "ends_at"
        ):
            stages[package_id].append(_ListStage(position, key, starts_at, ends_at))
    return stages


# The stages that decide a schedule's standing at a moment (`standing_at`): every one
# running, the one begun last and the one beginning next (each the lowest position among
# equals, as `standing_at` picks). Every other stage has begun and ended (a stage ends
# after it starts), or begins after the next one: whether the schedule is finished, and
# everything else `standing_at` says, is the same from these alone.
_DECIDING_STAGES_SQL = """
SELECT "package_id", "position", "key",
       (EXTRACT(EPOCH FROM "starts_at") * 1000000)::bigint,
       (EXTRACT(EPOCH FROM "ends_at") * 1000000)::bigint
FROM (
    SELECT "package_id", "position", "key", "starts_at", "ends_at",
           row_number() OVER (
               PARTITION BY "package_id", "starts_at" <= %(now)s
               ORDER BY CASE WHEN "starts_at" <= %(now)s THEN "starts_at" END DESC,
                        "starts_at", "position"
           ) AS "nth"
    FROM "tenders_schedulestage"
    WHERE "package_id" = ANY(%(packages)s)
) AS "stages"
WHERE "nth" = 1 OR ("starts_at" <= %(now)s AND %(now)s < "ends_at")
ORDER BY "package_id", "position"
"""


def deciding_stages(packages: list[Package], now: datetime) -> dict[int, list[_ListStage]]:
    """Like `plain_stages`, only the stages that decide where each package stands at
    `now` (`standing_at` gives the same answer from them): about one or two a package
    instead of ten or more, for the lists that show a stage per row (a page of 20
    search results: 240 stages → 20, 1.2 → 0.25 ms of CPU). SQLite: every stage."""
    if connection.vendor != "postgresql":
        return plain_stages(packages)
    stages: dict[int, list[_ListStage]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_DECIDING_STAGES_SQL, {"now": now, "packages": [p.pk for p in packages]})
        for package_id, position, key, starts, ends in cursor.fetchall():
            stages[package_id].append(_from_microseconds(position, key, starts, ends))
    return stages


def tender_rows(packages: list[Package], *, now: datetime | None = None) -> list[TenderRow]:
    """Each package with where it stands now (its deciding stages and the clock)."""
    now = now or timezone.now()
    stages = deciding_stages(packages, now)
    return [TenderRow(package, standing_at(stages[package.pk], now)) for package in packages]


def access_public_package(*, portal: Portal, code: int) -> Package:
    """A published or cancelled package of this portal by its public code, with what its
    announcement shows; a draft, another portal's, an unknown code: 404 alike."""
    package = (
        public_packages(portal=portal)
        .select_related("repeat_of", "portal")
        .annotate(participant_count=Count("participations", distinct=True))
        .prefetch_related(
            "locations",
            "kbli",
            Prefetch("stages", queryset=ScheduleStage.objects.order_by("package_id", "position")),
        )
        .filter(code=code)
        .first()
    )
    if package is None:
        raise Http404
    return package


def tender_standing(package: Package, *, now: datetime | None = None) -> Standing:
    return standing_at(package.stages.all(), now or timezone.now())


def tender_documents(package: Package) -> list[TenderDocument]:
    """The tender documents and addenda, oldest version first. Names and notes only:
    the files are for participants."""
    return list(
        TenderDocument.objects.filter(package=package)
        .only("pk", "package_id", "kind", "version", "note", "original_name", "uploaded_at")
        .order_by("version")
    )


def tender_schedule_changes(package: Package) -> list[ScheduleChange]:
    """The public history of the schedule: every change after publication, with its
    reason, oldest first. Who changed it is not shown (the Pokja, or the platform)."""
    return list(
        ScheduleChange.objects.filter(package=package)
        .select_related("stage")
        .defer("changed_by")
        .order_by("created_at", "pk")
    )


def participant_count(package: Package) -> int:
    return Participation.objects.filter(package=package).count()


def open_tenders_by_type(*, portal: Portal, now: datetime | None = None) -> dict[str, int]:
    """Published tenders not finished yet (started or not), counted by jenis."""
    now = now or timezone.now()
    counts = (
        public_packages(portal=portal)
        .filter(stage_condition(STAGE_OPEN, now))
        .order_by()
        .values("procurement_type")
        .annotate(count=Count("pk"))
    )
    return {row["procurement_type"]: row["count"] for row in counts}


def tender_feed_items(*, portal: Portal, limit: int = 30) -> QuerySet[Package]:
    """The newest published tenders (cancelled ones too: they were announced), newest
    first, for the RSS and Atom feeds."""
    return (
        public_packages(portal=portal)
        .filter(published_at__isnull=False)
        .select_related("portal")
        .order_by("-published_at", "-pk")[:limit]
    )
