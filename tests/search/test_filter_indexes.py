"""The narrow indexes of the searches without words (migration search/0007): the newest
matches of a jenis or a year with every other filter are read from the index alone, not
from the covering indexes that also hold the document (five times their size) nor from
the table. PostgreSQL only."""

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

COVERING = ("search_package_newest_idx", "search_package_type_idx", "search_package_year_idx")


def _plan(filters: SearchFilters) -> str:
    with CaptureQueriesContext(connection) as queries:
        national_search_newest(filters=filters, now=timezone.now(), words=False, cap=1000)
    (sql,) = [query["sql"] for query in queries.captured_queries]
    with connection.cursor() as cursor:
        # The covering indexes out of the way (dropped in the test's transaction, rolled
        # back after it), and the table's scans ruled out: the narrow index, or nothing.
        for index in COVERING:
            cursor.execute(f'DROP INDEX "{index}"')
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
    plan = _plan(filters)
    assert f"Index Only Scan using {index}" in plan, plan
