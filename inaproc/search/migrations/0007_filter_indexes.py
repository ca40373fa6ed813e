"""Two narrow indexes for the national search *without words*: the public packages of a
jenis (then of a budget year), newest first, holding every filter column but the stored
document. The covering indexes of 0005 hold the document too (about 650 MB each at
1,000,000 tenders, five or six entries an 8 kB page): reading a jenis's newest rows to
the 1,001st match of a province read 1,500–2,900 of their pages (2.3–7.6 ms); these
(about 120 MB each) hold the same rows without the document, and a search without words
reads its newest matches from them (3 ms for the worst draw; p95 of the filters-alone
searches through HTTP 15–16 ms instead of 19–28: docs/performance.md, "Narrow indexes").
A search by words still reads the covering ones: only they hold its words.

PostgreSQL only (SQLite has no such indexes; nothing is done there).
"""

import importlib

from django.db import migrations

previous = importlib.import_module("inaproc.search.migrations.0002_search_indexes")
failed = importlib.import_module("inaproc.search.migrations.0003_search_indexes_failed")

# Every column a search without words may filter on, besides the index's own keys.
FILTERS = (
    "procurement_type",
    "selection_method",
    "budget_year",
    "portal_id",
    "provinces",
    "state",
    "hps",
)
KEYS = {
    "search_package_type_filter_idx": "procurement_type",
    "search_package_year_filter_idx": "budget_year",
}


def _definition(lead: str) -> str:
    included = ", ".join(f'"{column}"' for column in FILTERS if column != lead)
    return f'("{lead}", "published_at" DESC, "id" DESC) INCLUDE ({included}) {failed.PUBLIC}'


FORWARD = ";\n".join(
    f'CREATE INDEX "{name}" ON "tenders_package" {_definition(lead)}' for name, lead in KEYS.items()
)
BACKWARD = ";\n".join(f'DROP INDEX IF EXISTS "{name}"' for name in KEYS)


class Migration(migrations.Migration):
    dependencies = [("search", "0006_open_tenders_index")]

    operations = [previous.PostgresOnlySQL(sql=FORWARD, reverse_sql=BACKWARD)]
