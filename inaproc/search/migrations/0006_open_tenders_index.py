"""An index of the open tenders by the end of their last stage (`schedule_ends_at`,
tenders/0007), holding every filter column of the search: the stage filter "not
finished" with a jenis, year, method, portal, province or HPS range is then a range scan
of the open tenders read from the index alone, to the 1,001st match the count stops at.
Without it the count scanned the tenders' table in order (30,000 rows, 18 ms, for
"stage open + jenis" on 1,000,000 tenders; 2 ms with it: docs/performance.md, "National
search").

PostgreSQL only, like the column (SQLite filters by the stages; nothing is done there).
"""

import importlib

from django.db import migrations

previous = importlib.import_module("inaproc.search.migrations.0002_search_indexes")

NAME = "search_package_open_idx"
INCLUDED = (
    "procurement_type",
    "selection_method",
    "budget_year",
    "portal_id",
    "provinces",
    "hps",
    "published_at",
)
COLUMNS = ", ".join(f'"{column}"' for column in INCLUDED)
FORWARD = (
    f'CREATE INDEX "{NAME}" ON "tenders_package" ("schedule_ends_at") INCLUDE ({COLUMNS}) '
    'WHERE "state" = \'published\' AND "published_at" IS NOT NULL'
)
BACKWARD = f'DROP INDEX IF EXISTS "{NAME}"'


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_covering_indexes"),
        ("tenders", "0007_package_schedule_ends"),
    ]

    operations = [previous.PostgresOnlySQL(sql=FORWARD, reverse_sql=BACKWARD)]
