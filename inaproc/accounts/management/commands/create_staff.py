import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from inaproc.accounts.models import PORTAL_STAFF_ROLES, Role
from inaproc.accounts.services import user_create
from inaproc.core.commands import validation_error_to_command_error
from inaproc.portals.models import Portal

PASSWORD_ENV = "INAPROC_STAFF_PASSWORD"  # noqa: S105 (a variable name)
STAFF_ROLE_CHOICES = sorted([*PORTAL_STAFF_ROLES, Role.OPERATOR])


class Command(BaseCommand):
    help = (
        "Create a staff account on a portal (verifier, helpdesk, portal_admin, ppk, pokja, "
        "pejabat_pengadaan; repeat --role for several) or a platform operator. The password "
        f"is asked for, or read from ${PASSWORD_ENV} for scripts; "
        "it is never echoed or logged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--portal", help="portal slug (omit for --role operator)")
        parser.add_argument(
            "--role",
            required=True,
            action="append",
            choices=STAFF_ROLE_CHOICES,
            help="repeat for several portal staff roles; the first is the account's main role",
        )
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--full-name", default="")

    def handle(self, *args: object, **options) -> None:
        role, *extra_roles = dict.fromkeys(options["role"])  # without repeats, in order
        if extra_roles and Role.OPERATOR in (role, *extra_roles):
            raise CommandError("An operator holds no other role: give --role operator alone.")
        portal = self._portal(options["portal"], role)
        password = self._password()
        try:
            user = user_create(
                portal=portal,
                role=role,
                extra_roles=extra_roles,
                username=options["username"],
                email=options["email"],
                full_name=options["full_name"],
                password=password,
            )
        except ValidationError as error:
            raise validation_error_to_command_error(error) from error
        where = portal.slug if portal else "the platform"
        roles = ", ".join([role, *extra_roles])
        self.stdout.write(self.style.SUCCESS(f"Created {roles} {user.username} on {where}"))

    @staticmethod
    def _portal(slug: str | None, role: str) -> Portal | None:
        if role == Role.OPERATOR:
            if slug:
                raise CommandError("Operators belong to the platform: omit --portal.")
            return None
        if not slug:
            raise CommandError("--portal is required for portal staff.")
        portal = Portal.objects.filter(slug=slug).first()
        if portal is None:
            raise CommandError(f"No portal with slug {slug!r}.")
        return portal

    def _password(self) -> str:
        from_env = os.environ.get(PASSWORD_ENV)
        if from_env:
            return from_env
        if not os.isatty(0):
            raise CommandError(f"No terminal to ask for a password: set ${PASSWORD_ENV}.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return first
