from django.core.management.base import BaseCommand

from inaproc.vendors.companies.selectors.changes import EXPIRY_WARNING_DAYS
from inaproc.vendors.companies.services.expiry import expiring_documents_warn


class Command(BaseCommand):
    help = (
        "Email each company whose current documents (licences with an end date) end within "
        f"{EXPIRY_WARNING_DAYS} days, or have ended, once per document. Safe to run "
        "repeatedly; run it daily."
    )

    def handle(self, *args: object, **options: object) -> None:
        warned = expiring_documents_warn()
        self.stdout.write(
            self.style.SUCCESS(f"Warned of {warned} expiring or expired document(s).")
        )
