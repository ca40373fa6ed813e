"""Upgrades migrate while the previous release still serves (docs/operations.md, section
12, "expand first"): a column added to an existing table must be nullable or have a
database default, or the old release's INSERTs, which do not name it, fail on NOT NULL."""

from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddField, CreateModel
from django.db.models import NOT_PROVIDED

# Added before this rule was checked, and released: the upgrade to each broke the previous
# release until it was replaced. Never add to this list; give the new column
# `db_default=` or `null=True` instead.
RELEASED_BEFORE_THE_RULE = {
    ("portals", "0002_remember_browser_settings", "remember_browser_for_staff"),
    ("portals", "0002_remember_browser_settings", "remember_browser_for_vendors"),
    ("tenders", "0004_failed_tenders", "failure_note"),
    ("tenders", "0004_failed_tenders", "failure_reason"),
}


def not_null_columns_added_without_a_database_default() -> set[tuple[str, str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = set()
    for (app, name), migration in loader.disk_migrations.items():
        if not migration.__module__.startswith("inaproc."):
            continue
        new_tables = {op.name_lower for op in migration.operations if isinstance(op, CreateModel)}
        for op in migration.operations:
            if not isinstance(op, AddField) or op.model_name_lower in new_tables:
                continue
            field = op.field
            if field.many_to_many or field.null or field.db_default is not NOT_PROVIDED:
                continue
            found.add((app, name, op.name))
    return found


def test_every_added_column_lets_the_previous_release_keep_writing():
    """A new NOT NULL column without `db_default` on an existing table breaks the release
    still serving during the upgrade (and any rollback): each must be nullable or carry a
    database default."""
    offending = not_null_columns_added_without_a_database_default() - RELEASED_BEFORE_THE_RULE

    assert not offending, (
        "Columns added NOT NULL without db_default (docs/operations.md §12, expand first): "
        f"{sorted(offending)}"
    )
