"""Schedules: the rules (order, overlap where SPSE forbids it, the past, minimum
lengths), the runner's page before publication, changes after publication (reason,
count, history, emails, ended and running stages, the bid deadline), who may reach the
page, and the portal administrator's tender settings. Never a 500, nothing half-saved."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.tenders.models import PackageState, ScheduleChange, ScheduleStage, TenderSettings
from inaproc.tenders.schedule_rules import (
    DEFAULT_MINIMUM_STAGE_DAYS,
    ends_field,
    schedule_errors,
    starts_field,
)
from inaproc.tenders.services.schedule import (
    schedule_change,
    schedule_set,
    schedule_stage_change,
)
from inaproc.tenders.stages import BID_UPLOAD, PASCA_SATU_FILE
from tests.factories import make_user
from tests.helpers import signed_in
from tests.tenders.schedule_factories import (
    make_package,
    make_participant,
    make_schedule,
    stage_times,
)

pytestmark = pytest.mark.django_db

WIB = timezone.get_fixed_timezone(7 * 60)
# Wednesday 25 November 2026, 09:00 WIB.
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=WIB)
KEYS = PASCA_SATU_FILE.keys()
OPENING = "pembukaan_penawaran"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form_data(times, **extra) -> dict[str, str]:
    data = {}
    for key, (starts_at, ends_at) in times.items():
        data[starts_field(key)] = local(starts_at)
        data[ends_field(key)] = local(ends_at)
    return {**data, **extra}


def page(package) -> str:
    return f"/{package.portal.slug}/staf/paket/{package.pk}/jadwal/"


def runner_of(package):
    return package.pokja.members.first().user


def published_on_upload(portal_a):
    """A published tender whose bid upload is under way (its deadline in 12 hours)."""
    package = make_package(portal_a, state=PackageState.PUBLISHED)
    times = stage_times(NOW - timedelta(days=9, hours=12))
    make_schedule(package, times)
    assert times[BID_UPLOAD][0] < NOW < times[BID_UPLOAD][1]
    return package, times


def errors_of(times, *, current=None, minimum=None) -> dict[str, list[str]]:
    with translation.override("en"):
        return schedule_errors(
            template=PASCA_SATU_FILE,
            times=times,
            now=NOW,
            minimum_days=DEFAULT_MINIMUM_STAGE_DAYS if minimum is None else minimum,
            current=current,
        )


# --- the rules -------------------------------------------------------------------------


def test_a_schedule_of_consecutive_stages_from_tomorrow_is_valid():
    assert errors_of(stage_times(NOW + timedelta(days=1))) == {}


def test_a_stage_may_not_start_before_the_previous_one_starts():
    times = stage_times(NOW + timedelta(days=1))
    download = times["download_dokumen_pemilihan"]
    times["download_dokumen_pemilihan"] = (download[0] - timedelta(days=4), download[1])

    errors = errors_of(times)

    assert list(errors) == [starts_field("download_dokumen_pemilihan")]
    assert (
        "may not start before “Pengumuman Pascakualifikasi” starts"
        in errors[starts_field("download_dokumen_pemilihan")][0]
    )


def test_opening_may_not_overlap_the_bid_upload():
    times = stage_times(NOW + timedelta(days=1))
    times[OPENING] = (times[BID_UPLOAD][1] - timedelta(hours=1), times[OPENING][1])

    errors = errors_of(times)

    assert list(errors) == [starts_field(OPENING)]
    assert "only once “Upload Dokumen Penawaran” has ended" in errors[starts_field(OPENING)][0]


def test_stages_that_may_run_together_may_overlap():
    times = stage_times(NOW + timedelta(days=1))
    clarification = times["pemberian_penjelasan"]
    times["pemberian_penjelasan"] = (clarification[0] - timedelta(days=1), clarification[1])

    assert errors_of(times) == {}


def test_a_stage_in_the_past_is_refused():
    times = stage_times(NOW - timedelta(days=1))

    errors = errors_of(times)

    assert errors[starts_field(KEYS[0])] == ["This time has passed. Choose a time from now on."]


def test_an_end_before_the_start_and_a_stage_too_short_are_refused_in_one_pass():
    times = stage_times(NOW + timedelta(days=1))
    upload_start = times[BID_UPLOAD][0]
    times[BID_UPLOAD] = (upload_start, upload_start + timedelta(hours=6))
    first = times[KEYS[0]]
    times[KEYS[0]] = (first[0], first[0] - timedelta(hours=1))

    errors = errors_of(times)

    assert errors[ends_field(KEYS[0])] == ["The end must be after the start."]
    assert errors[ends_field(BID_UPLOAD)] == ["This stage must last at least 1 day."]


def test_a_missing_time_is_reported_on_its_field():
    times = stage_times(NOW + timedelta(days=1))
    times[OPENING] = (None, times[OPENING][1])

    assert errors_of(times)[starts_field(OPENING)] == ["Enter the start."]


# --- before publication: the runner's page --------------------------------------------


def test_the_pokja_member_sets_the_schedule_of_an_assigned_package(portal_a):
    package = make_package(portal_a)
    client = signed_in(runner_of(package), english=True)
    times = stage_times(NOW + timedelta(days=1))

    page_before = client.get(page(package))
    response = client.post(page(package), form_data(times))

    assert page_before.status_code == 200
    assert "Upload Dokumen Penawaran" in page_before.content.decode()
    assert "WIB" in page_before.content.decode()
    assert response.status_code == 302
    stages = list(ScheduleStage.objects.filter(package=package).order_by("position"))
    assert [stage.key for stage in stages] == KEYS
    assert (stages[3].starts_at, stages[3].ends_at) == times[BID_UPLOAD]
    assert all(stage.change_count == 0 for stage in stages)
    assert (
        AuditEvent.objects.filter(verb="tender.schedule_set", target_id=str(package.pk)).count()
        == 1
    )


def test_before_publication_the_schedule_is_replaced_freely(portal_a):
    package = make_package(portal_a)
    runner = runner_of(package)
    schedule_set(
        package=package, times=stage_times(NOW + timedelta(days=1)), by=runner, context=None
    )
    later = stage_times(NOW + timedelta(days=5))

    schedule_set(package=package, times=later, by=runner, context=None)

    stage = ScheduleStage.objects.get(package=package, key=BID_UPLOAD)
    assert (stage.starts_at, stage.ends_at, stage.change_count) == (*later[BID_UPLOAD], 0)
    assert not ScheduleChange.objects.exists()


def test_errors_show_next_to_each_stage_and_nothing_is_saved(portal_a):
    package = make_package(portal_a)
    client = signed_in(runner_of(package), english=True)
    times = stage_times(NOW + timedelta(days=1))
    times[OPENING] = (times[BID_UPLOAD][0], times[OPENING][1])
    times[KEYS[0]] = (NOW - timedelta(days=2), times[KEYS[0]][1])

    response = client.post(page(package), form_data(times))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{starts_field(OPENING)}_errors"' in html
    assert f'id="id_{starts_field(KEYS[0])}_errors"' in html
    assert "has ended" in html and "This time has passed" in html
    assert not ScheduleStage.objects.filter(package=package).exists()


def test_garbage_times_are_a_message_not_a_500(portal_a):
    package = make_package(portal_a)
    client = signed_in(runner_of(package), english=True)
    data = form_data(stage_times(NOW + timedelta(days=1)))
    data[starts_field(BID_UPLOAD)] = "kemarin sore"
    data[ends_field(OPENING)] = "9999-99-99T99:99"

    response = client.post(page(package), data)

    assert response.status_code == 200
    assert f'id="id_{starts_field(BID_UPLOAD)}_errors"' in response.content.decode()
    assert not ScheduleStage.objects.filter(package=package).exists()


def test_the_ppk_sets_the_schedule_of_a_draft_but_not_once_assigned(portal_a):
    draft = make_package(portal_a, state=PackageState.DRAFT)
    assigned = make_package(portal_a)
    times = stage_times(NOW + timedelta(days=1))

    draft_response = signed_in(draft.ppk).post(page(draft), form_data(times))
    assigned_response = signed_in(assigned.ppk).post(page(assigned), form_data(times))

    assert draft_response.status_code == 302
    assert ScheduleStage.objects.filter(package=draft).count() == len(KEYS)
    assert assigned_response.status_code == 404
    assert not ScheduleStage.objects.filter(package=assigned).exists()


def test_another_portals_package_and_a_pokja_member_not_running_it_get_404(portal_a, portal_b):
    package = make_package(portal_a)
    foreign = make_package(portal_b)
    other_member = runner_of(make_package(portal_a))
    foreign_runner = runner_of(foreign)
    times = form_data(stage_times(NOW + timedelta(days=1)))

    assert signed_in(other_member).get(page(package)).status_code == 404
    assert signed_in(other_member).post(page(package), times).status_code == 404
    # A Pokja member of portal B on portal A's address for B's package.
    assert signed_in(foreign_runner).get(
        f"/lpse-a/staf/paket/{foreign.pk}/jadwal/"
    ).status_code in (
        302,
        404,
    )
    assert (
        signed_in(other_member).get(f"/lpse-a/staf/paket/{foreign.pk}/jadwal/").status_code == 404
    )
    assert not ScheduleStage.objects.exists()


def test_a_vendor_gets_403_and_an_anonymous_visitor_the_login(portal_a, vendor_a, client):
    package = make_package(portal_a)

    assert signed_in(vendor_a).get(page(package)).status_code == 403
    assert client.get(page(package))["Location"].startswith("/lpse-a/masuk/")


def test_a_cancelled_tender_shows_its_schedule_without_a_form(portal_a):
    package = make_package(portal_a, state=PackageState.PUBLISHED)
    make_schedule(package, stage_times(NOW + timedelta(days=1)))
    package.cancel(at=NOW, reason="Anggaran dibatalkan")
    package.save()
    client = signed_in(runner_of(package), english=True)

    response = client.post(page(package), form_data(stage_times(NOW + timedelta(days=3))))

    assert response.status_code == 200
    assert "cancelled" in response.content.decode()
    assert not ScheduleChange.objects.exists()


# --- after publication ---------------------------------------------------------------


def test_a_change_needs_a_reason(portal_a):
    package, times = published_on_upload(portal_a)
    client = signed_in(runner_of(package), english=True)
    times[BID_UPLOAD] = (times[BID_UPLOAD][0], times[BID_UPLOAD][1] + timedelta(days=1))

    response = client.post(page(package), form_data(times, reason="   "))

    assert response.status_code == 200
    assert 'id="id_reason_errors"' in response.content.decode()
    assert not ScheduleChange.objects.exists()


def test_extending_the_deadline_counts_records_emails_and_audits(portal_a, english):
    package, times = published_on_upload(portal_a)
    first = make_participant(package)
    second = make_participant(package)
    client = signed_in(runner_of(package), english=True)
    old_deadline = times[BID_UPLOAD][1]
    times[BID_UPLOAD] = (times[BID_UPLOAD][0], old_deadline + timedelta(days=1))
    opening = times[OPENING]
    times[OPENING] = (opening[0] + timedelta(days=1), opening[1] + timedelta(days=1))

    response = client.post(page(package), form_data(times, reason="Permintaan peserta."))

    assert response.status_code == 302
    upload = ScheduleStage.objects.get(package=package, key=BID_UPLOAD)
    assert (upload.ends_at, upload.change_count) == (old_deadline + timedelta(days=1), 1)
    assert ScheduleStage.objects.get(package=package, key=OPENING).change_count == 1
    assert ScheduleStage.objects.get(package=package, key=KEYS[0]).change_count == 0
    change = ScheduleChange.objects.get(stage=upload)
    assert (change.previous_ends_at, change.reason, change.changed_by) == (
        old_deadline,
        "Permintaan peserta.",
        runner_of(package),
    )
    emails = Email.objects.filter(template="tenders/email/schedule_changed")
    assert sorted(email.to for email in emails) == sorted(
        [first.company.email, first.joined_by.email, second.company.email, second.joined_by.email]
    )
    body = emails.first().body
    assert f"/lpse-a/tender/{package.code}/jadwal/" in body
    assert "LPSE Alpha" in body and "Permintaan peserta." in body
    assert "Upload Dokumen Penawaran" in body
    event = AuditEvent.objects.get(verb="tender.schedule_changed")
    assert event.reason == "Permintaan peserta." and event.target_id == str(package.pk)
    history = client.get(page(package)).content.decode()
    assert "Permintaan peserta." in history and "Changed 1 time" in history


def test_the_email_is_in_indonesian_by_default(portal_a):
    package, times = published_on_upload(portal_a)
    make_participant(package)
    day = timedelta(days=1)

    schedule_change(
        package=package,
        times={
            BID_UPLOAD: (times[BID_UPLOAD][0], times[BID_UPLOAD][1] + day),
            OPENING: (times[OPENING][0] + day, times[OPENING][1] + day),
        },
        reason="Perpanjangan.",
        by=runner_of(package),
        context=None,
    )

    email = Email.objects.get(template="tenders/email/schedule_changed", to__startswith="kantor")
    assert email.subject.startswith("Perubahan jadwal") and "WIB" in email.body


def test_the_bid_deadline_never_moves_earlier(portal_a):
    package, times = published_on_upload(portal_a)

    with pytest.raises(ValidationError) as error:
        schedule_stage_change(
            package=package,
            stage_key=BID_UPLOAD,
            starts_at=times[BID_UPLOAD][0],
            ends_at=times[BID_UPLOAD][1] - timedelta(hours=1),
            reason="Dipercepat.",
            by=runner_of(package),
            context=None,
        )

    assert ends_field(BID_UPLOAD) in error.value.message_dict
    assert ScheduleStage.objects.get(package=package, key=BID_UPLOAD).change_count == 0


def test_an_ended_stage_cannot_move_and_a_running_one_keeps_its_start(portal_a):
    package, times = published_on_upload(portal_a)
    client = signed_in(runner_of(package), english=True)
    first = times[KEYS[0]]
    times[KEYS[0]] = (first[0], first[1] + timedelta(hours=1))
    upload = times[BID_UPLOAD]
    times[BID_UPLOAD] = (upload[0] + timedelta(hours=1), upload[1] + timedelta(days=1))

    response = client.post(page(package), form_data(times, reason="Koreksi."))

    html = response.content.decode()
    assert response.status_code == 200
    assert "This stage has ended" in html
    assert "its start cannot be moved" in html
    assert not ScheduleChange.objects.exists()
    assert not Email.objects.exists()


def test_a_moved_stage_must_still_follow_the_order(portal_a):
    package, times = published_on_upload(portal_a)

    with pytest.raises(ValidationError) as error:
        schedule_stage_change(
            package=package,
            stage_key=BID_UPLOAD,
            starts_at=times[BID_UPLOAD][0],
            ends_at=times[OPENING][0] + timedelta(hours=3),
            reason="Diperpanjang.",
            by=runner_of(package),
            context=None,
        )

    assert starts_field(OPENING) in error.value.message_dict


def test_submitting_the_form_unchanged_changes_nothing(portal_a):
    package, times = published_on_upload(portal_a)
    client = signed_in(runner_of(package), english=True)

    response = client.post(page(package), form_data(times, reason="Tidak ada."))

    assert response.status_code == 200
    assert "Nothing was changed" in response.content.decode()
    assert not ScheduleChange.objects.exists()


# --- the portal administrator's settings ------------------------------------------------

SETTINGS_PAGE = "/lpse-a/staf/pengaturan/tender/"


def settings_data(**changes) -> dict[str, str]:
    from inaproc.tenders.stages import STAGE_NAMES

    data = {key: str(DEFAULT_MINIMUM_STAGE_DAYS.get(key, 0)) for key in STAGE_NAMES}
    data["outage_grace_margin_minutes"] = "120"
    return {**data, **changes}


def test_the_administrator_sets_the_margin_and_minimums_audited(portal_a, admin_a):
    client = signed_in(admin_a, english=True)

    assert client.get(SETTINGS_PAGE).status_code == 200
    response = client.post(
        SETTINGS_PAGE, settings_data(outage_grace_margin_minutes="60", **{BID_UPLOAD: "5"})
    )

    assert response.status_code == 302
    saved = TenderSettings.objects.get(portal=portal_a)
    assert saved.outage_grace_margin_minutes == 60
    assert saved.minimum_stage_days[BID_UPLOAD] == 5
    assert AuditEvent.objects.filter(verb="tender.settings_updated").count() == 1
    times = stage_times(NOW + timedelta(days=1))
    assert errors_of(times, minimum=saved.minimum_stage_days)[ends_field(BID_UPLOAD)] == [
        "This stage must last at least 5 days."
    ]


def test_settings_need_a_fresh_second_factor_and_the_administrator_role(portal_a, admin_a):
    stale = signed_in(admin_a, checked=False)
    pokja = signed_in(make_user(portal_a, role=Role.POKJA))

    assert stale.get(SETTINGS_PAGE)["Location"].startswith("/lpse-a/akun/konfirmasi-faktor/")
    assert pokja.post(SETTINGS_PAGE, settings_data()).status_code == 403
    assert not AuditEvent.objects.filter(verb="tender.settings_updated").exists()


def test_bad_settings_are_messages_next_to_the_fields(portal_a, admin_a):
    client = signed_in(admin_a, english=True)

    response = client.post(
        SETTINGS_PAGE, settings_data(outage_grace_margin_minutes="-5", **{BID_UPLOAD: "abc"})
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_outage_grace_margin_minutes_errors"' in html
    assert f'id="id_{BID_UPLOAD}_errors"' in html
    assert not AuditEvent.objects.filter(verb="tender.settings_updated").exists()
