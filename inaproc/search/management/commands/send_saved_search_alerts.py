from django.core.management.base import BaseCommand

from inaproc.search.services import saved_search_alerts_send


class Command(BaseCommand):
    help = (
        "Email vendors the tenders published since their last alert that match their "
        "saved searches, each tender once per saved search. Safe to run repeatedly; run "
        "it every 15 minutes or so."
    )

    def handle(self, *args: object, **options: object) -> None:
        sent = saved_search_alerts_send()
        self.stdout.write(self.style.SUCCESS(f"Alerted of {sent} tender(s)."))
