"""The full-text document of a package as a stored `tsvector` column that a trigger
keeps, and one multi-column GIN index (with `btree_gin`) over the words *and* the
filters of the national search: jenis, metode, budget year, portal and the provinces
(docs/national-search.md). Before, the index was an expression index over the words
only: PostgreSQL then read every row of a common word from the table to apply the
filters; now the bitmap of the index is the intersection, and only matching rows are
read. PostgreSQL only (SQLite searches with `icontains`; these operations do nothing).

The column `search_document` is the search app's and is unknown to the `Package` model
(`search.fulltext` names it in SQL): only the trigger writes it, on every insert and on
updates of the four columns it is made of. Not a generated column: PostgreSQL refuses
to change the type of a column a generated column uses (a later `max_length` change of
the name would fail). The expression below is `search.fulltext.DOCUMENT_TEMPLATE`,
copied: migrations must not change when the code does (a test checks both are the same).

The index is written through at once (`fastupdate = off`): with a pending list, every
search would also read the list's unsorted entries, and tenders are published a few at a
time, not in bulk.

Reversing drops the index, trigger, function and column and builds the expression index
of 0003 again; the extension `btree_gin` stays (other indexes may use it).
"""

import importlib

from django.db import migrations

previous = importlib.import_module("inaproc.search.migrations.0002_search_indexes")
failed = importlib.import_module("inaproc.search.migrations.0003_search_indexes_failed")

DOCUMENT_TEMPLATE = (
    "(setweight(to_tsvector('indonesian'::regconfig, {0}), 'A')"
    " || setweight(to_tsvector('indonesian'::regconfig, {1}), 'B')"
    " || setweight(to_tsvector('indonesian'::regconfig, {2}"
    " || ' ' || {3}), 'C'))"
)
COLUMNS = ("name", "rup_name", "institution", "work_unit")
ON_NEW = DOCUMENT_TEMPLATE.format(*(f'NEW."{column}"' for column in COLUMNS))
ON_TABLE = DOCUMENT_TEMPLATE.format(*(f'"{column}"' for column in COLUMNS))
OLD_INDEX = "search_package_fts_idx"
OLD_DEFINITION = failed._definitions(failed.PUBLIC)[OLD_INDEX]

FORWARD = f"""
CREATE EXTENSION IF NOT EXISTS btree_gin;
ALTER TABLE "tenders_package" ADD COLUMN "search_document" tsvector;
UPDATE "tenders_package" SET "search_document" = {ON_TABLE};
CREATE FUNCTION search_package_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW."search_document" := {ON_NEW};
    RETURN NEW;
END
$$;
CREATE TRIGGER search_package_document
    BEFORE INSERT OR UPDATE OF {", ".join(f'"{column}"' for column in COLUMNS)}
    ON "tenders_package" FOR EACH ROW EXECUTE FUNCTION search_package_document();
DROP INDEX IF EXISTS "{OLD_INDEX}";
CREATE INDEX "search_package_gin_idx" ON "tenders_package" USING gin (
    "search_document", "procurement_type", "selection_method", "budget_year", "portal_id",
    "provinces" jsonb_path_ops
) WITH (fastupdate = off) {failed.PUBLIC};
"""

BACKWARD = f"""
DROP INDEX IF EXISTS "search_package_gin_idx";
DROP TRIGGER IF EXISTS search_package_document ON "tenders_package";
DROP FUNCTION IF EXISTS search_package_document();
ALTER TABLE "tenders_package" DROP COLUMN IF EXISTS "search_document";
CREATE INDEX IF NOT EXISTS "{OLD_INDEX}" ON "tenders_package" {OLD_DEFINITION};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_search_indexes_failed"),
        ("tenders", "0006_package_provinces"),
    ]

    operations = [previous.PostgresOnlySQL(sql=FORWARD, reverse_sql=BACKWARD)]
