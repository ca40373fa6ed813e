import json

from django.core.management.base import BaseCommand, CommandError

from inaproc.opendata import validation
from inaproc.opendata.models import Record, Release


class Command(BaseCommand):
    help = (
        "Validate every stored OCDS release and compiled record against the project's "
        "copy of the OCDS 1.1.5 schema and its closed codelists (no network)."
    )

    def handle(self, *args: object, **options: object) -> None:
        failures = 0
        for seq, body in Release.objects.order_by("seq").values_list("seq", "body").iterator():
            for error in validation.release_errors(json.loads(body)):
                failures += 1
                self.stderr.write(f"release {seq}: {error}")
        for ocid, compiled in Record.objects.values_list("ocid", "compiled").iterator():
            for error in validation.release_errors(json.loads(compiled)):
                failures += 1
                self.stderr.write(f"record {ocid}: {error}")
        if failures:
            raise CommandError(f"{failures} error(s).")
        self.stdout.write(self.style.SUCCESS("Every release and record is valid."))
