from django.core.management.base import BaseCommand

from inaproc.files.services import HELD_UPLOAD_HOURS, held_uploads_prune
from inaproc.vendors.registrations.services.confirmation import (
    unconfirmed_days,
    unconfirmed_registrations_prune,
)


class Command(BaseCommand):
    help = (
        "Delete the uploads held for registration forms that were submitted with errors and "
        f"never completed (rows and files older than {HELD_UPLOAD_HOURS} hours), and the "
        "registrations whose email was not confirmed within REGISTRATION_UNCONFIRMED_DAYS "
        "of the last link (account, company, documents). Safe to run repeatedly, e.g. daily."
    )

    def handle(self, *args: object, **options: object) -> None:
        removed = held_uploads_prune()
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {removed} held upload(s) older than {HELD_UPLOAD_HOURS} hours "
                "(rows and files)."
            )
        )
        expired = unconfirmed_registrations_prune()
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {expired} registration(s) left unconfirmed for more than "
                f"{unconfirmed_days()} days (account, company and documents)."
            )
        )
