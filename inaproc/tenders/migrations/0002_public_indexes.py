"""Indexes for the public tender list's filters and sorts, and (on PostgreSQL only)
trigram indexes for its keyword search.

The search is `icontains` on the name and the institution, which Django writes on
PostgreSQL as `UPPER(col::text) LIKE UPPER('%word%')`: a GIN index with `gin_trgm_ops`
on `UPPER(col)` serves it. It needs the pg_trgm extension (a trusted extension since
PostgreSQL 13: the database owner may create it). SQLite has neither; there the
operation does nothing, and the btree indexes are created as everywhere.
"""

from django.db import migrations, models

TRIGRAM_INDEXES = {
    "package_name_trgm_idx": "name",
    "package_institution_trgm_idx": "institution",
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
        ("tenders", "0001_tenders"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="package",
            index=models.Index(
                models.F("portal"),
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(state__in=("published", "cancelled")),
                name="package_public_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="package",
            index=models.Index(
                models.F("portal"),
                models.F("procurement_type"),
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(state__in=("published", "cancelled")),
                name="package_public_type_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="package",
            index=models.Index(
                fields=["portal", "selection_method"], name="package_portal_method_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="package",
            index=models.Index(
                models.F("portal"),
                models.F("budget_year"),
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(state__in=("published", "cancelled")),
                name="package_public_year_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="package",
            index=models.Index(fields=["portal", "hps"], name="package_portal_hps_idx"),
        ),
        migrations.AddIndex(
            model_name="schedulestage",
            index=models.Index(fields=["ends_at", "package"], name="stage_ends_package_idx"),
        ),
        PostgresOnlySQL(
            sql="CREATE EXTENSION IF NOT EXISTS pg_trgm",
            # Other objects may use it by then; dropping the extension is the DBA's call.
            reverse_sql=migrations.RunSQL.noop,
        ),
        *(
            PostgresOnlySQL(
                sql=f'CREATE INDEX "{name}" ON "tenders_package" USING gin '
                f'(UPPER("{column}") gin_trgm_ops)',
                reverse_sql=f'DROP INDEX IF EXISTS "{name}"',
            )
            for name, column in TRIGRAM_INDEXES.items()
        ),
    ]
