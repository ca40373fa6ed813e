"""Finish every opening that stopped half-way (its private key rebuilt, its bids not all
opened): idempotent, safe to run at any time."""

from django.core.management.base import BaseCommand

from inaproc.bids.models import TenderKey
from inaproc.bids.services.opening import envelope_open


class Command(BaseCommand):
    help = "Finish the openings that stopped half-way."

    def handle(self, *args, **options) -> None:
        pending = TenderKey.objects.filter(private_scalar__isnull=False, opened_at__isnull=True)
        for key in pending:
            opened = envelope_open(key=key)
            self.stdout.write(f"tender {opened.package.code} envelope {opened.envelope}: opened")
        self.stdout.write(f"{len(pending)} envelope(s) finished")
