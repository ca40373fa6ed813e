"""The bid-deadline reminder task: thin and idempotent (services.participation)."""

from django_tasks import task

from inaproc.tenders.services.participation import reminder_run


@task()
def send_participation_reminder(*, participation_id: int, kind: str) -> str:
    return reminder_run(participation_id=participation_id, kind=kind)
