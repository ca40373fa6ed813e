"""Background work of open data: thin and idempotent (STYLE.md)."""

from django_tasks import task

from inaproc.opendata.bulk import bulk_files_due


@task()
def ocds_bulk_files() -> int:
    """Write the daily bulk files that are due (the `ocds_bulk_files` command does the same)."""
    return len(bulk_files_due())
