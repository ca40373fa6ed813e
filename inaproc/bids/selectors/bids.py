"""Reading a company's bid: the upload window, its draft, its versions, the slot rules."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone

from inaproc.accounts.models import Role, User, UserSession
from inaproc.bids.models import BidState, BidVersion, SealedFile, SlotRule, TenderKey
from inaproc.bids.slots import DEFAULT_EXTENSIONS, DEFAULT_MAX_FILE_MB, Slot, slots_for
from inaproc.bids.upload_capability import UploadCapability
from inaproc.core.prepared import execute_prepared
from inaproc.portals.models import Portal
from inaproc.tenders import stages
from inaproc.tenders.models import Package, PackageState, Participation, ScheduleStage
from inaproc.tenders.models.packages import PUBLIC_STATES
from inaproc.tenders.selectors.participation import ACTING_ROLES, package_with_stages, stage_of
from inaproc.uploads.models import ResumableUpload, UploadState
from inaproc.vendors.models import Company, CompanyMember, Registration, RegistrationStatus

MIB = 1 << 20
M = TypeVar("M", bound=Model)


def upload_open(package: Package, *, now: datetime) -> bool:
    """Bids are received during Upload Dokumen Penawaran of a published tender, by the
    server clock; the end is the deadline (a bid committed at the deadline is late)."""
    stage = stage_of(package, stages.BID_UPLOAD)
    return (
        package.state == PackageState.PUBLISHED
        and stage is not None
        and stage.starts_at <= now < stage.ends_at
    )


def max_sealed_bytes(max_file_mb: int) -> int:
    """The largest sealed file: the plain limit plus the format's overhead (a header of
    at most 64 KiB and a 16-byte tag per record of 1 MiB)."""
    return max_file_mb * MIB + 16 * (max_file_mb + 1) + 65_536 + 12


@dataclass(frozen=True)
class SlotView:
    slot: Slot
    max_file_mb: int
    extensions: tuple[str, ...]
    files: list[SealedFile]

    @property
    def max_sealed_bytes(self) -> int:
        return max_sealed_bytes(self.max_file_mb)

    @property
    def full(self) -> bool:
        return len(self.files) >= self.slot.max_files


Rules = dict[str, tuple[int, tuple[str, ...]]]
# (package id, published at, start of the upload stage) -> its rules, per process.
_RULES: dict[tuple[int, datetime | None, datetime], Rules] = {}
RULES_SETTLED = timedelta(minutes=1)


def slot_rules(package: Package) -> Rules:
    """Per slot code: (largest file in MB, allowed extensions). Once the upload stage of
    a published tender has started they cannot change (`slot_rules_editable`), so each
    process reads them once per tender then (a minute after the start: an edit that
    began just before it has committed): every file of a deadline checks them. The
    stage's start is in the memo's key, so a schedule change that moves it starts
    afresh."""
    stage = (
        stage_of(package, stages.BID_UPLOAD)
        if "stages" in getattr(package, "_prefetched_objects_cache", {})
        else None
    )
    if (
        stage is None
        or package.state != PackageState.PUBLISHED
        or timezone.now() < stage.starts_at + RULES_SETTLED
    ):
        return _slot_rules_read(package)
    memo = (package.pk, package.published_at, stage.starts_at)
    if memo not in _RULES:
        if len(_RULES) > 10_000:
            _RULES.clear()
        _RULES[memo] = _slot_rules_read(package)
    return _RULES[memo]


def _slot_rules_read(package: Package) -> Rules:
    rules = {
        rule.slot: (rule.max_file_mb, tuple(filter(None, rule.extensions.split(","))))
        for rule in SlotRule.objects.filter(package=package)
    }
    return {
        slot.code: rules.get(
            slot.code,
            (DEFAULT_MAX_FILE_MB, ("json",) if slot.is_letter else DEFAULT_EXTENSIONS),
        )
        for slot in slots_for(package)
    }


def participation_for_upload(
    *, portal: Portal, company: Company, code: int
) -> Participation | None:
    """The company's participation in public tender `code`, with the package, the
    company and the stages, in one query (`_participation_query`): what the bid's
    requests at a deadline check."""
    return _participation_query(
        portal,
        "k.portal_id = %s AND k.code = %s AND p.company_id = %s",
        [portal.pk, code, company.pk],
    )


def _columns(model: type[Model], alias: str) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


@cache
def _converters(model: type[Model]) -> list[tuple[Any, list[Any]]]:
    """Per concrete column of `model`: its Col and the converters the ORM applies to
    what the cursor gives (dates on SQLite, JSON, …)."""
    out = []
    for field in model._meta.concrete_fields:
        col = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        out.append((col, converters))
    return out


def _from_row(model: type[M], values: Sequence[Any]) -> M:
    """An instance of `model` from its concrete columns as a cursor gave them."""
    converted = []
    for (col, converters), value in zip(_converters(model), values, strict=True):
        for convert in converters:
            value = convert(value, col, connection)
        converted.append(value)
    fields = model._meta.concrete_fields
    return model.from_db(connection.alias, [field.attname for field in fields], converted)


_ROW_MODELS = (Participation, Package, Company, ScheduleStage)


@cache
def _participation_sql(where: str, extra: str = "") -> str:
    """The participation query with `where` (placeholders only), written once per
    process: one query, not two. Its first row is the participation, package and
    company (`extra` first, one more column, placeholders only), then one row per stage
    of the tender by position, each row NULL where the other kind has its columns (the
    package and company are not sent, nor loaded, once per stage); only public
    tenders."""
    quote = connection.ops.quote_name

    def table(model: type[Model]) -> str:
        return quote(model._meta.db_table)

    found = [
        f"{alias}.{quote(field.column)}"
        for alias, model in _HIT
        for field in model._meta.concrete_fields
    ]
    if extra:
        found.insert(0, f"({extra})")
    named = ", ".join(f"{column} AS h{n}" for n, column in enumerate(found))
    package_id = found.index(f"k.{quote(Package._meta.pk.column)}")
    stage_columns = _columns(ScheduleStage, "s")
    width = len(ScheduleStage._meta.concrete_fields)
    position = next(
        n for n, field in enumerate(ScheduleStage._meta.concrete_fields) if field.name == "position"
    )
    nulls = ", ".join(["NULL"] * len(found))
    # Only names from the models' metadata and placeholders go into the text.
    return f"""
        WITH hit AS (
            SELECT {named}
            FROM {table(Participation)} p
            JOIN {table(Package)} k ON k.id = p.package_id
            JOIN {table(Company)} c ON c.id = p.company_id
            WHERE k.state IN ({", ".join(["%s"] * len(PUBLIC_STATES))}) AND {where})
        SELECT 0 AS kind, hit.*, {", ".join(["NULL"] * width)} FROM hit
        UNION ALL
        SELECT 1, {nulls}, {stage_columns}
        FROM {table(ScheduleStage)} s JOIN hit ON s.package_id = hit.h{package_id}
        ORDER BY 1, {2 + len(found) + position}"""  # noqa: S608


_HIT = (("p", Participation), ("k", Package), ("c", Company))


def _participation_query(
    portal: Portal,
    where: str,
    params: list[Any],
    extra: tuple[str, list[Any]] | None = None,
) -> Participation | None:
    """The participation that `where` selects (on `p` participation, `k` package, `c`
    company), with its package (of `portal`), company and stages, built from one query
    written by hand: the ORM would compile it anew on every request (joins, EXISTS),
    which cost more than the rest of a tus request's database work together. `extra`:
    (an expression, its parameters) read in the same query, left on the participation
    as `extra_value`."""
    values = [str(value) if isinstance(value, str) else value for value in params]
    extra_sql, extra_params = extra or ("", [])
    with connection.cursor() as cursor:
        # Planned once per connection: planning this query cost several times running it.
        execute_prepared(
            cursor,
            _participation_sql(where, extra_sql),
            [*extra_params, *map(str, PUBLIC_STATES), *values],
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    first, *stage_rows = (row[1:] for row in rows)  # without the kind
    extra_value = None
    if extra is not None:
        extra_value, first = first[0], first[1:]
    widths = [len(model._meta.concrete_fields) for model in _ROW_MODELS]
    bounds = [sum(widths[:i]) for i in range(len(widths) + 1)]
    participation = _from_row(Participation, first[bounds[0] : bounds[1]])
    package = _from_row(Package, first[bounds[1] : bounds[2]])
    participation.package = package
    participation.company = _from_row(Company, first[bounds[2] : bounds[3]])
    package.portal = portal
    skip = int(extra is not None) + bounds[3]
    package_with_stages(package, [_from_row(ScheduleStage, row[skip:]) for row in stage_rows])
    if extra is not None:
        participation.extra_value = extra_value  # type: ignore[attr-defined]
    return participation


@cache
def _capability_where() -> str:
    quote = connection.ops.quote_name

    def table(model: type[Model]) -> str:
        return quote(model._meta.db_table)

    return f"""p.id = %s AND k.portal_id = %s AND k.code = %s
          AND EXISTS (
            SELECT 1 FROM {table(Registration)} r WHERE r.company_id = c.id AND r.status = %s)
          AND EXISTS (
            SELECT 1 FROM {table(CompanyMember)} m JOIN {table(User)} u ON u.id = m.user_id
            WHERE m.company_id = p.company_id AND m.user_id = %s
              AND m.role IN ({", ".join(["%s"] * len(ACTING_ROLES))})
              AND m.suspended_at IS NULL
              AND u.is_active = %s AND u.role = %s AND u.portal_id = %s)
          AND EXISTS (
            SELECT 1 FROM {table(UserSession)} us
            WHERE us.id = %s AND us.user_id = %s AND us.ended_at IS NULL)"""  # noqa: S608


# Whom a bid's uploads count against (`uploads` quota): "company:<id>".
QUOTA_OWNER_PREFIX = "company:"


def quota_owner_key(company_id: int) -> str:
    return f"{QUOTA_OWNER_PREFIX}{company_id}"


@cache
def _quota_sql() -> str:
    table = connection.ops.quote_name(ResumableUpload._meta.db_table)
    # The owner key as `quota_owner_key` writes it, of the participation's company.
    return f"""SELECT COALESCE(SUM(u.length), 0) FROM {table} u
        WHERE u.portal_id = %s AND u.state = %s AND u.expires_at > %s
          AND u.owner_key = CAST(%s AS TEXT) || CAST(p.company_id AS TEXT)"""  # noqa: S608


def participation_for_capability(
    *, portal: Portal, capability: UploadCapability, with_quota: bool = False
) -> Participation | None:
    """The participation an upload capability names, with its package and stages, if it
    still holds: the tender public, the user an active vendor account still acting for
    the company (admin or bid preparer, not suspended), the company approved and the
    session record the capability was issued in not ended. One query, the session and
    the user never loaded: what each resumable-upload request of a deadline costs. The
    caller checks the upload stage (`upload_open`) by the server clock.

    `with_quota` (a creation): the same query also counts the bytes announced by the
    company's uploads still receiving (as `uploads.selectors.upload_quota_used` would,
    for `quota_owner_key`), left on the participation as `extra_value`."""
    extra = None
    if with_quota:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        extra = (_quota_sql(), [portal.pk, str(UploadState.RECEIVING), now, QUOTA_OWNER_PREFIX])
    return _participation_query(
        portal,
        _capability_where(),
        [
            capability.participation_id,
            portal.pk,
            capability.code,
            RegistrationStatus.APPROVED,
            capability.user_id,
            *ACTING_ROLES,
            True,
            Role.VENDOR,
            portal.pk,
            capability.user_session_id,
            capability.user_id,
        ],
        extra,
    )


def draft_files(participation: Participation) -> QuerySet[SealedFile]:
    return SealedFile.objects.filter(participation=participation, in_draft=True)


@cache
def _locked_draft_sql() -> str:
    quote = connection.ops.quote_name
    lock = " FOR UPDATE OF p" if connection.features.has_select_for_update_of else ""
    # Only names from the models' metadata and placeholders go into the text.
    return f"""
        SELECT {_columns(Participation, "p")}, {_columns(SealedFile, "f")}
        FROM {quote(Participation._meta.db_table)} p
        LEFT JOIN {quote(SealedFile._meta.db_table)} f
          ON f.participation_id = p.id AND f.in_draft
        WHERE p.id = %s
        ORDER BY f.uploaded_at, f.id{lock}"""  # noqa: S608


def participation_locked_with_draft(
    participation_id: int,
) -> tuple[Participation, list[SealedFile]] | None:
    """Lock the participation's row (`SELECT … FOR UPDATE`: one writer of its draft at a
    time) and read its draft files, in one statement: for a write's transaction (a
    sealed file stored, a bid submitted), which would otherwise make two. The
    participation without its relations; None if it is gone."""
    with connection.cursor() as cursor:
        cursor.execute(_locked_draft_sql(), [participation_id])
        rows = cursor.fetchall()
    if not rows:
        return None
    width = len(Participation._meta.concrete_fields)
    participation = _from_row(Participation, rows[0][:width])
    files = [_from_row(SealedFile, row[width:]) for row in rows if row[width] is not None]
    return participation, files


def slot_views(
    participation: Participation,
    package: Package,
    rules: Rules | None = None,
    files: list[SealedFile] | None = None,
) -> list[SlotView]:
    """Each slot of the bid with its rules and draft files. `rules`: `slot_rules` as
    the caller read them in this request (they are fixed while bids are received);
    `files`: the draft files as the caller read them under its lock
    (`participation_locked_with_draft`)."""
    rules = rules if rules is not None else slot_rules(package)
    files = files if files is not None else list(draft_files(participation))
    return [
        SlotView(
            slot=slot,
            max_file_mb=rules[slot.code][0],
            extensions=rules[slot.code][1],
            files=[file for file in files if file.slot == slot.code],
        )
        for slot in slots_for(package)
    ]


def current_bid(participation: Participation) -> BidVersion | None:
    return BidVersion.objects.filter(participation=participation, state=BidState.SUBMITTED).first()


def bid_versions(participation: Participation) -> QuerySet[BidVersion]:
    return BidVersion.objects.filter(participation=participation).order_by("-number")


# (package id, published at, envelope) -> the tender key's fingerprint, per process.
_FINGERPRINTS: dict[tuple[int, datetime | None, int], str] = {}


def tender_key_fingerprint(package: Package, envelope: int) -> str | None:
    """The fingerprint of the envelope's tender key, None without one. A published
    tender's keys never change (the ceremony makes them while it is assigned, and it
    never returns to that state), so each process reads them once per tender: every
    file of a deadline checks its header against it. The publication time is in the
    memo's key, so a package id that a test database hands out again misses it."""
    published = package.state == PackageState.PUBLISHED
    memo = (package.pk, package.published_at, envelope)
    if published and memo in _FINGERPRINTS:
        return _FINGERPRINTS[memo]
    key = TenderKey.objects.filter(package=package, envelope=envelope).first()
    if key is None:
        return None
    if published:
        if len(_FINGERPRINTS) > 10_000:
            _FINGERPRINTS.clear()
        _FINGERPRINTS[memo] = key.fingerprint
    return key.fingerprint


def draft_matches_current(participation: Participation) -> bool:
    current = current_bid(participation)
    if current is None:
        return False
    in_version = set(current.files.values_list("pk", flat=True))
    return in_version == set(draft_files(participation).values_list("pk", flat=True))
