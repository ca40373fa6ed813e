from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inaproc.files.relocation import (
    ALREADY_STORED,
    COPIED,
    WOULD_COPY,
    MoveReport,
    documents_move_to_store,
)


class Command(BaseCommand):
    help = (
        "Move every stored file (vendor documents, ticket attachments, tender documents, "
        "sealed bids and opened files) from DOCUMENT_ROOT into the object store that "
        "DOCUMENT_STORAGE=s3 configures, checking each against the SHA-256 of its row: "
        "read back from the store before the disk copy is removed. Idempotent and "
        "resumable: run it again after a stop. Exits non-zero if any file is missing or "
        "differs. docs/operations.md, 'Object storage'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the disk copies and the store, write and remove nothing",
        )
        parser.add_argument(
            "--keep-disk",
            action="store_true",
            help="keep the disk copies after they are stored and checked",
        )
        parser.add_argument(
            "--from",
            dest="source",
            type=Path,
            default=None,
            help="the folder of the disk copies (default: DOCUMENT_ROOT)",
        )

    def handle(self, *args: object, dry_run: bool, keep_disk: bool, source, **options) -> None:
        try:
            report = documents_move_to_store(
                source_root=source, dry_run=dry_run, keep_disk=keep_disk
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self._report(report, dry_run=dry_run)
        if not report.ok:
            raise CommandError(
                f"{len(report.problems)} file(s) could not be moved; their disk copies "
                "(if any) are kept. Run again after fixing them."
            )

    def _report(self, report: MoveReport, *, dry_run: bool) -> None:
        for (label, outcome), count in sorted(report.counts.items()):
            self.stdout.write(f"{label}: {count} {outcome}")
        for label, pk, name, outcome in report.problems:
            self.stderr.write(f"{label} {pk} ({name}): {outcome}")
        done = sum(
            count
            for (_label, outcome), count in report.counts.items()
            if outcome in (COPIED, ALREADY_STORED, WOULD_COPY)
        )
        verb = "checked (dry run)" if dry_run else "in the store and checked"
        self.stdout.write(
            self.style.SUCCESS(
                f"{done} file(s) {verb}; {report.bytes_copied} bytes copied; "
                f"{report.disk_copies_removed} disk copies removed."
            )
        )
