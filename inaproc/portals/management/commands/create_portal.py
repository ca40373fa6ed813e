from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from inaproc.core.commands import validation_error_to_command_error
from inaproc.portals.services import portal_create


class Command(BaseCommand):
    help = "Create an LPSE portal, served under /<slug>/ (and optionally on its own domain)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="URL segment, e.g. kemenkeu")
        parser.add_argument("--name", required=True, help='e.g. "LPSE Kementerian Keuangan"')
        parser.add_argument("--institution", required=True, help='e.g. "Kementerian Keuangan"')
        parser.add_argument("--domain", default="", help="optional own host name")
        parser.add_argument("--helpdesk-phone", default="")
        parser.add_argument("--helpdesk-email", default="")
        parser.add_argument("--helpdesk-hours", default="")
        parser.add_argument("--helpdesk-address", default="")

    def handle(self, *args: object, **options: str) -> None:
        try:
            portal = portal_create(
                slug=options["slug"],
                name=options["name"],
                institution=options["institution"],
                domain=options["domain"],
                helpdesk_phone=options["helpdesk_phone"],
                helpdesk_email=options["helpdesk_email"],
                helpdesk_hours=options["helpdesk_hours"],
                helpdesk_address=options["helpdesk_address"],
            )
        except ValidationError as error:
            raise validation_error_to_command_error(error) from error
        self.stdout.write(self.style.SUCCESS(f"Created portal {portal.slug}: {portal.name}"))
