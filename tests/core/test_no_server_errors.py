"""No page of a portal answers 500, whatever is thrown at it, signed in or not."""

import pytest
from django.test import Client

from inaproc.accounts.models import Role
from tests.factories import make_user
from tests.helpers import force_login_session

pytestmark = pytest.mark.django_db

PATHS = [
    "masuk/",
    "masuk/kode/",
    "masuk/kode/verifikasi/",
    "sudah-keluar/",
    "dasbor/",
    "lupa-kata-sandi/",
    "lupa-kata-sandi/terkirim/",
    "atur-ulang-kata-sandi/MQ/1-abc/",
    "atur-ulang-kata-sandi/%00/%00/",
    "atur-ulang-kata-sandi/selesai/",
    "lupa-nama-pengguna/",
    "akun/kata-sandi/",
    "bukan-saya/MQ/1-abc/",
    "bukan-saya/zzzz/zzzz/",
    "akun/sesi/",
    "akun/sesi/999999999999/akhiri/",
    "akun/sesi/akhiri-lainnya/",
    "akun/aktivitas-masuk/?page=-1",
    "akun/aktivitas-masuk/?page=%00",
    "staf/helpdesk/kunci/?q=%00&page=x",
    "staf/helpdesk/kunci/buka/",
    "staf/helpdesk/pengguna/?q=%25%00",
    "staf/helpdesk/pengguna/999999999999/aktivitas/",
    "keluar/",  # last: it ends the session
]

GARBAGE = {
    "username": ["a", "b"],
    "password": "\x00" * 10,
    "identifier": "x" * 10_000,
    "email": "not-an-email\x00",
    "code": "\x00",
    "captcha_0": "../../etc/passwd",
    "captcha_1": "x" * 5000,
    "reason": "\x00",
    "old_password": "\x00",
    "new_password1": "a" * 5000,
    "new_password2": "b",
    "next": "//evil.example/",
    "page": "-1",
}


def clients(portal):
    anonymous = Client()
    vendor = Client()
    force_login_session(vendor, make_user(portal, username="penyedia"))
    helpdesk = Client()
    force_login_session(helpdesk, make_user(portal, role=Role.HELPDESK, username="helpdesk"))
    return {"anonymous": anonymous, "vendor": vendor, "helpdesk": helpdesk}


def test_no_portal_page_gives_a_server_error(portal_a):
    for who, client in clients(portal_a).items():
        for path in PATHS:
            url = f"/lpse-a/{path}"
            if path == "keluar/" and who != "anonymous":
                # Still signed in after all of the above: the garbage reached the views.
                assert client.get("/lpse-a/dasbor/").status_code == 200, who
            for response in (client.get(url), client.post(url, GARBAGE)):
                assert response.status_code < 500, (who, url, response.status_code)
