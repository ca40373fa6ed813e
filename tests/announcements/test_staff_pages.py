"""The portal administrator's announcement pages: who may use them, writing with a
preview, changing, deleting, and validation messages next to the fields."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.announcements.models import Announcement
from inaproc.audit.models import AuditEvent
from tests.announcements.builders import make_announcement
from tests.announcements.helpers import non_admin_clients
from tests.factories import make_user
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

STAFF = "/lpse-a/staf/pengumuman/"
NEW = f"{STAFF}baru/"


def form_data(**changes):
    publish_at = timezone.localtime() - timedelta(minutes=1)
    data = {
        "title": "Libur nasional",
        "body": "Helpdesk **tutup** tanggal 17 Agustus.",
        "publish_at": publish_at.strftime("%Y-%m-%dT%H:%M"),
        "end_at": "",
    }
    return {**data, **changes}


@pytest.fixture
def admin(admin_a):
    return signed_in(admin_a, english=True)


def test_only_the_portals_administrator_reaches_the_pages(portal_a, portal_b, admin):
    announcement = make_announcement(portal_a)
    paths = [STAFF, NEW, f"{STAFF}{announcement.pk}/ubah/", f"{STAFF}{announcement.pk}/hapus/"]
    other_admin = signed_in(
        make_user(portal_b, role=Role.PORTAL_ADMIN, username="admin-b"), english=True
    )
    others = non_admin_clients(portal_a)

    for path in paths:
        assert admin.get(path).status_code == 200, path
        anonymous = Client().get(path)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/lpse-a/masuk/?next=")
        # Another portal's administrator is nobody here.
        assert other_admin.get(path)["Location"].startswith("/lpse-a/masuk/")
        for role, client in others.items():
            assert client.get(path).status_code == 403, (path, role)


def test_denied_posts_change_nothing(portal_a, portal_b):
    announcement = make_announcement(portal_a, title="Tetap")
    clients = {"anonymous": Client(), **non_admin_clients(portal_a)}
    for client in clients.values():
        client.post(NEW, form_data(title="Palsu"))
        client.post(f"{STAFF}{announcement.pk}/ubah/", form_data(title="Diubah"))
        client.post(f"{STAFF}{announcement.pk}/hapus/")

    announcement.refresh_from_db()
    assert announcement.title == "Tetap"
    assert Announcement.objects.count() == 1
    assert AuditEvent.objects.filter(verb__startswith="announcement").count() == 1


def test_another_portals_announcement_is_404_for_this_administrator(portal_a, portal_b, admin):
    other = make_announcement(portal_b, title="Milik Beta")

    for path in (f"{STAFF}{other.pk}/ubah/", f"{STAFF}{other.pk}/hapus/"):
        assert admin.get(path).status_code == 404
        assert admin.post(path, form_data()).status_code == 404
    assert Announcement.objects.get().title == "Milik Beta"


def test_list_shows_scheduled_published_and_ended(portal_a, admin):
    now = timezone.now()
    make_announcement(portal_a, title="Sudah terbit")
    make_announcement(portal_a, title="Nanti", publish_at=now + timedelta(days=1))
    make_announcement(
        portal_a,
        title="Selesai",
        publish_at=now - timedelta(days=2),
        end_at=now - timedelta(days=1),
    )

    text = admin.get(STAFF).text

    for title, state in (
        ("Sudah terbit", "Published"),
        ("Nanti", "Scheduled"),
        ("Selesai", "Ended"),
    ):
        row = text[text.index(title) :]
        assert state in row[: row.index("</tr>")]


def test_writing_an_announcement_saves_it_audits_it_and_returns_to_the_list(
    portal_a, admin_a, admin
):
    response = admin.post(NEW, {**form_data(), "pinned": "on"})

    assert response.status_code == 302
    assert response["Location"] == STAFF
    announcement = Announcement.objects.get()
    assert announcement.portal == portal_a
    assert announcement.pinned is True
    assert announcement.created_by == admin_a
    assert AuditEvent.objects.filter(verb="announcement.created", actor=admin_a).count() == 1
    assert "The announcement is saved." in admin.get(STAFF).text


def test_preview_shows_the_rendered_text_and_saves_nothing(admin, portal_a):
    response = admin.post(
        NEW, {**form_data(body="# Judul\n\n**tebal** <script>x</script>"), "preview": "1"}
    )

    assert response.status_code == 200
    assert "Preview" in response.text
    assert "<strong>tebal</strong>" in response.text
    assert "<h2>Judul</h2>" in response.text
    assert "<script>x" not in response.text
    assert 'value="Libur nasional"' in response.text  # the form keeps what was typed
    assert not Announcement.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "x" * 201}, "title", "Ensure this value has at most 200 characters"),
        ({"body": "a\x00b"}, "body", "Null characters are not allowed."),
        ({"body": "x" * 20_001}, "body", "Ensure this value has at most 20000 characters"),
        ({"publish_at": "kemarin"}, "publish_at", "Enter a valid date/time."),
        ({"publish_at": "0001-01-01T00:00"}, "publish_at", "Enter a date between 2000 and 2100."),
        ({"end_at": "2001-01-01T00:00"}, "end_at", "That time has passed"),
        (
            {"publish_at": "2099-01-02T10:00", "end_at": "2099-01-01T10:00"},
            "end_at",
            "The end must be after the publication time.",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_next_to_the_field(admin, changes, field, message):
    response = admin.post(NEW, form_data(**changes))

    assert response.status_code == 200
    errors = response.text[response.text.index(f'id="id_{field}_errors"') :]
    assert message in errors[: errors.index("</div>")]
    assert not Announcement.objects.exists()


def test_changing_keeps_an_unchanged_past_end_and_audits_the_change(portal_a, admin_a, admin):
    now = timezone.now()
    announcement = make_announcement(
        portal_a, publish_at=now - timedelta(days=2), end_at=now - timedelta(days=1)
    )
    end = timezone.localtime(announcement.end_at).strftime("%Y-%m-%dT%H:%M")
    publish = timezone.localtime(announcement.publish_at).strftime("%Y-%m-%dT%H:%M")

    page = admin.get(f"{STAFF}{announcement.pk}/ubah/")
    response = admin.post(
        f"{STAFF}{announcement.pk}/ubah/",
        form_data(title="Judul diperbaiki", publish_at=publish, end_at=end),
    )

    assert f'value="{end}"' in page.text
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.title == "Judul diperbaiki"
    assert "title" in AuditEvent.objects.get(verb="announcement.updated").payload["changed"]


def test_delete_asks_first_then_deletes_on_post(portal_a, admin_a, admin):
    announcement = make_announcement(portal_a, title="Hapus saya")

    confirm = admin.get(f"{STAFF}{announcement.pk}/hapus/")
    assert "Hapus saya" in confirm.text
    assert Announcement.objects.exists()

    response = admin.post(f"{STAFF}{announcement.pk}/hapus/")

    assert response.status_code == 302
    assert not Announcement.objects.exists()
    assert AuditEvent.objects.filter(verb="announcement.deleted", actor=admin_a).count() == 1
    assert admin.post(f"{STAFF}{announcement.pk}/hapus/").status_code == 404


def test_posts_need_the_csrf_token(portal_a, admin_a):
    client = Client(enforce_csrf_checks=True)

    signed_in(admin_a, client=client)

    assert client.post(NEW, form_data()).status_code == 403
    assert not Announcement.objects.exists()


def test_pages_have_one_h1(portal_a, admin):
    announcement = make_announcement(portal_a)
    for path in (STAFF, NEW, f"{STAFF}{announcement.pk}/ubah/", f"{STAFF}{announcement.pk}/hapus/"):
        assert admin.get(path).text.count("<h1") == 1, path
