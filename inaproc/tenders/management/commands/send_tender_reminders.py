from django.core.management.base import BaseCommand

from inaproc.tenders.services.participation import reminders_due_send


class Command(BaseCommand):
    help = (
        "Email the participants of tenders whose bid deadline is 24 hours or 2 hours away, "
        "once per deadline (a moved deadline is reminded again). Safe to run repeatedly; "
        "run it every few minutes."
    )

    def handle(self, *args: object, **options: object) -> None:
        sent = reminders_due_send()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} bid deadline reminder(s)."))
