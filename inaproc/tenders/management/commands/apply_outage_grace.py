"""Apply the grace for platform failure (TENDERS.md §3) for every recent outage.

Idempotent: run it as often as you like (e.g. every 15 minutes from cron or a systemd
timer). Recording an incident or scheduling a window already applies the grace through
the task queue; this command catches what that missed (a worker that was down, a
window whose cancellation shortened it) and is the operator's manual lever.
"""

from django.core.management.base import BaseCommand

from inaproc.tenders.services.grace import grace_apply_recent


class Command(BaseCommand):
    help = (
        "Extend the bid deadlines of published tenders touched by a recent maintenance "
        "window or incident (once per outage and deadline; safe to run repeatedly, e.g. "
        "every 15 minutes)."
    )

    def handle(self, *args, **options) -> None:
        moved = grace_apply_recent()
        for tag, packages in sorted(moved.items()):
            self.stdout.write(f"{tag}: {len(packages)} package(s) moved: {packages}")
        if not moved:
            self.stdout.write("No bid deadline needed moving.")
