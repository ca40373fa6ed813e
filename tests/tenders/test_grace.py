"""Grace for platform failure: an incident or a maintenance window in the last 24 hours
before a published tender's bid deadline moves it by the time lost plus the portal's
margin, as an ordinary schedule change (count, history, emails), once per outage."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.announcements.models import Incident, MaintenanceWindow
from inaproc.announcements.services import incident_record, maintenance_schedule
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.tenders.models import PackageState, ScheduleChange, ScheduleStage, TenderSettings
from inaproc.tenders.services.grace import grace_apply, grace_apply_recent, outage_of_incident
from inaproc.tenders.stages import BID_UPLOAD
from tests.factories import make_user
from tests.helpers import run_task_worker, signed_in
from tests.tenders.schedule_factories import (
    make_package,
    make_participant,
    make_schedule,
    stage_times,
)

pytestmark = pytest.mark.django_db

WIB = timezone.get_fixed_timezone(7 * 60)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=WIB)
OPENING = "pembukaan_penawaran"
MARGIN = timedelta(minutes=120)
PAGE = "/lpse-a/staf/pemeliharaan/gangguan/"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def tender_with_deadline(portal, deadline: datetime):
    """A published tender whose bid upload ends at `deadline`."""
    package = make_package(portal, state=PackageState.PUBLISHED)
    times = stage_times(deadline - timedelta(days=12))
    assert times[BID_UPLOAD][1] == deadline
    make_schedule(package, times)
    return package


def stage(package, key=BID_UPLOAD) -> ScheduleStage:
    return ScheduleStage.objects.get(package=package, key=key)


def incident(portal, starts_at, ends_at) -> Incident:
    """Recorded as the administrator does, without the signal's task (tests call the
    grace themselves unless they test the trigger)."""
    return Incident.objects.create(
        portal=portal, starts_at=starts_at, ends_at=ends_at, description="Server mati."
    )


def test_an_incident_in_the_last_24_hours_moves_the_deadline_and_later_stages(portal_a):
    deadline = NOW + timedelta(hours=12)
    package = tender_with_deadline(portal_a, deadline)
    participant = make_participant(package)
    opening_before = stage(package, OPENING)
    outage = incident(portal_a, NOW - timedelta(hours=3), NOW - timedelta(hours=1))

    moved = grace_apply(outage=outage_of_incident(outage))

    shift = timedelta(hours=2) + MARGIN
    assert moved == [package.pk]
    upload = stage(package)
    assert (upload.ends_at, upload.change_count) == (deadline + shift, 1)
    opening = stage(package, OPENING)
    assert (opening.starts_at, opening.ends_at, opening.change_count) == (
        opening_before.starts_at + shift,
        opening_before.ends_at + shift,
        1,
    )
    change = ScheduleChange.objects.get(stage=upload)
    assert change.changed_by is None and change.outage == f"incident:{outage.pk}"
    assert change.reason.startswith("Perpanjangan otomatis karena gangguan portal 25 November")
    recipients = set(
        Email.objects.filter(template="tenders/email/schedule_changed").values_list("to", flat=True)
    )
    assert recipients == {participant.company.email, participant.joined_by.email}
    event = AuditEvent.objects.get(verb="tender.schedule_changed")
    assert event.actor is None and event.payload["outage"] == f"incident:{outage.pk}"


def test_only_the_part_after_the_24_hours_began_counts(portal_a):
    deadline = NOW + timedelta(hours=12)
    package = tender_with_deadline(portal_a, deadline)
    outage = incident(portal_a, NOW - timedelta(hours=14), NOW - timedelta(hours=10))

    grace_apply(outage=outage_of_incident(outage))

    assert stage(package).ends_at == deadline + timedelta(hours=2) + MARGIN


def test_an_incident_before_the_last_24_hours_moves_nothing(portal_a):
    deadline = NOW + timedelta(hours=12)
    package = tender_with_deadline(portal_a, deadline)
    outage = incident(portal_a, NOW - timedelta(hours=20), NOW - timedelta(hours=13))

    assert grace_apply(outage=outage_of_incident(outage)) == []
    assert stage(package).ends_at == deadline
    assert not ScheduleChange.objects.exists() and not Email.objects.exists()


def test_an_incident_after_the_deadline_moves_nothing(portal_a):
    deadline = NOW - timedelta(hours=5)
    package = tender_with_deadline(portal_a, deadline)
    outage = incident(portal_a, NOW - timedelta(hours=3), NOW - timedelta(hours=1))

    assert grace_apply(outage=outage_of_incident(outage)) == []
    assert stage(package).ends_at == deadline


def test_a_deadline_that_passed_during_the_outage_reopens(portal_a):
    deadline = NOW - timedelta(hours=2)
    package = tender_with_deadline(portal_a, deadline)
    outage = incident(portal_a, NOW - timedelta(hours=3), NOW - timedelta(hours=1))

    grace_apply(outage=outage_of_incident(outage))

    assert stage(package).ends_at == deadline + timedelta(hours=2) + MARGIN
    assert stage(package).ends_at > NOW


def test_the_same_incident_twice_and_the_grace_run_twice_move_once(portal_a):
    deadline = NOW + timedelta(hours=12)
    package = tender_with_deadline(portal_a, deadline)
    first = incident(portal_a, NOW - timedelta(hours=3), NOW - timedelta(hours=1))
    duplicate = incident(portal_a, NOW - timedelta(hours=3), NOW - timedelta(hours=1))

    grace_apply(outage=outage_of_incident(first))
    grace_apply(outage=outage_of_incident(first))
    grace_apply(outage=outage_of_incident(duplicate))
    grace_apply_recent()

    assert stage(package).ends_at == deadline + timedelta(hours=2) + MARGIN
    assert stage(package).change_count == 1
    assert ScheduleChange.objects.filter(stage__key=BID_UPLOAD).count() == 1


def test_the_portals_margin_is_used(portal_a):
    TenderSettings.objects.create(portal=portal_a, outage_grace_margin_minutes=30)
    deadline = NOW + timedelta(hours=12)
    package = tender_with_deadline(portal_a, deadline)
    outage = incident(portal_a, NOW - timedelta(hours=3), NOW - timedelta(hours=1))

    grace_apply(outage=outage_of_incident(outage))

    assert stage(package).ends_at == deadline + timedelta(hours=2, minutes=30)


def test_another_portals_incident_and_unpublished_tenders_are_left_alone(portal_a, portal_b):
    deadline = NOW + timedelta(hours=12)
    ours = tender_with_deadline(portal_a, deadline)
    assigned = make_package(portal_a)
    make_schedule(assigned, stage_times(deadline - timedelta(days=12)))
    outage = incident(portal_b, NOW - timedelta(hours=3), NOW - timedelta(hours=1))

    assert grace_apply(outage=outage_of_incident(outage)) == []
    own_outage = incident(portal_a, NOW - timedelta(hours=3), NOW - timedelta(hours=1))
    assert grace_apply(outage=outage_of_incident(own_outage)) == [ours.pk]
    assert stage(assigned).ends_at == deadline


def test_a_maintenance_window_for_every_portal_moves_deadlines_on_each(portal_a, portal_b):
    deadline = NOW + timedelta(hours=12)
    on_a = tender_with_deadline(portal_a, deadline)
    on_b = tender_with_deadline(portal_b, deadline)
    MaintenanceWindow.objects.create(
        portal=None,
        starts_at=NOW + timedelta(hours=2),
        ends_at=NOW + timedelta(hours=3),
        notice_from=NOW,
        message="Pemeliharaan.",
    )

    moved = grace_apply_recent()

    assert sorted(*moved.values()) == sorted([on_a.pk, on_b.pk])
    for package in (on_a, on_b):
        assert stage(package).ends_at == deadline + timedelta(hours=1) + MARGIN
        change = ScheduleChange.objects.get(stage=stage(package))
        assert change.outage.startswith("maintenance:")


def test_a_window_cancelled_before_it_began_moves_nothing(portal_a):
    package = tender_with_deadline(portal_a, NOW + timedelta(hours=12))
    MaintenanceWindow.objects.create(
        portal=portal_a,
        starts_at=NOW + timedelta(hours=2),
        ends_at=NOW + timedelta(hours=3),
        notice_from=NOW,
        message="Pemeliharaan.",
        cancelled_at=NOW,
    )

    assert grace_apply_recent() == {}
    assert stage(package).change_count == 0


def test_scheduling_a_window_triggers_the_grace_through_the_task_queue(
    portal_a, admin_a, django_capture_on_commit_callbacks
):
    deadline = NOW + timedelta(hours=12)
    package = tender_with_deadline(portal_a, deadline)

    with django_capture_on_commit_callbacks(execute=True):
        maintenance_schedule(
            portal=portal_a,
            actor=admin_a,
            starts_at=NOW + timedelta(hours=1),
            ends_at=NOW + timedelta(hours=2),
            notice_from=NOW,
            message="Pemutakhiran.",
        )
    run_task_worker()

    assert stage(package).ends_at == deadline + timedelta(hours=1) + MARGIN


def test_the_administrator_records_an_incident_and_the_deadline_moves(
    portal_a, admin_a, django_capture_on_commit_callbacks
):
    deadline = NOW + timedelta(hours=12)
    package = tender_with_deadline(portal_a, deadline)
    client = signed_in(admin_a, english=True)
    data = {
        "starts_at": "2026-11-25T06:00",
        "ends_at": "2026-11-25T08:00",
        "description": "Basis data tidak dapat diakses.",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, data)
    run_task_worker()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(PAGE, data)
    run_task_worker()
    call_command("apply_outage_grace", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert response.status_code == 302 and again.status_code == 302
    assert Incident.objects.filter(portal=portal_a).count() == 2
    assert AuditEvent.objects.filter(verb="incident.recorded").count() == 2
    assert stage(package).ends_at == deadline + timedelta(hours=2) + MARGIN
    assert stage(package).change_count == 1
    assert "Basis data" in client.get(PAGE).content.decode()


def test_an_incident_not_over_or_ending_before_it_began_is_refused(portal_a, admin_a):
    client = signed_in(admin_a, english=True)

    future = client.post(
        PAGE,
        {"starts_at": "2026-11-25T08:00", "ends_at": "2026-11-25T12:00", "description": "x"},
    )
    backwards = client.post(
        PAGE,
        {"starts_at": "2026-11-25T08:00", "ends_at": "2026-11-25T07:00", "description": "x"},
    )
    garbage = client.post(PAGE, {"starts_at": "besok", "ends_at": "", "description": ""})

    for response in (future, backwards, garbage):
        assert response.status_code == 200
        assert 'id="id_ends_at_errors"' in response.content.decode()
    assert not Incident.objects.exists()


def test_only_the_portals_administrator_records_incidents(portal_a, portal_b):
    pokja = signed_in(make_user(portal_a, role=Role.POKJA))
    other_admin = signed_in(make_user(portal_b, role=Role.PORTAL_ADMIN))
    data = {"starts_at": "2026-11-25T06:00", "ends_at": "2026-11-25T08:00", "description": "x"}

    assert pokja.post(PAGE, data).status_code == 403
    assert other_admin.post(PAGE, data).status_code == 302  # to this portal's login
    assert not Incident.objects.exists()


def test_the_service_refuses_an_incident_in_the_future(portal_a, admin_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        incident_record(
            portal=portal_a,
            actor=admin_a,
            starts_at=NOW + timedelta(hours=1),
            ends_at=NOW + timedelta(hours=2),
            description="Belum terjadi.",
        )
