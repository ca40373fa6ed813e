"""No announcement or maintenance page answers 500 to the portal administrator, whatever
is posted (the shared test in tests/core covers the other roles)."""

import pytest

from tests.announcements.builders import make_announcement, make_window
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

GARBAGE = {
    "title": ["\x00", "b"],
    "body": "\x00" * 30_000,
    "publish_at": "-999999-01-01T00:00",
    "end_at": "2026-02-30T25:61",
    "pinned": "\x00",
    "starts_at": "9" * 5000,
    "ends_at": "0000-00-00T00:00",
    "notice_hours": "1e9",
    "message": "\x00",
    "preview": "\x00",
    "page": "-1",
}


def test_no_page_gives_a_server_error_to_the_administrator(portal_a, admin_a):
    announcement = make_announcement(portal_a)
    window = make_window(portal_a)
    admin = signed_in(admin_a, english=True)
    paths = [
        "pengumuman/?page=%00",
        f"pengumuman/{announcement.pk}/",
        "pengumuman/rss/",
        "pengumuman/atom/",
        "staf/pengumuman/?page=%00",
        "staf/pengumuman/baru/",
        f"staf/pengumuman/{announcement.pk}/ubah/",
        "staf/pemeliharaan/",
        "staf/pemeliharaan/99999999999999999999999/batal/",
        f"staf/pemeliharaan/{window.pk}/batal/",
        f"staf/pengumuman/{announcement.pk}/hapus/",
    ]
    for path in paths:
        for response in (admin.get(f"/lpse-a/{path}"), admin.post(f"/lpse-a/{path}", GARBAGE)):
            assert response.status_code < 500, (path, response.status_code)
