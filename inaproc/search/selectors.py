"""Reads of the national search and the portal directory (issue 18, items 4 and 5).

Only public tenders of active portals are ever read: published ones, and cancelled ones
that had been published (a package cancelled before publication was never announced).
Where a tender stands follows from its schedule and the clock, exactly as on the
portal's own list (`tenders.selectors.public`, whose stage condition is reused).
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    SmallIntegerField,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone

from inaproc.core.cache import cached_for
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_base_url
from inaproc.search import fulltext
from inaproc.search.filters import SearchFilters, Sort
from inaproc.search.models import SavedSearch, SavedSearchAlert
from inaproc.tenders.models import Package, PackageLocation, PackageState, ScheduleStage
from inaproc.tenders.models.packages import PUBLIC_STATES
from inaproc.tenders.selectors.public import (
    LIST_COLUMNS,
    STAGE_OPEN,
    stage_condition,
    tender_filters_apply,
)

T = TypeVar("T")

# Without full-text search (SQLite), a search of more words uses the first ones.
SEARCH_MAX_WORDS = 8
CODE_MAX_DIGITS = 18
# The directory's open tender counts are this many seconds old at most.
DIRECTORY_COUNTS_SECONDS = 60
# Relevance orders this many of the newest matches (as many as the count counts).
RELEVANCE_POOL = 1000
# A saved search alerts of at most this many new tenders per run (the rest next run).
ALERT_BATCH = 100

ORDERINGS = {
    Sort.NEWEST: (F("published_at").desc(), F("pk").desc()),
    # Both as the index search_package_hps_idx (hps, id), read either way.
    Sort.HPS_ASC: (F("hps").asc(), F("pk").asc()),
    Sort.HPS_DESC: (F("hps").desc(), F("pk").desc()),
    Sort.DEADLINE: (F("current_ends_at").asc(nulls_last=True), F("pk").desc()),
    Sort.RELEVANCE: (F("rank").desc(), F("published_at").desc(), F("pk").desc()),
}


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def public_search_packages() -> QuerySet[Package]:
    """Every tender the national search may show: published, or cancelled after its
    publication, on an active portal."""
    return Package.objects.filter(
        state__in=PUBLIC_STATES, published_at__isnull=False, portal__is_active=True
    )


def query_has_words(q: str) -> bool:
    """Whether the words leave something to search once stop words are gone ("yang
    dan" leaves nothing, and on PostgreSQL neither do emoji or punctuation alone); a
    search without words filters nothing."""
    q = fulltext.search_words(q)
    if not q:
        return False
    if not uses_full_text():
        return True
    with connection.cursor() as cursor:
        cursor.execute(fulltext.LEXEMES_SQL, [q])
        return bool(cursor.fetchone()[0])


def _code_of(q: str) -> int | None:
    word = q.strip()
    return int(word) if word.isdigit() and len(word) <= CODE_MAX_DIGITS else None


def _words_condition(q: str) -> Q:
    """The fallback without full-text search: every word in a searched column."""
    condition = Q()
    for word in q.split()[:SEARCH_MAX_WORDS]:
        condition &= (
            Q(name__icontains=word)
            | Q(institution__icontains=word)
            | Q(work_unit__icontains=word)
            | Q(rup_name__icontains=word)
        )
    return condition


def _keyword(packages: QuerySet[Package], q: str) -> QuerySet[Package]:
    code = _code_of(q)
    q = fulltext.search_words(q)
    match = Q(fulltext.FullTextMatch(q)) if uses_full_text() else _words_condition(q)
    return packages.filter(match | Q(code=code) if code is not None else match)


def _filtered(packages: QuerySet[Package], filters: SearchFilters, now: datetime):
    if filters.portal:
        # The portal's id as a value (an InitPlan), so that it is a condition of the
        # GIN index rather than a join.
        portal = Portal.objects.filter(slug=filters.portal).order_by().values("pk")[:1]
        packages = packages.filter(portal_id=Subquery(portal))
    if filters.budget_year:
        # As a smallint, as the column: btree_gin's operators compare only equal types.
        year = Cast(Value(filters.budget_year), SmallIntegerField())
        packages = packages.filter(budget_year=year)
    packages = tender_filters_apply(packages, replace(filters, budget_year=None), now=now)
    if filters.province and uses_full_text():
        # The package's own provinces (in the GIN index); SQLite has no JSON containment.
        packages = packages.filter(provinces__contains=[filters.province])
    if filters.city or (filters.province and not uses_full_text()):
        # A city must be in the province of the same location.
        located = PackageLocation.objects.filter(package=OuterRef("pk"))
        if filters.province:
            located = located.filter(province=filters.province)
        if filters.city:
            located = located.filter(city__icontains=filters.city)
        packages = packages.filter(Exists(located))
    return packages


def _sort_of(filters: SearchFilters, words: bool) -> str:
    """The order of the results: relevance only with words to rank (on PostgreSQL)."""
    sort = filters.effective_sort
    if sort == Sort.RELEVANCE and not (words and uses_full_text()):
        return Sort.NEWEST
    return sort


def _sorted(packages: QuerySet[Package], filters: SearchFilters, now: datetime, words: bool):
    sort = _sort_of(filters, words)
    if sort == Sort.RELEVANCE:
        # Ranked: the newest RELEVANCE_POOL matches, the most a result list shows
        # (the count stops there too); ranking every match of a common word would
        # compute the document of each (docs/national-search.md).
        newest = packages.order_by(*ORDERINGS[Sort.NEWEST]).values("pk")[:RELEVANCE_POOL]
        packages = Package.objects.filter(pk__in=Subquery(newest)).annotate(
            rank=fulltext.FullTextRank(fulltext.search_words(filters.q))
        )
    if sort == Sort.DEADLINE:
        current_end = (
            ScheduleStage.objects.filter(
                starts_at__lte=now, ends_at__gt=now, package=OuterRef("pk")
            )
            .order_by("-position")
            .values("ends_at")[:1]
        )
        packages = packages.annotate(current_ends_at=Subquery(current_end))
    return packages.order_by(*ORDERINGS[sort])


def national_search_matches(
    *, filters: SearchFilters, now: datetime, words: bool
) -> QuerySet[Package]:
    """The public tenders matching `filters`, unordered (what the count counts)."""
    packages = public_search_packages().order_by()  # not Package.Meta's order
    if words:
        packages = _keyword(packages, filters.q)
    return _filtered(packages, filters, now)


RESULT_COLUMNS = (*LIST_COLUMNS, "work_unit", "portal__slug", "portal__name")


def _result_rows(packages: QuerySet[Package]) -> QuerySet[Package]:
    return packages.select_related("portal").only(*RESULT_COLUMNS)


def national_search(
    *, filters: SearchFilters, now: datetime | None = None, words: bool | None = None
) -> QuerySet[Package]:
    """The public tenders of every active portal narrowed by `filters`, in the order
    asked for, with the columns and stages the result list shows (stages prefetched).
    `words`: whether `filters.q` has words to search (`query_has_words`), if known."""
    now = now or timezone.now()
    words = query_has_words(filters.q) if words is None else words
    packages = national_search_matches(filters=filters, now=now, words=words)
    return _result_rows(_sorted(packages, filters, now, words))


def is_ranked(filters: SearchFilters, words: bool) -> bool:
    """Whether the results are ordered by relevance (words, on PostgreSQL)."""
    return filters.effective_sort == Sort.RELEVANCE and words and uses_full_text()


# The columns of the covering indexes of migration 0005 (key and included columns),
# the `id` among them: what a bounded newest scan may read without the table.
COVERED_COLUMNS = frozenset(
    ("id", "published_at", fulltext.DOCUMENT_COLUMN, "procurement_type", "selection_method")
    + ("budget_year", "portal_id", "provinces", "state", "hps")
)
# A bounded scan reads the newest public rows of a jenis or year from a covering index:
# first BOUNDED_SAMPLE_ROWS of them; if too few match, up to BOUNDED_SCAN_ROWS when the
# matches among the first, at the same rate, would make BOUNDED_MARGIN times as many as
# needed there; else the search reads its matches through the GIN index. An index row
# costs about 1/20 of a matching table row read through the GIN index (docs/
# national-search.md; docs/performance.md, "Covering indexes"). The margin is under 1
# because matches are rarely spread evenly along the newest rows, and a search whose
# sample promises half of what it needs has enough matches overall to make the GIN
# index slow too: on the benchmark's draws the longer scan at half the needed rate
# cut the p95 of the ranked query from 37–46 ms to 29 ms ("The collector frozen").
BOUNDED_SAMPLE_ROWS = 5_000
BOUNDED_SCAN_ROWS = 80_000
BOUNDED_MARGIN = 0.5
_TABLE = '"tenders_package"'
_COLUMN = re.compile(r'"tenders_package"\."(\w+)"')
# The join of `public_search_packages` and the condition on it, in Django's SQL; in a
# bounded scan, the portal is checked on the row instead (the ids of the active portals
# in an array computed once, an InitPlan), so that the rows stay in the scan's order and
# the query stops at its LIMIT (a join would sort all of them). Not in the other
# queries: there PostgreSQL would try the array as a condition of the GIN index.
_PORTAL_JOIN = (
    ' INNER JOIN "portals_portal" ON ("tenders_package"."portal_id" = "portals_portal"."id")'
)
_PORTAL_ACTIVE = '"portals_portal"."is_active"'
_PORTAL_ON_ROW = (
    '"tenders_package"."portal_id" = ANY(ARRAY('
    'SELECT "id" FROM "portals_portal" WHERE "is_active"))'
)


def _bounded_lead(filters: SearchFilters) -> tuple[str, str | int] | None:
    """The key column and value that a bounded newest scan reads along: jenis, else the
    year. None without either, or when the GIN index is the better way: a portal's
    tenders are few, and a tender code is looked up by its unique index."""
    if filters.portal or _code_of(filters.q) is not None:
        return None
    if filters.procurement_type:
        return "procurement_type", filters.procurement_type
    if filters.budget_year:
        return "budget_year", filters.budget_year
    return None


def _bounded_newest(rows: QuerySet, filters: SearchFilters, limit: int) -> list | None:
    """The first `limit` rows of `rows` (matches in the newest order, as values_list),
    read from the newest public rows of the jenis or year of `filters` only, in its
    covering index (migration 0005), without the tenders' table: exact when that many
    match among them (every other match is older). None when too few match among as
    many as BOUNDED_SCAN_ROWS allows (see BOUNDED_SAMPLE_ROWS), or when the query needs
    a column the index does not hold: then the caller asks the database as usual."""
    lead = _bounded_lead(filters) if uses_full_text() else None
    if lead is None:
        return None
    sql, params = rows.query.sql_with_params()
    if sql.count(_PORTAL_JOIN) != 1 or sql.count(_PORTAL_ACTIVE) != 1:
        return None
    sql = sql.replace(_PORTAL_JOIN, "").replace(_PORTAL_ACTIVE, _PORTAL_ON_ROW)
    if (
        not set(_COLUMN.findall(sql)) <= COVERED_COLUMNS
        or sql.count(f"FROM {_TABLE}") != 1
        or '"portals_portal".' in sql
    ):
        return None
    column, value = lead
    where = "".join(
        [
            '"state" IN (' + ", ".join(["%s"] * len(PUBLIC_STATES)) + ")",
            ' AND "published_at" IS NOT NULL',
            f' AND "{column}" = %s',
        ]
    )
    columns = ", ".join(f'"{name}"' for name in sorted(COVERED_COLUMNS))
    scan = (
        f"(SELECT {columns} FROM {_TABLE} WHERE {where} "  # noqa: S608 (our names, %s values)
        f'ORDER BY "published_at" DESC, "id" DESC LIMIT %s) {_TABLE}'
    )
    start = sql.index(f"FROM {_TABLE}")
    before = sql[:start].count("%s")
    sql = sql[:start] + sql[start:].replace(_TABLE, scan, 1)

    def scanned(size: int) -> list:
        scan_params = [*(str(state) for state in PUBLIC_STATES), value, size]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params[:before], *scan_params, *params[before:]])
            return cursor.fetchall()

    sample = min(BOUNDED_SAMPLE_ROWS, BOUNDED_SCAN_ROWS)
    found = scanned(sample)
    if len(found) >= limit:
        return found
    if len(found) * BOUNDED_SCAN_ROWS < limit * BOUNDED_MARGIN * sample:
        return None
    found = scanned(BOUNDED_SCAN_ROWS)
    return found if len(found) >= limit else None


def _by_gin_index(query: Callable[[], T]) -> T:
    """`query()` with PostgreSQL's ordered index scans switched off for its transaction,
    for a search by words that the bounded scan left (its matches are few among the
    newest rows): then the GIN index finds them. Left to itself, PostgreSQL may read a
    covering index in the newest order, expecting the words in more rows than they are
    (it guesses the rows of a word and of a filter as if independent): up to a jenis's
    every row, 163 ms instead of 10 for a word that no tender of the jenis has."""
    if not uses_full_text():
        return query()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_indexscan', 'off', true), "
            "set_config('enable_indexonlyscan', 'off', true)"
        )
        return query()


def _newest_with_words(rows: QuerySet, filters: SearchFilters, limit: int) -> list:
    """The first `limit` rows of `rows` (a search by words, newest first, as values_list):
    from a covering index when that is exact (`_bounded_newest`), else through the GIN
    index (`_by_gin_index`)."""
    bounded = _bounded_newest(rows, filters, limit)
    return _by_gin_index(lambda: list(rows)) if bounded is None else bounded


def national_search_ranked(*, filters: SearchFilters, now: datetime) -> tuple[list[int], int]:
    """For a search by relevance (`is_ranked`), in one pass over the matches: the ids of
    the RELEVANCE_POOL newest matches, best first, and how many matches there are, up
    to RELEVANCE_POOL + 1 (what the capped count needs): the same rows and order as
    `national_search`, whose count would read the matches a second time. A common word
    is answered from a covering index when it can be (`_bounded_newest`)."""
    newest = (
        national_search_matches(filters=filters, now=now, words=True)
        .order_by(*ORDERINGS[Sort.NEWEST])
        .annotate(rank=fulltext.FullTextRank(fulltext.search_words(filters.q)))
        .values_list("pk", "rank")[: RELEVANCE_POOL + 1]
    )
    # Without `published_at`: the rows come newest first, so a stable sort by rank alone
    # gives ORDERINGS[Sort.RELEVANCE] (rank, then newest, then id). Loading a
    # timestamptz costs about 5 µs in Django's loader (pure Python): 5 ms for a pool.
    rows = _newest_with_words(newest, filters, RELEVANCE_POOL + 1)
    pool = sorted(rows[:RELEVANCE_POOL], key=lambda row: row[1], reverse=True)
    return [pk for pk, _rank in pool], len(rows)


def national_search_newest(
    *, filters: SearchFilters, now: datetime, words: bool, cap: int
) -> list[int] | None:
    """For a search in the newest order without the stage filter: the ids of its `cap`
    + 1 newest matches, newest first (with words from a covering index when that is
    exact, `_bounded_newest`, else through the GIN index). A page is then a slice of
    them and the capped count their number: one query of ids, read from an index
    alone where the filters are in one, instead of a count and a page that read the
    same rows twice, the page from the table (`national_search_rows` reads the page's
    rows by id). None for other searches: the stage is on the row, in an index without
    the newest order (migration 0006), and the other sorts have their own indexes."""
    if _sort_of(filters, words) != Sort.NEWEST or filters.stage:
        return None
    newest = (
        national_search_matches(filters=filters, now=now, words=words)
        .order_by(*ORDERINGS[Sort.NEWEST])
        .values_list("pk")[: cap + 1]
    )
    rows = _newest_with_words(newest, filters, cap + 1) if words else list(newest)
    return [pk for (pk,) in rows]


def national_search_count(*, filters: SearchFilters, now: datetime, words: bool, cap: int) -> int:
    """How many public tenders match `filters`, up to `cap` + 1 (what a capped count
    shows as "more than `cap`"): any `cap` + 1 matches, or with words the newest ones
    from a covering index when that is exact (`_bounded_newest`)."""
    matches = national_search_matches(filters=filters, now=now, words=words)
    if words:
        newest = matches.order_by(*ORDERINGS[Sort.NEWEST]).values_list("pk")[: cap + 1]
        bounded = _bounded_newest(newest, filters, cap + 1)
        if bounded is not None:
            return len(bounded)
        return _by_gin_index(lambda: matches.values("pk")[: cap + 1].count())
    if filters.stage:
        # Any matches: the stage is on the row (`schedule_ends_at`), held by the open
        # tenders' index (migration 0006) and not by the ordered ones.
        return matches.values("pk")[: cap + 1].count()
    # The newest matches although any `cap` + 1 would do: PostgreSQL may then read them
    # along a covering index of the jenis or year, in order, until it has enough (5 ms
    # for jenis + province), where asked for any it would rather intersect the GIN
    # index's lists of every match of both filters first (20 ms).
    return matches.order_by(*ORDERINGS[Sort.NEWEST]).values("pk")[: cap + 1].count()


def national_search_page(rows: Iterable[Package], *, words: bool, few: bool) -> list[Package]:
    """A page of `national_search` (a slice of it), read through the GIN index when the
    search has words and `few` matches (the capped count was not reached): reading all
    of them and sorting is then cheaper than an ordered index whose rows seldom match
    (a word of no tender of its jenis had PostgreSQL read the jenis's 340,000 rows in
    order: 1.7 s)."""
    if words and few:
        return _by_gin_index(lambda: list(rows))
    return list(rows)


def national_search_rows(pks: list[int]) -> list[Package]:
    """The packages `pks` in this order, with the columns the result list shows."""
    packages = _result_rows(Package.objects.filter(pk__in=pks).order_by()).in_bulk()
    return [packages[pk] for pk in pks if pk in packages]


# --- The portal directory ------------------------------------------------------------


def _open_counts(now: datetime) -> dict[int, int]:
    rows = (
        public_search_packages()
        .filter(stage_condition(STAGE_OPEN, now))
        .order_by()
        .values("portal_id")
        .annotate(count=Count("pk"))
    )
    return {row["portal_id"]: row["count"] for row in rows}


DIRECTORY_COUNTS_KEY = "search:directory-open-counts"


def open_tender_counts(*, now: datetime | None = None) -> dict[int, int]:
    """Published tenders not finished yet, per portal id; a minute old at most (the
    count reads every open tender of the platform): in the shared cache, or without one
    (no REDIS_URL, or Redis down) in each worker's memory."""
    if now is not None:
        return _open_counts(now)
    return cached_for(
        DIRECTORY_COUNTS_KEY, DIRECTORY_COUNTS_SECONDS, lambda: _open_counts(timezone.now())
    )


def portal_directory(*, text: str = "", province: str = "") -> list[Portal]:
    """Active portals whose name, institution, slug, domain or helpdesk address has
    every word of `text` (a city's name finds the portals of that region), and, with
    `province`, which announced tenders to be done in that province. Each portal has
    `open_tenders`, its count of tenders not finished yet, and `own_address`, the address
    of its own domain (on SITE_URL's scheme and port) when it has one."""
    portals = Portal.objects.active()
    for word in text.split()[:SEARCH_MAX_WORDS]:
        portals = portals.filter(
            Q(name__icontains=word)
            | Q(institution__icontains=word)
            | Q(slug__icontains=word)
            | Q(domain__icontains=word)
            | Q(helpdesk_address__icontains=word)
        )
    if province:
        located = PackageLocation.objects.filter(
            province=province,
            package__portal_id=OuterRef("pk"),
            package__state__in=PUBLIC_STATES,
            package__published_at__isnull=False,
        )
        portals = portals.filter(Exists(located))
    result = list(portals.order_by("name", "pk"))
    counts = open_tender_counts()
    for portal in result:
        portal.open_tenders = counts.get(portal.pk, 0)
        portal.own_address = portal_base_url(portal) + "/" if portal.domain else ""
    return result


# --- Saved searches --------------------------------------------------------------------


def saved_search_list(*, portal: Portal, user) -> list[SavedSearch]:
    return list(SavedSearch.objects.filter(portal=portal, user=user).order_by("name", "pk"))


def saved_search_filters(saved: SavedSearch) -> SearchFilters:
    return SearchFilters.from_json(saved.filters)


def new_matches(
    saved: SavedSearch, *, now: datetime | None = None, limit: int = ALERT_BATCH
) -> list[Package]:
    """Up to `limit` tenders published (not cancelled) since the search was saved that
    match it and that it has not alerted of yet, oldest first."""
    filters = replace(saved_search_filters(saved), sort=Sort.NEWEST)
    alerted = SavedSearchAlert.objects.filter(saved_search=saved).values("package_id")
    return list(
        national_search(filters=filters, now=now)
        .filter(state=PackageState.PUBLISHED, published_at__gte=saved.alerts_since)
        .exclude(pk__in=alerted)
        .order_by("published_at", "pk")[:limit]
    )
