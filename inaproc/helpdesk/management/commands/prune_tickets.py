from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from inaproc.core.commands import validation_error_to_command_error
from inaproc.helpdesk.services.retention import PruneResult, tickets_prune


class Command(BaseCommand):
    help = (
        "Delete helpdesk tickets (with their messages and attachment files) that have had no "
        "activity for HELPDESK_TICKET_RETENTION_DAYS (unless --days is given): resolved "
        "tickets and abandoned ones alike. Safe to run repeatedly, e.g. daily from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.HELPDESK_TICKET_RETENTION_DAYS,
            help="keep tickets active within this many days (at least 1; default %(default)s)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="only print what would be deleted",
        )

    def handle(self, *args: object, days: int, dry_run: bool, **options: object) -> None:
        try:
            result = tickets_prune(days=days, dry_run=dry_run)
        except ValidationError as error:
            raise validation_error_to_command_error(error) from error
        self._report(result, dry_run=dry_run, days=days)

    def _report(self, result: PruneResult, *, dry_run: bool, days: int) -> None:
        verb = "Would delete" if dry_run else "Deleted"
        for slug, counts in result.portals.items():
            self.stdout.write(
                f"{slug}: {counts.tickets} ticket(s) ({counts.resolved} resolved, "
                f"{counts.abandoned} abandoned), {counts.files} attachment file(s)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {result.tickets} ticket(s) with no activity for more than {days} days."
            )
        )
