"""Background work of the tenders app: thin and idempotent (STYLE.md)."""

from django_tasks import task

from inaproc.tenders.services.grace import grace_apply, outage_load


@task()
def apply_outage_grace(*, kind: str, pk: int) -> list[int]:
    """The grace for one recorded outage; running it again moves nothing again."""
    outage = outage_load(kind, pk)
    if outage is None:
        return []
    return grace_apply(outage=outage)
