"""The narrow indexes of the searches without words (migration search/0007): the newest
matches of a jenis or a year with every other filter can be read from the index alone
(an index-only scan: it holds every column the query reads). Which index PostgreSQL
prefers among several that could answer depends on the data's statistics; here every
other index is dropped (in the test's transaction) and the table's scans ruled out, so
the plan shows whether the narrow one can answer alone. PostgreSQL only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inaproc.search.filters import SearchFilters
from inaproc.search.selectors import national_search_newest
from tests.tenders.public_factories import make_public_package

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _plan(filters: SearchFilters, index: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        national_search_newest(filters=filters, now=timezone.now(), words=False, cap=1000)
    (sql,) = [query["sql"] for query in queries.captured_queries]
    with connection.cursor() as cursor:
        # The other indexes of the table out of the way (dropped in the test's
        # transaction, rolled back after it): the narrow index, or the table.
        cursor.execute(
            "SELECT i.indexrelid::regclass::text FROM pg_index i "
            "WHERE i.indrelid = 'tenders_package'::regclass AND NOT i.indisunique "
            "AND i.indexrelid::regclass::text <> %s",
            [index],
        )
        for (other,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {other}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row for (row,) in cursor.fetchall())


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        (
            SearchFilters(procurement_type="konstruksi", province="jawa_timur", portal="lpse-a"),
            "search_package_type_filter_idx",
        ),
        (
            SearchFilters(budget_year=2026, selection_method="tender", hps_min=1, hps_max=10**12),
            "search_package_year_filter_idx",
        ),
    ],
)
def test_a_search_without_words_reads_its_newest_matches_from_a_narrow_index(
    portal_a, filters, index
):
    make_public_package(portal_a, name="Jalan Desa")
    plan = _plan(filters, index)
    assert f"Index Only Scan using {index}" in plan, plan
