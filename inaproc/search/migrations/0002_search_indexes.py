"""Indexes of the national search on the tenders' table, on PostgreSQL only (docs/
national-search.md): the GIN index of the full-text search (an expression index: the
expression is `search.fulltext.VECTOR_SQL`, copied here as migrations must not
change when the code does; a test checks that both are the same), and the platform-wide
orders of the public tenders (the tenders app's indexes all start with the portal).

SQLite has no full-text index of this kind; there the search is `icontains` and these
operations do nothing.
"""

from django.db import migrations

VECTOR_SQL = (
    "(setweight(to_tsvector('indonesian'::regconfig, \"tenders_package\".\"name\"), 'A')"
    " || setweight(to_tsvector('indonesian'::regconfig, \"tenders_package\".\"rup_name\"), 'B')"
    " || setweight(to_tsvector('indonesian'::regconfig, \"tenders_package\".\"institution\""
    " || ' ' || \"tenders_package\".\"work_unit\"), 'C'))"
)
PUBLIC = "WHERE \"state\" IN ('published', 'cancelled')"

INDEXES = {
    "search_package_fts_idx": f"USING gin ({VECTOR_SQL}) {PUBLIC}",
    "search_package_newest_idx": f'("published_at" DESC, "id" DESC) {PUBLIC}',
    "search_package_hps_idx": f'("hps", "id") {PUBLIC}',
    "search_package_type_idx": f'("procurement_type", "published_at" DESC, "id" DESC) {PUBLIC}',
    "search_package_year_idx": f'("budget_year", "published_at" DESC, "id" DESC) {PUBLIC}',
}


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL and does nothing on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_saved_searches"),
        ("tenders", "0003_reminders"),
    ]

    operations = [
        PostgresOnlySQL(
            sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "tenders_package" {definition}',
            reverse_sql=f'DROP INDEX IF EXISTS "{name}"',
        )
        for name, definition in INDEXES.items()
    ]
