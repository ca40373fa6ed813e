"""The platform operator's maintenance windows (operators have no web sign-in)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from inaproc.announcements.models import MaintenanceWindow
from inaproc.announcements.services import maintenance_cancel, maintenance_schedule
from inaproc.core.commands import validation_error_to_command_error
from inaproc.portals.models import Portal

WIB = ZoneInfo("Asia/Jakarta")


def parse_moment(value: str, option: str) -> datetime:
    """ISO 8601; without an offset the time is WIB."""
    try:
        moment = parse_datetime(value.strip())
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(f"{option}: not a date and time like 2026-11-25T22:00 ({value!r}).")
    if not 2000 <= moment.year <= 2100:
        raise CommandError(f"{option}: a year from 2000 to 2100, please ({value!r}).")
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=WIB)


class Command(BaseCommand):
    help = (
        "Schedule a maintenance window for one portal (--portal SLUG) or for every portal "
        "(--all); or --list the windows not over yet; or --cancel ID. Times are ISO 8601, "
        "WIB unless they carry an offset. During a window portals answer 503 to everyone "
        "but their signed-in staff; a banner shows --notice-hours before."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--portal", metavar="SLUG", help="schedule for this portal")
        action.add_argument("--all", action="store_true", help="schedule for every portal")
        action.add_argument("--list", action="store_true", help="list windows not over yet")
        action.add_argument("--cancel", type=int, metavar="ID", help="cancel this window")
        parser.add_argument("--start", help="e.g. 2026-11-25T22:00 (WIB)")
        parser.add_argument("--end", help="e.g. 2026-11-26T02:00 (WIB)")
        parser.add_argument("--notice-hours", type=int, default=24, help="banner before (24)")
        parser.add_argument("--message", help="what users see on the banner and the page")

    def handle(self, *args: object, **options: object) -> None:
        if options["list"]:
            self._list()
        elif options["cancel"] is not None:
            self._cancel(options["cancel"])
        else:
            self._schedule(options)

    def _schedule(self, options: dict) -> None:
        portal = None
        if options["portal"]:
            portal = Portal.objects.filter(slug=options["portal"]).first()
            if portal is None:
                raise CommandError(f"No portal with slug {options['portal']!r}.")
        missing = [f"--{name}" for name in ("start", "end", "message") if not options[name]]
        if missing:
            raise CommandError(f"Also give {', '.join(missing)}.")
        starts_at = parse_moment(options["start"], "--start")
        ends_at = parse_moment(options["end"], "--end")
        hours = options["notice_hours"]
        if not 0 <= hours <= 24 * 7:
            raise CommandError("--notice-hours: from 0 to 168.")
        try:
            window = maintenance_schedule(
                portal=portal,
                actor=None,
                starts_at=starts_at,
                ends_at=ends_at,
                notice_from=starts_at - timedelta(hours=hours),
                message=options["message"],
            )
        except ValidationError as error:
            raise validation_error_to_command_error(error) from error
        self.stdout.write(self.style.SUCCESS(f"Scheduled window {window.pk}: {_line(window)}"))

    def _cancel(self, pk: int) -> None:
        window = MaintenanceWindow.objects.select_related("portal").filter(pk=pk).first()
        if window is None:
            raise CommandError(f"No maintenance window {pk}.")
        if not maintenance_cancel(window=window, actor=None):
            raise CommandError(f"Window {pk} was already cancelled or is over.")
        self.stdout.write(self.style.SUCCESS(f"Cancelled window {pk}."))

    def _list(self) -> None:
        windows = (
            MaintenanceWindow.objects.select_related("portal")
            .filter(ends_at__gt=timezone.now(), cancelled_at__isnull=True)
            .order_by("starts_at", "pk")
        )
        if not windows:
            self.stdout.write("No maintenance window is scheduled.")
        for window in windows:
            self.stdout.write(f"{window.pk}\t{_line(window)}")


def _line(window: MaintenanceWindow) -> str:
    def wib(moment: datetime) -> str:
        return moment.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB")

    where = window.portal.slug if window.portal else "ALL PORTALS"
    message = window.message.replace("\n", " ")[:60]
    return (
        f"{where}\t{wib(window.starts_at)} – {wib(window.ends_at)}\t"
        f"banner from {wib(window.notice_from)}\t{message}"
    )
