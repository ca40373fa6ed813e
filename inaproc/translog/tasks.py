"""Background work of the transparency log: thin and idempotent (STYLE.md)."""

from django_tasks import task

from inaproc.translog.services import sign_tree_heads_due


@task()
def sign_tree_heads() -> int:
    """Sign the tree heads that are due (the `sign_tree_heads` command does the same)."""
    return len(sign_tree_heads_due())
