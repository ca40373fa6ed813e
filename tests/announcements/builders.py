"""Announcements and maintenance windows made through the real services."""

from datetime import datetime, timedelta

from django.utils import timezone

from inaproc.announcements.models import Announcement, MaintenanceWindow
from inaproc.announcements.services import announcement_create, maintenance_schedule
from inaproc.portals.models import Portal

WIB = timezone.get_fixed_timezone(7 * 60)
# A fixed "now" for tests that travel in time: Wednesday 25 November 2026, 09:00 WIB.
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=WIB)


def make_announcement(
    portal: Portal,
    *,
    title: str = "Jadwal layanan akhir tahun",
    body: str = "Layanan **helpdesk** tutup pada 31 Desember.",
    publish_at: datetime | None = None,
    end_at: datetime | None = None,
    pinned: bool = False,
    actor: object = None,
) -> Announcement:
    values = {
        "title": title,
        "body": body,
        "publish_at": publish_at or timezone.now() - timedelta(minutes=1),
        "end_at": end_at,
        "pinned": pinned,
    }
    return announcement_create(portal=portal, actor=actor, values=values)


def make_window(
    portal: Portal | None,
    *,
    starts_in: timedelta = timedelta(hours=2),
    length: timedelta = timedelta(hours=3),
    notice: timedelta = timedelta(hours=24),
    message: str = "Pemutakhiran server basis data.",
    actor: object = None,
) -> MaintenanceWindow:
    """A window starting `starts_in` from now (travel in time to be inside it)."""
    starts_at = timezone.now() + starts_in
    return maintenance_schedule(
        portal=portal,
        actor=actor,
        starts_at=starts_at,
        ends_at=starts_at + length,
        notice_from=starts_at - notice,
        message=message,
    )
