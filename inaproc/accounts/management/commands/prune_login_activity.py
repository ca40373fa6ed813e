from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from inaproc.accounts.services.retention import login_activity_prune
from inaproc.core.commands import validation_error_to_command_error


class Command(BaseCommand):
    help = (
        "Delete login attempts and ended sessions older than the retention "
        "(LOGIN_ACTIVITY_RETENTION_DAYS unless --days is given), expired login codes and "
        "idle lockout rows. Safe to run repeatedly, e.g. daily from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.LOGIN_ACTIVITY_RETENTION_DAYS,
            help="keep this many days (at least 1; default %(default)s)",
        )

    def handle(self, *args: object, **options: int) -> None:
        try:
            counts = login_activity_prune(days=options["days"])
        except ValidationError as error:
            raise validation_error_to_command_error(error) from error
        summary = ", ".join(f"{name.replace('_', ' ')}: {n}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Deleted {summary}"))
