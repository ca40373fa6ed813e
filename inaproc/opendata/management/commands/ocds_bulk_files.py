from datetime import date
from typing import cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inaproc.opendata.bulk import bulk_files_due, bulk_files_write


class Command(BaseCommand):
    help = (
        "Write the daily OCDS bulk files (JSON Lines, gzip) of yesterday and the day "
        "before, or of the days given with --day. Safe to repeat; run it daily after 00:30 WIB."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--day", action="append", default=[], help="A day (YYYY-MM-DD) to write again."
        )

    def handle(self, *args: object, **options: object) -> None:
        days = cast(list[str], options["day"])
        try:
            chosen = [date.fromisoformat(str(day)) for day in days]
        except ValueError as error:
            raise CommandError(f"--day takes YYYY-MM-DD: {error}") from error
        written = []
        for day in chosen:
            written += bulk_files_write(day=day)
        if not chosen:
            written = bulk_files_due()
        for path in written:
            self.stdout.write(str(path))
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} file(s)."))
