"""The national search's three ordered indexes (newest; jenis then newest; year then
newest) become *covering*: each also holds the stored document and every filter column
of the search, so that a search by words reads the newest rows of its jenis or year from
the index alone (an index-only scan, no row of the wide tenders' table) and stops at the
1,001st match (`search.selectors`: the bounded newest scan; docs/national-search.md,
ADR 0017). Before, the 1,000 newest matches of a common word came from the GIN index and
one table row per match (8,000–25,000 scattered rows on the benchmark's searches).

A B-tree entry has a size limit (2,704 bytes after compression): the trigger of 0004
now keeps a package's document under 2,000 bytes: a longer one (only an unusual package,
with about 1,500 characters of distinct words in its four texts) loses its word positions
and weights (`strip`), and if still too long is the document of the name alone,
without positions. Rows with such a document are recomputed here. Realistic documents
are 100–400 bytes.

PostgreSQL only (SQLite has no such indexes; these operations do nothing there).
Reversing restores 0004's trigger function and the plain indexes.
"""

import importlib

from django.db import migrations

previous = importlib.import_module("inaproc.search.migrations.0002_search_indexes")
failed = importlib.import_module("inaproc.search.migrations.0003_search_indexes_failed")
document = importlib.import_module("inaproc.search.migrations.0004_stored_document")

# Under the B-tree limit with room for the other included columns.
DOCUMENT_MAX_BYTES = 2000
# Every column a search may filter on, besides the index's own key columns.
COVERED = (
    "search_document",
    "procurement_type",
    "selection_method",
    "budget_year",
    "portal_id",
    "provinces",
    "state",
    "hps",
)
KEYS = {
    "search_package_newest_idx": ("published_at",),
    "search_package_type_idx": ("procurement_type", "published_at"),
    "search_package_year_idx": ("budget_year", "published_at"),
}
PLAIN = failed._definitions(failed.PUBLIC)


def _covering(name: str) -> str:
    included = ", ".join(f'"{column}"' for column in COVERED if column not in KEYS[name])
    return PLAIN[name].replace(f" {failed.PUBLIC}", f" INCLUDE ({included}) {failed.PUBLIC}")


def _recreate(definitions: dict[str, str]) -> str:
    return ";\n".join(
        f'DROP INDEX IF EXISTS "{name}";\nCREATE INDEX "{name}" ON "tenders_package" {definition}'
        for name, definition in definitions.items()
    )


CAPPED_FUNCTION = f"""
CREATE OR REPLACE FUNCTION search_package_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW."search_document" := {document.ON_NEW};
    IF pg_column_size(NEW."search_document") > {DOCUMENT_MAX_BYTES} THEN
        NEW."search_document" := strip(NEW."search_document");
    END IF;
    IF pg_column_size(NEW."search_document") > {DOCUMENT_MAX_BYTES} THEN
        NEW."search_document" := strip(to_tsvector('indonesian'::regconfig, NEW."name"));
    END IF;
    RETURN NEW;
END
$$;
UPDATE "tenders_package" SET "name" = "name"
    WHERE pg_column_size("search_document") > {DOCUMENT_MAX_BYTES};
"""

PLAIN_FUNCTION = f"""
CREATE OR REPLACE FUNCTION search_package_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW."search_document" := {document.ON_NEW};
    RETURN NEW;
END
$$;
"""

FORWARD = CAPPED_FUNCTION + _recreate({name: _covering(name) for name in KEYS}) + ";"
BACKWARD = _recreate({name: PLAIN[name] for name in KEYS}) + ";\n" + PLAIN_FUNCTION


class Migration(migrations.Migration):
    dependencies = [("search", "0004_stored_document")]

    operations = [previous.PostgresOnlySQL(sql=FORWARD, reverse_sql=BACKWARD)]
