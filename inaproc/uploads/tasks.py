from django_tasks import task

from inaproc.uploads.services import uploads_prune


@task()
def prune_uploads() -> int:
    """Delete expired resumable uploads (idempotent; `prune_uploads` runs the same)."""
    return uploads_prune()
