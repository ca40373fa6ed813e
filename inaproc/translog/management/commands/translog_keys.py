from django.core.management.base import BaseCommand, CommandError, CommandParser

from inaproc.portals.models import Portal
from inaproc.translog.selectors import signing_keys
from inaproc.translog.services import signing_key_rotate


class Command(BaseCommand):
    help = (
        "List the transparency log's signing keys of a portal, or with --rotate retire its "
        "current key (it stays published) and create a new one. A portal without a key "
        "gets one at its first log entry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--portal", help="the portal's slug")
        which.add_argument("--all", action="store_true", help="every portal")
        parser.add_argument("--rotate", action="store_true", help="create a new current key")

    def handle(self, *args: object, **options: object) -> None:
        if options["all"]:
            portals = list(Portal.objects.order_by("slug"))
        else:
            portals = list(Portal.objects.filter(slug=options["portal"]))
            if not portals:
                raise CommandError(f"No portal with the slug {options['portal']!r}.")
        for portal in portals:
            if options["rotate"]:
                key = signing_key_rotate(portal=portal)
                self.stdout.write(self.style.SUCCESS(f"{portal.slug}: new key {key.key_id}"))
            for key in signing_keys(portal=portal):
                state = f"retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else "current"
                self.stdout.write(
                    f"{portal.slug} {key.key_id} {key.created_at:%Y-%m-%d %H:%M} {state}"
                )
