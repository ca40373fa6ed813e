from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser

from inaproc.notifications.services import email_requeue_stuck


class Command(BaseCommand):
    help = (
        "Enqueue again the emails that are still queued after the given time (their worker "
        "was killed mid-delivery). Safe to run at any time, e.g. hourly from a timer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=3.0,
            help="only emails untouched for this long (default 3: longer than the back-off)",
        )

    def handle(self, *args: object, older_than_hours: float, **options: object) -> None:
        count = email_requeue_stuck(older_than=timedelta(hours=older_than_hours))
        self.stdout.write(f"{count} email(s) enqueued again")
