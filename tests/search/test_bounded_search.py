"""A search by words read from a covering index (migration search/0005, ADR 0017): the
newest rows of the search's jenis or year, at most BOUNDED_SCAN_ROWS of them, give the
relevance pool and the capped count when enough of them match, and then exactly what
the search over every row gives; otherwise the search asks the database as before.
PostgreSQL only (SQLite has neither full-text search nor these indexes)."""

import importlib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from inaproc.search import selectors
from inaproc.search.filters import SearchFilters, Sort
from inaproc.search.selectors import national_search_count, national_search_ranked
from inaproc.tenders.models import Package
from tests.tenders.public_factories import make_public_package

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.fixture
def small_bounds(monkeypatch):
    """A pool of 3 (the count up to 4) and scans of 8 rows, for a few tenders."""
    monkeypatch.setattr(selectors, "RELEVANCE_POOL", 3)
    monkeypatch.setattr(selectors, "BOUNDED_SCAN_ROWS", 8)


@pytest.fixture
def bounded_calls(monkeypatch):
    """The answers of `_bounded_newest` (None: it gave up), in order."""
    calls: list = []
    real = selectors._bounded_newest

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(result)
        return result

    monkeypatch.setattr(selectors, "_bounded_newest", spy)
    return calls


def _everywhere(monkeypatch, call):
    """`call()` with the bounded scan switched off: the search over every row."""
    with monkeypatch.context() as patch:
        patch.setattr(selectors, "_bounded_lead", lambda filters: None)
        return call()


def _tenders(portal, now, *, names: list[str], **fields) -> None:
    for hours, name in enumerate(names):
        make_public_package(
            portal,
            name=name,
            published_at=now - timedelta(hours=hours),
            with_stages=False,
            **fields,
        )


def test_a_common_word_ranks_the_pool_of_the_newest_rows_of_its_jenis_exactly(
    monkeypatch, small_bounds, bounded_calls, portal_a
):
    """Enough matches among the newest rows of the jenis: the pool and the count come
    from them, and are those of the search over every row (ties newest first)."""
    now = timezone.now()
    _tenders(portal_a, now, names=["Jalan A", "Gedung B", "Jalan Jalan C", "Jalan D", "Jalan E"])
    _tenders(portal_a, now - timedelta(days=1), names=["Jalan Lama"] * 4)
    _tenders(portal_a, now, names=["Jalan Barang"], procurement_type="barang")
    filters = SearchFilters(q="jalan", procurement_type="konstruksi")

    ranked = national_search_ranked(filters=filters, now=now)

    assert bounded_calls and bounded_calls[0] is not None  # from the covering index
    assert ranked == _everywhere(
        monkeypatch, lambda: national_search_ranked(filters=filters, now=now)
    )
    ids, count = ranked
    assert count == 4  # more than the pool of 3
    names = list(Package.objects.filter(pk__in=ids).values_list("pk", "name"))
    assert [dict(names)[pk] for pk in ids] == ["Jalan Jalan C", "Jalan A", "Jalan D"]


def test_too_few_matches_among_the_newest_rows_fall_back_to_every_row(
    monkeypatch, small_bounds, bounded_calls, portal_a
):
    """The matches are older than the 8 newest rows of the year: the scan gives up and
    the search reads every row, with the same answer as without the scan."""
    now = timezone.now()
    _tenders(portal_a, now, names=[f"Gedung {n}" for n in range(8)])
    _tenders(portal_a, now - timedelta(days=2), names=["Jembatan Tua", "Jembatan Kuno"])
    filters = SearchFilters(q="jembatan", budget_year=2026)

    ranked = national_search_ranked(filters=filters, now=now)

    assert bounded_calls == [None]
    assert ranked[1] == 2
    assert ranked == _everywhere(
        monkeypatch, lambda: national_search_ranked(filters=filters, now=now)
    )


def test_the_bounded_scan_leaves_out_inactive_portals_drafts_and_other_filters(
    monkeypatch, small_bounds, bounded_calls, portal_a, portal_b
):
    """The conditions of the search hold in the bounded scan too: an inactive portal's
    tenders, drafts, another province or method are not counted."""
    now = timezone.now()
    _tenders(portal_b, now, names=["Jalan Nonaktif"] * 3)
    portal_b.is_active = False
    portal_b.save()
    make_public_package(portal_a, name="Jalan Draf", state="draft", with_stages=False)
    _tenders(portal_a, now, names=["Jalan Bali"], provinces=("bali",))
    _tenders(portal_a, now, names=["Jalan Langsung"], selection_method="pengadaan_langsung")
    _tenders(
        portal_a,
        now - timedelta(hours=5),
        names=["Jalan Satu", "Jalan Dua", "Jalan Tiga", "Jalan Empat"],
    )
    filters = SearchFilters(
        q="jalan", procurement_type="konstruksi", province="jawa_barat", selection_method="tender"
    )
    monkeypatch.setattr(selectors, "BOUNDED_SCAN_ROWS", 20)

    ids, count = national_search_ranked(filters=filters, now=now)

    assert bounded_calls and bounded_calls[0] is not None
    assert count == 4  # more than the pool of 3
    shown = set(Package.objects.filter(pk__in=ids).values_list("name", flat=True))
    assert shown == {"Jalan Satu", "Jalan Dua", "Jalan Tiga"}
    assert (ids, count) == _everywhere(
        monkeypatch, lambda: national_search_ranked(filters=filters, now=now)
    )


def test_the_capped_count_of_a_newest_search_by_words_is_exact(
    monkeypatch, small_bounds, bounded_calls, portal_a
):
    """Sorted newest, the count of a search by words comes from the bounded scan when
    it reaches the cap, else from every row: the same number either way."""
    now = timezone.now()
    _tenders(portal_a, now, names=[f"Jalan {n}" for n in range(6)])
    _tenders(portal_a, now - timedelta(days=3), names=["Jembatan Tua"])

    def count(q: str) -> int:
        filters = SearchFilters(q=q, procurement_type="konstruksi", sort=Sort.NEWEST)
        return national_search_count(filters=filters, now=now, words=True, cap=3)

    assert count("jalan") == 4  # "more than 3", from the newest rows
    assert bounded_calls[-1] is not None
    assert count("jembatan") == 1  # too few among them: every row
    assert bounded_calls[-1] is None
    assert [count("jalan"), count("jembatan")] == _everywhere(
        monkeypatch, lambda: [count("jalan"), count("jembatan")]
    )


def test_a_portal_or_a_code_search_does_not_use_the_bounded_scan(bounded_calls, portal_a):
    """A portal's tenders are few (the GIN index finds them), a code has its own
    index: no bounded scan for them."""
    now = timezone.now()
    package = make_public_package(portal_a, name="Jalan", with_stages=False)
    for filters in (
        SearchFilters(q="jalan", portal=portal_a.slug, procurement_type="konstruksi"),
        SearchFilters(q=str(package.code), procurement_type="konstruksi"),
    ):
        national_search_ranked(filters=filters, now=now)

    assert bounded_calls == [None, None]


def test_the_covering_indexes_hold_the_document_and_every_filter_column():
    """Migration 0005's indexes include every column the bounded scan reads, which
    `selectors.COVERED_COLUMNS` lists: a column missing there would read the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('search_package_newest_idx', 'search_package_type_idx', 'search_package_year_idx')"
        )
        definitions = dict(cursor.fetchall())

    assert len(definitions) == 3
    for definition in definitions.values():
        columns = set(re.findall(r"\w+", definition.split(" WHERE ")[0]))
        assert columns >= selectors.COVERED_COLUMNS, definition


def test_a_package_of_very_long_texts_is_saved_and_found_by_its_name(portal_a):
    """A B-tree entry has a size limit: a document too long for the covering indexes
    is kept shorter by the trigger (without positions, or the name's words alone), so
    that saving such a package never fails; its name still finds it."""
    words = [f"kata{n}x" for n in range(1000)]
    package = make_public_package(
        portal_a,
        name=" ".join(["Jembatanpanjang", *words[:40]])[:500],
        rup_name=" ".join(words[40:110])[:500],
        institution=" ".join(words[110:150])[:300],
        work_unit=" ".join(words[150:190])[:300],
        with_stages=False,
    )
    package.rup_name = " ".join(reversed(words[200:270]))[:500]
    package.save()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(search_document) FROM tenders_package WHERE id = %s",
            [package.pk],
        )
        size = cursor.fetchone()[0]
    migration = importlib.import_module("inaproc.search.migrations.0005_covering_indexes")
    assert size <= migration.DOCUMENT_MAX_BYTES
    ids, count = national_search_ranked(
        filters=SearchFilters(q="jembatanpanjang"), now=timezone.now()
    )
    assert ids == [package.pk] and count == 1


@pytest.fixture
def sample_of_four(monkeypatch):
    """A pool of 3 (the count up to 4), a sample of 4 rows, a longer scan of 12."""
    monkeypatch.setattr(selectors, "RELEVANCE_POOL", 3)
    monkeypatch.setattr(selectors, "BOUNDED_SAMPLE_ROWS", 4)
    monkeypatch.setattr(selectors, "BOUNDED_SCAN_ROWS", 12)


def _konstruksi_ranked(now):
    def ranked(q: str):
        filters = SearchFilters(q=q, procurement_type="konstruksi")
        return national_search_ranked(filters=filters, now=now)

    return ranked


def test_a_sample_with_enough_matches_leads_to_the_longer_scan_else_to_the_gin_index(
    monkeypatch, sample_of_four, bounded_calls, portal_a
):
    """Too few matches among the first rows of the scan: it reads up to
    BOUNDED_SCAN_ROWS rows only when the first ones promise enough matches there
    (BOUNDED_MARGIN times as many as needed, 1.5 here; half of them match); one match
    in four rows does not, and the GIN index answers. Both answers are those of the
    search over every row."""
    monkeypatch.setattr(selectors, "BOUNDED_MARGIN", 1.5)
    now = timezone.now()
    _tenders(portal_a, now, names=["Jalan A", "Gedung B", "Jembatan C", "Jalan D"])
    _tenders(portal_a, now - timedelta(days=1), names=["Jalan E", "Jembatan F", "Jalan G"])
    _tenders(portal_a, now - timedelta(days=2), names=["Jembatan H", "Jembatan I"])
    ranked = _konstruksi_ranked(now)

    jalan, jembatan = ranked("jalan"), ranked("jembatan")

    assert bounded_calls[0] is not None  # 2 of the first 4, 4 of the first 12
    assert bounded_calls[1] is None  # 1 of the first 4: not worth 12 rows
    assert jalan[1] == 4 and jembatan[1] == 4
    assert [jalan, jembatan] == _everywhere(
        monkeypatch, lambda: [ranked("jalan"), ranked("jembatan")]
    )


def test_a_sample_promising_half_of_what_is_needed_is_worth_the_longer_scan(
    monkeypatch, sample_of_four, bounded_calls, portal_a
):
    """At the default margin (BOUNDED_MARGIN, under 1: matches are seldom spread evenly
    along the newest rows), one match in the first four rows, a rate that promises 3 of
    the 4 needed among 12, is enough to read the 12; none is not. Both answers are those
    of the search over every row."""
    now = timezone.now()
    _tenders(portal_a, now, names=["Jalan A", "Gedung B", "Jembatan C", "Jalan D"])
    _tenders(portal_a, now - timedelta(days=1), names=["Jalan E", "Jembatan F", "Gedung G"])
    _tenders(portal_a, now - timedelta(days=2), names=["Jembatan H", "Jembatan I"])
    _tenders(portal_a, now - timedelta(days=3), names=["Gedung J", "Gedung K"])
    ranked = _konstruksi_ranked(now)

    jembatan, sekolah = ranked("jembatan"), ranked("sekolah")

    assert bounded_calls[0] is not None  # 1 of the first 4, then 4 of the first 12
    assert bounded_calls[1] is None  # none of the first 4
    assert jembatan[1] == 4 and sekolah == ([], 0)
    assert [jembatan, sekolah] == _everywhere(
        monkeypatch, lambda: [ranked("jembatan"), ranked("sekolah")]
    )


def test_a_newest_page_with_few_matches_is_read_through_the_gin_index(portal_a):
    """Sorted newest with words and fewer matches than the cap, the page comes from the
    GIN index (ordered index scans off for that query), the same rows in the same
    order; with more matches than the cap, the ordered index as usual."""
    from django.test.utils import CaptureQueriesContext

    from inaproc.search.selectors import national_search, national_search_page

    now = timezone.now()
    _tenders(portal_a, now, names=["Jalan A", "Gedung B", "Jalan C"])
    filters = SearchFilters(q="jalan", procurement_type="konstruksi", sort=Sort.NEWEST)

    def page(*, few: bool) -> tuple[list[str], bool]:
        rows = national_search(filters=filters, now=now, words=True)[:20]
        with CaptureQueriesContext(connection) as queries:
            shown = [p.name for p in national_search_page(rows, words=True, few=few)]
        return shown, any("enable_indexscan" in q["sql"] for q in queries.captured_queries)

    assert page(few=True) == (["Jalan A", "Jalan C"], True)
    assert page(few=False) == (["Jalan A", "Jalan C"], False)


def test_the_count_of_open_tenders_with_a_filter_can_read_the_open_tenders_index(portal_a):
    """Migration 0006: the capped count of "stage open" with a filter is answerable from
    the partial index of open tenders alone (its predicate implied by the stage filter,
    every filter column included). With the other indexes dropped and sequential scans
    ruled out the planner must pick it: a stage condition the index no longer matches
    would leave it the table's scan."""
    from django.test.utils import CaptureQueriesContext

    from inaproc.tenders.selectors.public import STAGE_OPEN

    now = timezone.now()
    _tenders(portal_a, now, names=["Jalan Desa", "Jembatan Desa"])
    filters = SearchFilters(procurement_type="konstruksi", stage=STAGE_OPEN)
    with CaptureQueriesContext(connection) as queries:
        national_search_count(filters=filters, now=now, words=False, cap=1000)
    (count_sql,) = [query["sql"] for query in queries if "COUNT(" in query["sql"]]
    with connection.cursor() as cursor:
        # The other indexes out of the way (dropped in the test's transaction, which
        # is rolled back): the open tenders' index, or nothing but the table.
        cursor.execute(
            "SELECT i.indexrelid::regclass::text FROM pg_index i "
            "WHERE i.indrelid = 'tenders_package'::regclass "
            "AND NOT i.indisunique AND i.indexrelid::regclass::text <> %s",
            ["search_package_open_idx"],
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {index}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {count_sql}")
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "search_package_open_idx" in plan, plan


def test_the_count_without_words_asks_for_the_newest_matches_unless_by_stage(portal_a):
    """Without words, the capped count asks for the newest matches (so that PostgreSQL
    may read a covering index in order and stop at the cap, docs/national-search.md),
    except with the stage filter, whose index (migration 0006) has no such order."""
    from django.test.utils import CaptureQueriesContext

    from inaproc.tenders.selectors.public import STAGE_OPEN

    now = timezone.now()
    _tenders(portal_a, now, names=["Jalan Desa", "Jembatan Desa", "Gedung Desa"])

    def count(**fields) -> tuple[int, bool]:
        filters = SearchFilters(procurement_type="konstruksi", **fields)
        with CaptureQueriesContext(connection) as queries:
            counted = national_search_count(filters=filters, now=now, words=False, cap=2)
        (sql,) = [query["sql"] for query in queries if "COUNT(" in query["sql"]]
        return counted, 'ORDER BY "tenders_package"."published_at" DESC' in sql

    assert count() == (3, True)
    assert count(stage=STAGE_OPEN) == (0, False)  # made without stages: none is open
