from django.core.management.base import BaseCommand, CommandError

from inaproc.files.relocation import MATCHES, documents_verify


class Command(BaseCommand):
    help = (
        "Check every stored file (vendor documents, ticket attachments, tender documents, "
        "sealed bids and opened files) against the SHA-256 of its row, reading it back from "
        "the document storage. Reads only. Exits non-zero if any file is missing or "
        "differs. docs/operations.md, 'Backups and restores'."
    )

    def handle(self, *args: object, **options: object) -> None:
        report = documents_verify()
        for (label, outcome), count in sorted(report.counts.items()):
            self.stdout.write(f"{label}: {count} {outcome}")
        for label, pk, name, outcome in report.problems:
            self.stderr.write(f"{label} {pk} ({name}): {outcome}")
        checked = sum(report.counts.values())
        if not report.ok:
            raise CommandError(f"{len(report.problems)} of {checked} file(s) missing or changed.")
        matching = sum(c for (_label, outcome), c in report.counts.items() if outcome == MATCHES)
        self.stdout.write(self.style.SUCCESS(f"{matching} file(s) match their SHA-256."))
