from django.core.management.base import BaseCommand

from inaproc.opendata.services import releases_backfill


class Command(BaseCommand):
    help = (
        "Write the OCDS releases of every public tender that has none (published before "
        "open data, or written in bulk by generate_tenders). Safe to repeat."
    )

    def handle(self, *args: object, **options: object) -> None:
        written = releases_backfill()
        self.stdout.write(self.style.SUCCESS(f"Wrote {written} release(s)."))
