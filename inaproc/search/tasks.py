"""Background work of the national search: thin and idempotent (STYLE.md)."""

from django_tasks import task

from inaproc.search.services import saved_search_alerts_send


@task()
def send_saved_search_alerts() -> int:
    """Email new tenders matching the saved searches; each tender once per search."""
    return saved_search_alerts_send()
