"""`schedule_maintenance`: the platform operator's windows, from the shell."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from inaproc.announcements.models import MaintenanceWindow
from inaproc.audit.models import AuditEvent
from tests.announcements.builders import NOW, make_window

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def run(*args: str) -> str:
    out = StringIO()
    call_command("schedule_maintenance", *args, stdout=out)
    return out.getvalue()


def test_all_schedules_a_window_for_every_portal_with_times_in_wib(portal_a):
    output = run(
        "--all", "--start", "2026-11-26T22:00", "--end", "2026-11-27T02:00",
        "--notice-hours", "12", "--message", "Pemindahan pusat data.",
    )  # fmt: skip

    window = MaintenanceWindow.objects.get()
    assert window.portal is None
    assert window.starts_at == NOW.replace(day=26, hour=22)
    assert window.notice_from == NOW.replace(day=26, hour=10)
    assert "ALL PORTALS\t2026-11-26 22:00 WIB – 2026-11-27 02:00 WIB" in output
    event = AuditEvent.objects.get(verb="maintenance.scheduled")
    assert event.actor_label == "system"


def test_portal_schedules_for_one_portal_and_honours_an_offset(portal_a):
    run(
        "--portal", "lpse-a", "--start", "2026-11-26T15:00+00:00",
        "--end", "2026-11-26T16:00Z", "--message", "Pembaruan.",
    )  # fmt: skip

    window = MaintenanceWindow.objects.get()
    assert window.portal == portal_a
    assert window.starts_at == NOW.replace(day=26, hour=22)
    assert window.notice_from == window.starts_at - timedelta(hours=24)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--portal", "tidak-ada", "--start", "2026-11-26T10:00", "--end", "2026-11-26T11:00",
          "--message", "m"], "No portal with slug 'tidak-ada'"),
        (["--all", "--start", "2026-11-26T10:00"], "Also give --end, --message"),
        (["--all", "--start", "besok", "--end", "2026-11-26T11:00", "--message", "m"],
         "--start: not a date and time"),
        (["--all", "--start", "2026-13-45T10:00", "--end", "2026-11-26T11:00", "--message", "m"],
         "--start: not a date and time"),
        (["--all", "--start", "0001-01-01T00:00", "--end", "2026-11-26T11:00", "--message", "m"],
         "--start: a year from 2000 to 2100"),
        (["--all", "--start", "2026-11-24T10:00", "--end", "2026-11-26T11:00", "--message", "m"],
         "starts_at: The start has passed."),
        (["--all", "--start", "2026-11-26T10:00", "--end", "2026-11-30T11:00", "--message", "m"],
         "ends_at: A window may last at most 72 hours."),
        (["--all", "--start", "2026-11-26T10:00", "--end", "2026-11-26T11:00",
          "--message", "a\x00b"], "message: Null characters are not allowed."),
        (["--all", "--start", "2026-11-26T10:00", "--end", "2026-11-26T11:00",
          "--notice-hours", "200", "--message", "m"], "--notice-hours: from 0 to 168."),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused_with_a_readable_line(portal_a, args, error, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(CommandError) as raised:
        run(*args)

    assert error in str(raised.value)
    assert not MaintenanceWindow.objects.exists()


def test_an_action_is_required_and_only_one():
    with pytest.raises(CommandError):
        run()
    with pytest.raises(CommandError):
        run("--all", "--list")


def test_list_shows_windows_not_over_yet_of_every_portal(portal_a):
    make_window(portal_a, message="Alpha saja")
    make_window(None, message="Semua portal")
    cancelled = make_window(portal_a, message="Batal")
    cancelled.cancelled_at = NOW
    cancelled.save()

    output = run("--list")

    assert "lpse-a\t" in output
    assert "ALL PORTALS\t" in output
    assert "Alpha saja" in output and "Semua portal" in output
    assert "Batal" not in output


def test_list_says_when_nothing_is_scheduled(db):
    assert run("--list") == "No maintenance window is scheduled.\n"


def test_cancel_cancels_once_and_audits(portal_a):
    window = make_window(None)

    assert run("--cancel", str(window.pk)) == f"Cancelled window {window.pk}.\n"
    with pytest.raises(CommandError, match="already cancelled or is over"):
        run("--cancel", str(window.pk))
    with pytest.raises(CommandError, match="No maintenance window 999"):
        run("--cancel", "999")

    window.refresh_from_db()
    assert window.cancelled_at == NOW
    assert AuditEvent.objects.filter(verb="maintenance.cancelled").count() == 1
