"""Announcement and maintenance services: validation first, audit in the same transaction."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from inaproc.announcements.models import Announcement, MaintenanceWindow
from inaproc.announcements.services import (
    announcement_delete,
    announcement_update,
    maintenance_cancel,
    maintenance_schedule,
)
from inaproc.audit.models import AuditEvent
from tests.announcements.builders import NOW, make_announcement, make_window

pytestmark = pytest.mark.django_db


def values(**changes):
    base = {
        "title": "Judul",
        "body": "Isi",
        "publish_at": NOW,
        "end_at": None,
        "pinned": False,
    }
    return {**base, **changes}


def test_create_stores_the_announcement_and_audits_it(portal_a, admin_a):
    announcement = make_announcement(portal_a, actor=admin_a, pinned=True)

    event = AuditEvent.objects.get(verb="announcement.created")
    assert announcement.created_by == admin_a
    assert event.actor == admin_a
    assert event.portal == portal_a
    assert event.target_id == str(announcement.pk)
    assert event.payload["pinned"] is True


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": "a\x00b"}, "body"),
        ({"publish_at": None}, "publish_at"),
        ({"end_at": NOW}, "end_at"),
        ({"end_at": NOW - timedelta(minutes=1)}, "end_at"),
    ],
)
def test_create_refuses_bad_values_and_writes_nothing(portal_a, admin_a, changes, field):
    from inaproc.announcements.services import announcement_create

    with pytest.raises(ValidationError) as error:
        announcement_create(portal=portal_a, actor=admin_a, values=values(**changes))

    assert field in error.value.message_dict
    assert not Announcement.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="announcement").exists()


def test_update_changes_only_what_differs_and_audits_the_field_names(portal_a, admin_a):
    announcement = make_announcement(portal_a, actor=admin_a)
    new = {
        "title": "Judul baru",
        "body": announcement.body,
        "publish_at": announcement.publish_at,
        "end_at": None,
        "pinned": True,
    }

    changed = announcement_update(announcement=announcement, actor=admin_a, values=new)

    announcement.refresh_from_db()
    assert changed == ["title", "pinned"]
    assert announcement.title == "Judul baru"
    assert AuditEvent.objects.get(verb="announcement.updated").payload["changed"] == changed


def test_update_without_change_writes_no_audit_row(portal_a, admin_a):
    announcement = make_announcement(portal_a, actor=admin_a)
    same = {name: getattr(announcement, name) for name in values()}

    assert announcement_update(announcement=announcement, actor=admin_a, values=same) == []
    assert not AuditEvent.objects.filter(verb="announcement.updated").exists()


def test_update_of_an_announcement_deleted_meanwhile_says_so(portal_a, admin_a):
    announcement = make_announcement(portal_a, actor=admin_a)
    Announcement.objects.filter(pk=announcement.pk).delete()

    with pytest.raises(Announcement.DoesNotExist):
        announcement_update(announcement=announcement, actor=admin_a, values=values())


def test_delete_removes_it_and_the_audit_keeps_the_title(portal_a, admin_a):
    announcement = make_announcement(portal_a, actor=admin_a, title="Akan dihapus")

    announcement_delete(announcement=announcement, actor=admin_a)

    assert not Announcement.objects.exists()
    event = AuditEvent.objects.get(verb="announcement.deleted")
    assert event.target_label == "Akan dihapus"
    assert event.portal == portal_a


def test_schedule_stores_the_window_and_audits_it(portal_a, admin_a):
    window = make_window(portal_a, actor=admin_a)

    event = AuditEvent.objects.get(verb="maintenance.scheduled")
    assert window.created_by == admin_a
    assert event.portal == portal_a
    assert event.payload["all_portals"] is False


def test_a_window_for_every_portal_is_audited_as_the_system(db):
    window = make_window(None)

    event = AuditEvent.objects.get(verb="maintenance.scheduled")
    assert window.portal is None
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.payload["all_portals"] is True


@pytest.mark.parametrize(
    ("start", "length", "notice", "field"),
    [
        (timedelta(minutes=-6), timedelta(hours=1), timedelta(0), "starts_at"),
        (timedelta(hours=1), timedelta(0), timedelta(0), "ends_at"),
        (timedelta(hours=1), timedelta(hours=-1), timedelta(0), "ends_at"),
        (timedelta(hours=1), timedelta(hours=72, minutes=1), timedelta(0), "ends_at"),
        (timedelta(hours=1), timedelta(hours=1), timedelta(hours=-1), "notice_from"),
        (timedelta(hours=1), timedelta(hours=1), timedelta(days=7, minutes=1), "notice_from"),
    ],
)
def test_schedule_refuses_bad_times_and_writes_nothing(
    portal_a, admin_a, start, length, notice, field
):
    starts_at = timezone.now() + start
    with pytest.raises(ValidationError) as error:
        maintenance_schedule(
            portal=portal_a,
            actor=admin_a,
            starts_at=starts_at,
            ends_at=starts_at + length,
            notice_from=starts_at - notice,
            message="Pemeliharaan",
        )

    assert field in error.value.message_dict
    assert not MaintenanceWindow.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="maintenance").exists()


def test_schedule_accepts_a_start_of_a_minute_ago_and_exactly_72_hours(portal_a, admin_a):
    window = make_window(
        portal_a, starts_in=timedelta(minutes=-1), length=timedelta(hours=72), notice=timedelta(0)
    )

    assert window.pk is not None


@pytest.mark.parametrize("message", ["", "   ", "a\x00", "x" * 1001])
def test_schedule_refuses_a_bad_message(portal_a, admin_a, message):
    with pytest.raises(ValidationError) as error:
        make_window(portal_a, actor=admin_a, message=message)

    assert "message" in error.value.message_dict
    assert not MaintenanceWindow.objects.exists()


def test_cancel_sets_the_time_and_audits_once(portal_a, admin_a):
    window = make_window(portal_a)

    assert maintenance_cancel(window=window, actor=admin_a) is True
    assert maintenance_cancel(window=window, actor=admin_a) is False

    window.refresh_from_db()
    assert window.cancelled_at is not None
    assert AuditEvent.objects.filter(verb="maintenance.cancelled").count() == 1


def test_a_window_under_way_can_be_cancelled_one_that_is_over_cannot(portal_a, admin_a):
    with time_machine.travel(NOW, tick=False):
        under_way = make_window(portal_a, starts_in=timedelta(0))
        over = make_window(portal_a, starts_in=timedelta(0), length=timedelta(minutes=30))
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert maintenance_cancel(window=under_way, actor=admin_a) is True
        assert maintenance_cancel(window=over, actor=admin_a) is False

    over.refresh_from_db()
    assert over.cancelled_at is None
