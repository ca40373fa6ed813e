from django.core.management.base import BaseCommand

from inaproc.uploads.services import uploads_prune


class Command(BaseCommand):
    help = (
        "Delete resumable uploads past their expiry (UPLOAD_EXPIRY_HOURS after creation), "
        "rows and partial files, and partial files left without a row. Safe to run "
        "repeatedly; run it hourly."
    )

    def handle(self, *args: object, **options: object) -> None:
        count = uploads_prune()
        self.stdout.write(self.style.SUCCESS(f"Deleted {count} expired upload(s)."))
