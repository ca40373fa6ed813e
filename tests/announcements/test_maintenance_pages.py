"""The portal administrator's maintenance page: schedule (with validation next to the
fields) and cancel; nobody else may."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from inaproc.accounts.models import Role
from inaproc.announcements.models import MaintenanceWindow
from inaproc.audit.models import AuditEvent
from tests.announcements.builders import NOW, make_window
from tests.announcements.helpers import non_admin_clients
from tests.factories import make_user
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

PAGE = "/lpse-a/staf/pemeliharaan/"


def local(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def form_data(**changes):
    data = {
        "starts_at": local(NOW + timedelta(days=1)),
        "ends_at": local(NOW + timedelta(days=1, hours=2)),
        "notice_hours": "24",
        "message": "Pemutakhiran server.",
    }
    return {**data, **changes}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def admin(admin_a):
    return signed_in(admin_a, english=True)


def cancel_url(window) -> str:
    return f"{PAGE}{window.pk}/batal/"


def test_only_the_portals_administrator_reaches_the_page(portal_a, portal_b, admin):
    window = make_window(portal_a)
    other_admin = signed_in(
        make_user(portal_b, role=Role.PORTAL_ADMIN, username="admin-b"), english=True
    )

    assert admin.get(PAGE).status_code == 200
    assert Client().get(PAGE)["Location"].startswith("/lpse-a/masuk/?next=")
    assert other_admin.get(PAGE)["Location"].startswith("/lpse-a/masuk/")
    for role, client in non_admin_clients(portal_a).items():
        assert client.get(PAGE).status_code == 403, role
        assert client.post(PAGE, form_data()).status_code == 403, role
        assert client.post(cancel_url(window)).status_code == 403, role
    assert MaintenanceWindow.objects.count() == 1
    assert MaintenanceWindow.objects.get().cancelled_at is None


def test_scheduling_saves_the_window_in_wib_and_audits_it(portal_a, admin_a, admin):
    response = admin.post(PAGE, form_data())

    assert response.status_code == 302
    window = MaintenanceWindow.objects.get()
    assert window.portal == portal_a
    assert window.starts_at == NOW + timedelta(days=1)
    assert window.notice_from == NOW
    assert window.created_by == admin_a
    assert AuditEvent.objects.filter(verb="maintenance.scheduled", actor=admin_a).count() == 1
    page = admin.get(PAGE).text
    assert "The maintenance window is scheduled." in page
    assert "26 November 2026 09:00 WIB" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"starts_at": local(NOW - timedelta(hours=1))}, "starts_at", "The start has passed."),
        (
            {"ends_at": local(NOW + timedelta(hours=23))},
            "ends_at",
            "The end must be after the start.",
        ),
        ({"ends_at": local(NOW + timedelta(days=4, hours=1))}, "ends_at", "at most 72 hours"),
        ({"notice_hours": "169"}, "notice_hours", "less than or equal to 168"),
        ({"notice_hours": "-1"}, "notice_hours", "greater than or equal to 0"),
        ({"notice_hours": "9" * 5000}, "notice_hours", "Enter a whole number."),
        ({"message": ""}, "message", "This field is required."),
        ({"message": "a\x00"}, "message", "Null characters are not allowed."),
        ({"message": "x" * 1001}, "message", "at most 1000 characters"),
        ({"starts_at": "\x00"}, "starts_at", "Enter a valid date/time."),
        ({"starts_at": "9999-12-31T23:59"}, "starts_at", "Enter a date between 2000 and 2100."),
    ],
)
def test_bad_input_is_refused_with_a_message_next_to_the_field(admin, changes, field, message):
    response = admin.post(PAGE, form_data(**changes))

    assert response.status_code == 200
    errors = response.text[response.text.index(f'id="id_{field}_errors"') :]
    assert message in errors[: errors.index("</div>")]
    assert not MaintenanceWindow.objects.exists()


def test_the_page_lists_this_portals_and_platform_windows_but_not_other_portals(
    portal_a, portal_b, admin
):
    make_window(portal_a, message="Jendela Alpha")
    make_window(None, message="Jendela platform")
    make_window(portal_b, message="Jendela Beta")

    text = admin.get(PAGE).text

    assert "Jendela Alpha" in text
    assert "Jendela platform" in text
    assert "Platform operator (all portals)" in text
    assert "Jendela Beta" not in text


def test_cancel_is_a_post_that_cancels_once_and_audits(portal_a, admin_a, admin):
    window = make_window(portal_a)

    assert admin.get(cancel_url(window)).status_code == 405
    first = admin.post(cancel_url(window))
    second = admin.post(cancel_url(window), follow=True)

    assert first.status_code == 302
    window.refresh_from_db()
    assert window.cancelled_at is not None
    assert "already cancelled or is over" in second.text
    assert AuditEvent.objects.filter(verb="maintenance.cancelled", actor=admin_a).count() == 1


def test_platform_and_other_portals_windows_cannot_be_cancelled_here(portal_a, portal_b, admin):
    platform = make_window(None)
    other = make_window(portal_b)

    assert admin.post(cancel_url(platform)).status_code == 404
    assert admin.post(cancel_url(other)).status_code == 404
    assert admin.post(f"{PAGE}999999/batal/").status_code == 404
    assert not MaintenanceWindow.objects.filter(cancelled_at__isnull=False).exists()


def test_the_dashboard_panel_shows_latest_announcements_and_upcoming_windows(portal_a):
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    from tests.announcements.builders import make_announcement

    make_window(portal_a)
    make_announcement(portal_a, title="Kabar terbaru")
    request = RequestFactory().get("/lpse-a/dasbor/")

    with translation.override("en"):
        html = render_to_string(
            "announcements/_dashboard_panel.html", {"portal": portal_a, "request": request}
        )

    assert '<section class="panel"' in html
    assert "Scheduled maintenance" in html
    assert "25 November 2026 11:00 WIB to 25 November 2026 14:00 WIB" in html
    assert "Kabar terbaru" in html
