from unittest import mock

from django.core.management import call_command


def run_task_worker() -> None:
    """Process every due task with the real `db_worker` command, as production does.

    The worker calls close_old_connections() between tasks, which closes a connection
    that is inside a transaction; in a test everything is inside the test's
    transaction, so that call is made a no-op here.
    """
    target = "django_tasks_db.management.commands.db_worker.close_old_connections"
    with mock.patch(target):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
