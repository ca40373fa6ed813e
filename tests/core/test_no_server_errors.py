"""No page of a portal answers 500, whatever is thrown at it, signed in or not."""

import pytest
from django.test import Client

from inaproc.accounts.models import Role
from tests.factories import make_user
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

# Also the page list of the phone check (tests/e2e/test_no_sideways_scroll.py): a page
# that is not public goes into its PEOPLE, an address that is not a page into NOT_PAGES.
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
    "pendaftaran/",
    "pendaftaran/terkirim/",
    "pendaftaran/kirim-ulang/",
    "pendaftaran/kbli/?q=%00%25_&fragment=1",
    "pendaftaran/kbli/?q=" + "9" * 500,
    "pendaftaran/konfirmasi/%00%00/",
    "pendaftaran/konfirmasi/" + "a" * 300 + "/",
    "pendaftaran/konfirmasi/",
    "pendaftaran/privasi/",
    "pendaftaran/status/",
    "pendaftaran/perbaiki/",
    "perusahaan/",
    "dokumen/00000000-0000-0000-0000-000000000000/?download=%00",
    "staf/verifikasi/?status=%00&q=%25%00&page=-1",
    "staf/verifikasi/999999999999/",
    # The company's users and invitations (vendors.urls_members).
    "perusahaan/pengguna/",
    "perusahaan/pengguna/undang/",
    "perusahaan/pengguna/999999999999/peran/",
    "perusahaan/pengguna/999999999999/tangguhkan/",
    "perusahaan/pengguna/999999999999/aktifkan/",
    "perusahaan/pengguna/999999999999/hapus/",
    "perusahaan/pengguna/undangan/999999999999/batalkan/",
    "perusahaan/pengguna/undangan/999999999999/kirim-ulang/",
    "perusahaan/undangan/%00%00/",
    "perusahaan/undangan/" + "a" * 300 + "/",
    "perusahaan/undangan/",
    # Announcements and maintenance windows (announcements.urls).
    "pengumuman/?page=%00",
    "pengumuman/999999999999/",
    "pengumuman/99999999999999999999999/",
    "pengumuman/rss/",
    "pengumuman/atom/",
    "staf/pengumuman/?page=-1",
    "staf/pengumuman/baru/",
    "staf/pengumuman/999999999999/ubah/",
    "staf/pengumuman/999999999999/hapus/",
    "staf/pemeliharaan/",
    "staf/pemeliharaan/999999999999/batal/",
    # Helpdesk contact page and tickets (helpdesk.urls_public, helpdesk.urls).
    "bantuan/",
    "bantuan/tiket/?page=%00",
    "bantuan/tiket/baru/",
    "bantuan/tiket/terkirim/",
    "bantuan/tiket/%00%00/",
    "bantuan/tiket/" + "a" * 300 + "/",
    "bantuan/tiket/lihat/",
    "bantuan/tiket/999999999999/",
    "bantuan/tiket/lampiran/00000000-0000-0000-0000-000000000000/?download=%00",
    "staf/helpdesk/tiket/?status=%00&category=%00&q=%25%00&page=-1",
    "staf/helpdesk/tiket/999999999999/",
    "staf/helpdesk/tiket/999999999999/balas/",
    "staf/helpdesk/tiket/999999999999/status/",
    "staf/helpdesk/tiket/999999999999/akun/",
    # The company's contact data and changes of its critical data.
    "perusahaan/kontak/",
    "perusahaan/kontak/email/",
    "perusahaan/email/konfirmasi/%00%00/",
    "perusahaan/email/konfirmasi/" + "a" * 300 + "/",
    "perusahaan/email/konfirmasi/",
    "perusahaan/perubahan/",
    "staf/verifikasi/?kind=%00&status=withdrawn&q=%00",
    "staf/verifikasi/perubahan/999999999999/",
    "keluar/",  # last: it ends the session
]

GARBAGE = {
    "licence_valid_until": "\x00",
    "confirmed": "\x00",
    "action": ["withdraw", "cancel"],
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
    "npwp": "\x00" * 20,
    "nib": "1" * 5000,
    "phone": "+62" + "9" * 100,
    "sectors": ", ".join(["99999"] * 500),
    "legal_form": "\x00",
    "province": ["a", "b"],
    "form_key": "../" * 30,
    "remove_held": ["99999999999999999999999", "x", "-1"],
    "remove_document": ["99999999999999999999999", "x"],
    "decision": "\x00",
    "checklist": ["x"] * 50,
    "return_to": "//evil.example/",
    "role": ["\x00", "admin"],
    "full_name": "\x00" * 300,
}


def clients(portal):
    anonymous = Client()
    vendor = signed_in(make_user(portal, username="penyedia"))
    helpdesk = signed_in(make_user(portal, role=Role.HELPDESK, username="helpdesk"))
    verifier = signed_in(make_user(portal, role=Role.VERIFIER, username="verifikator"))
    return {"anonymous": anonymous, "vendor": vendor, "helpdesk": helpdesk, "verifier": verifier}


def test_no_portal_page_gives_a_server_error(portal_a):
    for who, client in clients(portal_a).items():
        for path in PATHS:
            url = f"/lpse-a/{path}"
            if path == "keluar/" and who != "anonymous":
                # Still signed in after all of the above: the garbage reached the views.
                assert client.get("/lpse-a/dasbor/").status_code == 200, who
            for response in (client.get(url), client.post(url, GARBAGE)):
                assert response.status_code < 500, (who, url, response.status_code)
