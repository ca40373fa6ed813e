"""Maintenance windows at work: the banner before, 503 during (except for signed-in
staff and the sign-in pages), and nothing after."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from inaproc.accounts.models import Role
from inaproc.announcements.models import Announcement
from inaproc.announcements.services import maintenance_cancel
from tests.announcements.builders import NOW, make_window
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import login_with_second_factor, signed_in

pytestmark = pytest.mark.django_db

HOME = "/lpse-a/"
# The window of these tests: 11:00–14:00 WIB on 25 November 2026, banner from the day before.
START = NOW + timedelta(hours=2)
DURING = START + timedelta(hours=1)
END = START + timedelta(hours=3)


@pytest.fixture
def window(portal_a):
    with time_machine.travel(NOW, tick=False):
        return make_window(portal_a, message="Pemutakhiran basis data.")


def test_banner_shows_the_window_in_wib_from_the_notice_time(client, english, window):
    with time_machine.travel(NOW - timedelta(hours=23), tick=False):
        before_notice = client.get(HOME)
    with time_machine.travel(NOW, tick=False):
        during_notice = client.get(HOME)

    assert "maintenance-banner" not in before_notice.text
    assert during_notice.status_code == 200
    assert "Scheduled maintenance." in during_notice.text
    assert "from 25 November 2026 11:00 WIB to 25 November 2026 14:00 WIB" in during_notice.text
    assert "Pemutakhiran basis data." in during_notice.text


def test_during_the_window_the_public_gets_503_with_retry_after(client, english, window):
    with time_machine.travel(DURING, tick=False):
        response = client.get(HOME)

    assert response.status_code == 503
    assert response["Retry-After"] == str(2 * 60 * 60)
    assert "no-store" in response["Cache-Control"]
    assert "under maintenance until 25 November 2026 14:00 WIB" in response.text
    assert "Pemutakhiran basis data." in response.text
    assert response.text.count("<h1") == 1
    assert "maintenance-banner" not in response.text


def test_the_maintenance_page_is_in_indonesian_by_default(window):
    with time_machine.travel(DURING, tick=False):
        response = Client().get(HOME)

    assert response.status_code == 503
    assert 'lang="id"' in response.text


@pytest.mark.parametrize(
    "path",
    ["", "pengumuman/", "pengumuman/rss/", "pendaftaran/", "lupa-kata-sandi/", "dasbor/"],
)
def test_every_portal_page_is_503_for_the_public(window, path):
    with time_machine.travel(DURING, tick=False):
        assert Client().get(f"{HOME}{path}").status_code == 503


def test_a_signed_in_vendor_gets_503_and_a_post_changes_nothing(window, portal_a, admin_a):
    with time_machine.travel(DURING, tick=False):
        vendor = signed_in(make_user(portal_a, username="penyedia"), english=True)
        page = vendor.get("/lpse-a/dasbor/")
        post = vendor.post("/lpse-a/staf/pengumuman/baru/", {"title": "x", "body": "y"})
        logout = vendor.post("/lpse-a/keluar/")

    assert page.status_code == 503
    assert post.status_code == 503
    assert not Announcement.objects.exists()
    assert logout.status_code == 302  # logging out stays possible


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.HELPDESK, Role.PORTAL_ADMIN])
def test_signed_in_staff_keep_working_and_see_a_staff_banner(window, portal_a, role):
    with time_machine.travel(DURING, tick=False):
        staff = signed_in(make_user(portal_a, role=role, username=f"staf-{role}"), english=True)
        response = staff.get("/lpse-a/dasbor/")

    assert response.status_code == 200
    assert "Maintenance in progress." in response.text
    assert "everyone but signed-in staff a maintenance page" in response.text


def test_staff_of_another_portal_are_the_public_here(window, portal_b):
    with time_machine.travel(DURING, tick=False):
        other = signed_in(
            make_user(portal_b, role=Role.PORTAL_ADMIN, username="admin-b"), english=True
        )
        assert other.get(HOME).status_code == 503
        assert other.get("/lpse-b/").status_code == 200


def test_the_sign_in_pages_stay_open_and_say_only_staff_can_sign_in(client, english, window):
    with time_machine.travel(DURING, tick=False):
        for path in ("masuk/", "masuk/faktor-kedua/", "masuk/kode/", "sudah-keluar/"):
            response = client.get(f"{HOME}{path}")
            assert response.status_code in (200, 302), path
        login = client.get(f"{HOME}masuk/")

    assert "Only staff can sign in now." in login.text


def test_staff_can_sign_in_during_the_window(window, portal_a):
    helpdesk = make_user(portal_a, role=Role.HELPDESK, username="helpdesk")
    client = Client()
    with time_machine.travel(DURING, tick=True):
        response = login_with_second_factor(client, "lpse-a", helpdesk, DEFAULT_PASSWORD)
        dashboard = client.get("/lpse-a/dasbor/")

    assert response.status_code == 302
    assert dashboard.status_code == 200


def test_a_vendor_who_signs_in_during_the_window_gets_503_next(window, portal_a):
    from tests.helpers import login_post

    make_user(portal_a, username="penyedia")
    client = Client()
    with time_machine.travel(DURING, tick=True):
        login_post(client, "lpse-a", "penyedia", DEFAULT_PASSWORD)
        assert client.get("/lpse-a/dasbor/").status_code == 503


def test_the_window_ends_by_itself(client, english, window):
    with time_machine.travel(END, tick=False):
        response = client.get(HOME)

    assert response.status_code == 200
    assert "maintenance-banner" not in response.text


def test_a_cancelled_window_blocks_nothing_and_shows_no_banner(client, english, window, admin_a):
    with time_machine.travel(NOW, tick=False):
        maintenance_cancel(window=window, actor=admin_a)
    with time_machine.travel(DURING, tick=False):
        response = client.get(HOME)

    assert response.status_code == 200
    assert "maintenance-banner" not in response.text


def test_another_portals_window_does_not_touch_this_portal(client, english, portal_a, portal_b):
    with time_machine.travel(NOW, tick=False):
        make_window(portal_b)
    with time_machine.travel(DURING, tick=False):
        assert client.get("/lpse-b/").status_code == 503
        response = client.get(HOME)

    assert response.status_code == 200
    assert "maintenance-banner" not in response.text


def test_a_window_for_all_portals_closes_every_portal_but_not_the_platform_pages(
    client, english, portal_a, portal_b
):
    with time_machine.travel(NOW, tick=False):
        make_window(None, message="Pemeliharaan seluruh platform.")
    with time_machine.travel(DURING, tick=False):
        assert client.get("/lpse-a/").status_code == 503
        assert client.get("/lpse-b/").status_code == 503
        platform = client.get("/")
        health = client.get("/healthz")

    assert platform.status_code == 200
    assert "Pemeliharaan seluruh platform." in platform.text  # the banner
    assert health.status_code == 200


def test_retry_after_runs_to_the_end_of_back_to_back_windows(client, english, portal_a):
    with time_machine.travel(NOW, tick=False):
        make_window(portal_a, length=timedelta(hours=1))
        make_window(portal_a, starts_in=timedelta(hours=3), length=timedelta(hours=2))
    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        response = client.get(HOME)

    assert response.status_code == 503
    assert response["Retry-After"] == str(int(timedelta(hours=2, minutes=30).total_seconds()))
    assert "until 25 November 2026 14:00 WIB" in response.text


def test_one_query_for_windows_per_request(window, portal_a):
    with time_machine.travel(NOW, tick=False):
        client = signed_in(make_user(portal_a, role=Role.HELPDESK, username="h"))
        with CaptureQueriesContext(connection) as queries:
            # A page without the dashboard's announcements panel (which lists upcoming
            # windows on its own): the gate and the banner share one query.
            client.get("/lpse-a/akun/sesi/")

    window_queries = [q for q in queries if "announcements_maintenancewindow" in q["sql"]]
    assert len(window_queries) == 1


def test_days_ahead_the_banner_is_one_line_that_opens_and_the_day_before_it_is_full(
    client, english, portal_a
):
    # Issue 14 item 10: five days ahead the banner took 198 px of every phone page.
    with time_machine.travel(NOW, tick=False):  # 09:00 WIB on 25 November 2026
        make_window(
            portal_a,
            starts_in=timedelta(days=5),
            notice=timedelta(days=7),
            message="Pemindahan pusat data.",
        )
        days_ahead = client.get(HOME).text
    # 30 November at 09:00 WIB: full from 29 November 00:00 WIB.
    with time_machine.travel(NOW + timedelta(days=3, hours=14, minutes=59), tick=False):
        late_evening = client.get(HOME).text
    with time_machine.travel(NOW + timedelta(days=3, hours=15), tick=False):
        day_before = client.get(HOME).text

    for text in (days_ahead, late_evening):
        assert '<details class="maintenance-later">' in text
        assert "<summary>Scheduled maintenance on 30 Nov 2026</summary>" in text
        details = text.split('<details class="maintenance-later">', 1)[1].split("</details>")[0]
        assert "from 30 November 2026 09:00 WIB to 30 November 2026 12:00 WIB" in details
        assert "Pemindahan pusat data." in details
    assert "<details" not in day_before
    assert "<strong>Scheduled maintenance.</strong>" in day_before
    assert "Pemindahan pusat data." in day_before
