"""The national search's PostgreSQL indexes again, with failed tenders (tender gagal,
tenders 0004) among the public ones: their condition names the public states."""

import importlib

from django.db import migrations

previous = importlib.import_module("inaproc.search.migrations.0002_search_indexes")

OLD_PUBLIC = previous.PUBLIC
PUBLIC = "WHERE \"state\" IN ('published', 'cancelled', 'failed')"


def _definitions(public: str) -> dict[str, str]:
    return {
        name: definition.replace(OLD_PUBLIC, public)
        for name, definition in previous.INDEXES.items()
    }


def _recreate(public: str) -> str:
    return ";\n".join(
        f'DROP INDEX IF EXISTS "{name}";\nCREATE INDEX "{name}" ON "tenders_package" {definition}'
        for name, definition in _definitions(public).items()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_search_indexes"),
        ("tenders", "0004_failed_tenders"),
    ]

    operations = [
        previous.PostgresOnlySQL(sql=_recreate(PUBLIC), reverse_sql=_recreate(OLD_PUBLIC)),
    ]
