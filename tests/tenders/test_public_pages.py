"""The public tender pages of a portal (issue 12, item 6): the list with its search,
filters and sort, a tender's announcement and schedule, the portal home's open
tenders; without an account, never a 500 on bad input, nothing of a draft or of
another portal, the stage computed from the clock, and a bounded number of queries."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inaproc.tenders.models import PackageState
from tests.tenders.public_factories import (
    make_document,
    make_public_package,
    make_schedule_change,
)

pytestmark = pytest.mark.django_db

LIST = "/lpse-a/tender/"


def names(response) -> list[str]:
    """The package names in the list's rows, in order."""
    return re.findall(r'<td data-label="[^"]*"><a href="[^"]+">([^<]+)</a>', response.text)


def rows_text(response) -> str:
    """The list's table (the filter form names every stage too)."""
    text = response.text
    return text[text.index("<table") :] if "<table" in text else ""


# --- The list -----------------------------------------------------------------------


def test_list_shows_public_packages_of_the_portal_without_login(
    client, english, portal_a, portal_b
):
    make_public_package(portal_a, name="Jalan Terbit")
    make_public_package(portal_a, name="Gedung Batal", state=PackageState.CANCELLED)
    make_public_package(portal_a, name="Masih Draf", state=PackageState.DRAFT)
    make_public_package(portal_a, name="Di Pokja", state=PackageState.ASSIGNED)
    make_public_package(portal_b, name="Portal Lain")

    response = client.get(LIST)

    assert response.status_code == 200
    assert sorted(names(response)) == ["Gedung Batal", "Jalan Terbit"]
    assert "Cancelled" in response.text


def test_list_rows_escape_what_officials_typed(client, portal_a):
    make_public_package(
        portal_a, name='<script>alert("x")</script> Gedung', institution="Dinas <b>PU</b>"
    )

    html = client.get(LIST).text

    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Gedung" in html
    assert "Dinas &lt;b&gt;PU&lt;/b&gt;" in html


def test_list_row_shows_code_stage_end_in_wib_hps_short_and_repeat_label(client, english, portal_a):
    now = timezone.now()
    earlier = make_public_package(portal_a, name="Lama", finished=True)
    package = make_public_package(
        portal_a, name="Ulang", running="upload_penawaran", repeat_of=earlier, now=now
    )
    stage = package.stages.get(key="upload_penawaran")

    text = rows_text(client.get(LIST))

    assert str(package.code) in text
    assert "Upload Dokumen Penawaran" in text
    assert "Tender Sudah Selesai" in text
    local_end = timezone.localtime(stage.ends_at)
    assert f"{local_end:%H:%M} WIB" in text
    assert "1,7 M" in text
    assert text.count("Repeat tender") == 1


def test_list_stage_follows_the_clock(client, english, portal_a):
    package = make_public_package(portal_a, running="pengumuman_pasca")
    upload = package.stages.get(key="upload_penawaran")

    with time_machine.travel(upload.starts_at + timedelta(minutes=5), tick=False):
        during = rows_text(client.get(LIST))
    with time_machine.travel(package.stages.order_by("-position")[0].ends_at, tick=False):
        after = rows_text(client.get(LIST))

    assert "Upload Dokumen Penawaran" in during
    assert "Tender Sudah Selesai" in after
    assert "Upload Dokumen Penawaran" not in after


def test_a_tender_not_started_says_when_it_starts(client, english, portal_a):
    make_public_package(portal_a, starts_in=timedelta(days=2))

    text = rows_text(client.get(LIST))

    assert "Belum Dimulai" in text
    assert "starts " in text


def test_search_finds_words_in_code_name_and_institution(client, portal_a):
    a = make_public_package(portal_a, name="Rehabilitasi Jalan Desa", institution="Dinas A")
    make_public_package(portal_a, name="Pengadaan Laptop", institution="Kementerian Kesehatan")
    make_public_package(portal_a, name="Jalan Tol", institution="Kementerian Kesehatan")

    assert names(client.get(LIST, {"q": "jalan"})) == ["Jalan Tol", "Rehabilitasi Jalan Desa"]
    assert names(client.get(LIST, {"q": "jalan kesehatan"})) == ["Jalan Tol"]
    assert names(client.get(LIST, {"q": str(a.code)})) == ["Rehabilitasi Jalan Desa"]
    assert names(client.get(LIST, {"q": "tidakada"})) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"jenis": "barang"}, ["Barang"]),
        ({"metode": "pengadaan_langsung"}, ["Langsung"]),
        ({"tahun": "2025"}, ["Lama 2025"]),
        ({"instansi": "kesehatan"}, ["Barang"]),
        ({"hps_min": "1.000.000.000"}, ["Besar"]),
        ({"hps_max": "Rp 100.000.000,00"}, ["Langsung"]),
        ({"hps_min": "150000000", "hps_max": "600.000.000"}, ["Barang", "Batal", "Lama 2025"]),
        ({"kbli": "41011"}, ["Besar"]),
        ({"lokasi": "bali"}, ["Lama 2025"]),
        ({"tahap": "upload_penawaran"}, ["Besar"]),
        ({"tahap": "finished"}, ["Lama 2025"]),
        ({"tahap": "open"}, ["Barang", "Besar", "Langsung"]),
    ],
)
def test_each_filter(client, portal_a, params, expected):
    make_public_package(
        portal_a,
        name="Besar",
        hps=1_500_000_000,
        kbli=("41011",),
        running="upload_penawaran",
    )
    make_public_package(
        portal_a,
        name="Barang",
        procurement_type="barang",
        institution="Kementerian Kesehatan",
        hps=500_000_000,
        kbli=("46599",),
    )
    make_public_package(
        portal_a,
        name="Langsung",
        selection_method="pengadaan_langsung",
        hps=90_000_000,
        pagu=100_000_000,
        running="pengumuman_pl",
    )
    make_public_package(
        portal_a,
        name="Lama 2025",
        budget_year=2025,
        hps=200_000_000,
        provinces=("bali",),
        finished=True,
    )
    make_public_package(portal_a, name="Batal", state=PackageState.CANCELLED, hps=200_000_000)

    assert sorted(names(client.get(LIST, params))) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["Baru", "Tengah", "Lama"]),
        ("hps_asc", ["Tengah", "Lama", "Baru"]),
        ("hps_desc", ["Baru", "Lama", "Tengah"]),
        ("name", ["Baru", "Lama", "Tengah"]),
        ("deadline", ["Tengah", "Baru", "Lama"]),
    ],
)
def test_sorts(client, portal_a, sort, expected):
    now = timezone.now()
    make_public_package(
        portal_a, name="Lama", hps=500_000_000, published_at=now - timedelta(days=9), finished=True
    )
    make_public_package(
        portal_a,
        name="Tengah",
        hps=300_000_000,
        published_at=now - timedelta(days=5),
        running="pengumuman_pasca",
    )
    make_public_package(
        portal_a,
        name="Baru",
        hps=900_000_000,
        published_at=now - timedelta(days=1),
        running="download_dokumen_pemilihan",
    )
    # Tengah's announcement ends 47 h from now, but Baru's download stage too: the
    # deadline order breaks the tie by the newest; make Tengah's end earlier.
    stage = portal_a.packages.get(name="Tengah").stages.get(key="pengumuman_pasca")
    stage.ends_at = now + timedelta(hours=2)
    stage.save()

    assert names(client.get(LIST, {"urut": sort})) == expected


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"tahun": "dua ribu"}, "tahun", "Enter a whole number."),
        ({"tahun": "1900"}, "tahun", "greater than or equal to 2000"),
        ({"hps_min": "satu juta"}, "hps_min", "Enter an amount in whole rupiah"),
        ({"hps_min": "-5"}, "hps_min", "Enter an amount in whole rupiah"),
        ({"hps_min": "9" * 16}, "hps_min", "Enter an amount in whole rupiah"),
        ({"hps_max": "1,5"}, "hps_max", "Enter an amount in whole rupiah"),
        ({"hps_min": "2.000.000", "hps_max": "1.000.000"}, "hps_max", "below the lower amount"),
        ({"kbli": "4101"}, "kbli", "five digits"),
        ({"kbli": "abcde"}, "kbli", "five digits"),
        ({"jenis": "kapal"}, "jenis", "Select a valid choice"),
        ({"tahap": "<script>"}, "tahap", "Select a valid choice"),
        ({"lokasi": "atlantis"}, "lokasi", "Select a valid choice"),
        ({"urut": "harga"}, "urut", "Select a valid choice"),
        ({"q": "x" * 300}, "q", "at most 200 characters"),
    ],
)
def test_bad_filter_values_get_a_message_by_the_field(
    client, english, portal_a, params, field, message
):
    make_public_package(portal_a, name="Tetap Tampil")

    response = client.get(LIST, params)

    assert response.status_code == 200
    errors = re.search(rf'id="id_{field}_errors">(.*?)</div>', response.text, re.S)
    assert errors is not None
    assert message in errors.group(1)
    # The other filters still apply; the bad one filters nothing.
    assert names(response) == ["Tetap Tampil"]
    assert response.text.index("Please correct the following") < response.text.index("<table")


def test_garbage_page_numbers_and_huge_codes_are_no_error(client, portal_a):
    make_public_package(portal_a)

    assert client.get(LIST, {"page": "x"}).status_code == 200
    assert client.get(LIST, {"page": "999"}).status_code == 200
    assert client.get(LIST, {"q": "9" * 40}).status_code == 200
    assert client.get(LIST, {"q": "%_'\""}).status_code == 200


def test_pagination_keeps_the_filters(client, portal_a):
    for n in range(21):
        make_public_package(portal_a, name=f"Paket {n}", procurement_type="barang")

    text = client.get(LIST, {"jenis": "barang", "q": "paket"}).text

    assert "jenis=barang" in text
    assert "page=2" in text
    assert len(names(client.get(LIST, {"jenis": "barang", "q": "paket", "page": 2}))) == 1


def test_list_links_its_feeds_for_feed_readers(client, portal_a):
    text = client.get(LIST).text

    assert '<link rel="alternate" type="application/rss+xml" href="/lpse-a/tender/rss/"' in text
    assert '<link rel="alternate" type="application/atom+xml" href="/lpse-a/tender/atom/"' in text


def test_list_of_an_unknown_portal_is_404(client, db):
    assert client.get("/tidak-ada/tender/").status_code == 404


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_the_number_of_tenders(client, portal_a):
    earlier = make_public_package(portal_a, finished=True)
    make_public_package(portal_a, kbli=("41011",), provinces=("bali", "aceh"))
    client.get(LIST)  # warm caches (portal, content types)
    one = _count_queries(client, LIST)
    for n in range(19):
        make_public_package(portal_a, name=f"Paket {n}", repeat_of=earlier if n % 2 else None)

    twenty = _count_queries(client, LIST)
    filtered = _count_queries(client, LIST + "?q=paket&jenis=konstruksi&tahap=open&urut=deadline")

    assert one == twenty
    assert filtered == twenty


def test_list_query_count(client, django_assert_num_queries, portal_a):
    for n in range(5):
        make_public_package(portal_a, name=f"Paket {n}")
    client.get(LIST)

    # The portal (once: the middleware looks up the host's and the slug's portal in one
    # query, portals/directory.py; none with a shared cache, tests/core/test_cache.py);
    # the maintenance banner; the count; the page; the page's stages (one for all rows).
    with django_assert_num_queries(5):
        client.get(LIST)


# --- A tender's pages ---------------------------------------------------------------


def test_announcement_shows_every_field_of_the_package(client, portal_a):
    earlier = make_public_package(portal_a, name="Gedung Lama", finished=True)
    package = make_public_package(
        portal_a,
        name="Pembangunan Gedung",
        description="Gedung tiga lantai.",
        repeat_of=earlier,
        provinces=("jawa_barat", "bali"),
        kbli=("41011",),
        running="pemberian_penjelasan",
    )

    response = client.get(f"{LIST}{package.code}/")

    assert response.status_code == 200
    text = response.text
    # Indonesian is the default: SPSE's own labels (SPSE-COMPAT.md).
    for label in (
        "Kode Tender",
        "Nama Tender",
        "Rencana Umum Pengadaan",
        "Tanggal Pembuatan",
        "Keterangan",
        "Tahap Tender Saat Ini",
        "K/L/PD",
        "Satuan Kerja",
        "Jenis Pengadaan",
        "Metode Pengadaan",
        "Tahun Anggaran",
        "Nilai Pagu Paket",
        "Nilai HPS Paket",
        "Jenis Kontrak",
        "Lokasi Pekerjaan",
        "Kualifikasi Usaha",
        "Syarat Kualifikasi",
        "Peserta Tender",
    ):
        assert f'<th scope="row">{label}</th>' in text, label
    for value in (
        str(package.code),
        "Pembangunan Gedung <span",
        "Tender Ulang",
        "1238867798",
        "Pembangunan Gedung Kantor Dinas",
        "APBD",
        "Gedung tiga lantai.",
        "Pemberian Penjelasan",
        "Pemerintah Kota Bandung",
        "Dinas Pekerjaan Umum",
        "Pekerjaan Konstruksi",
        "Pascakualifikasi Satu File",
        "Harga Terendah Sistem Gugur",
        "Rp 2.000.000.000,00",
        "Rp 1.700.000.000,00",
        "Lumsum",
        "<li>Kota Uji - Jawa Barat</li>",
        "<li>Kota Uji - Bali</li>",
        "41011",
        "Memiliki SBU yang sesuai.",
        "0 Peserta",
    ):
        assert value in text, value
    assert 'class="table-bordered tender-announcement"' in text
    assert "Halaman yang dituju tidak ditemukan" not in text
    assert "Terjadi Kesalahan" not in text


def test_announcement_lists_documents_and_addenda_by_name_without_links(client, english, portal_a):
    package = make_public_package(portal_a)
    make_document(package, version=1, original_name="dokumen-pemilihan.pdf")
    make_document(
        package, version=2, kind="addendum", original_name="adendum-1.pdf", note="Jadwal diubah."
    )

    text = client.get(f"{LIST}{package.code}/").text

    assert text.index("dokumen-pemilihan.pdf") < text.index("adendum-1.pdf")
    assert "Adendum Dokumen Pemilihan" in text
    assert "Jadwal diubah." in text
    assert ".pdf</a>" not in text
    assert "download them after joining" in text


def test_cancelled_tender_is_shown_with_its_reason(client, english, portal_a):
    package = make_public_package(
        portal_a, state=PackageState.CANCELLED, cancel_reason="Anggaran dialihkan."
    )

    for page in ("", "jadwal/"):
        text = client.get(f"{LIST}{package.code}/{page}").text
        assert "This tender was cancelled" in text
        assert "Anggaran dialihkan." in text


def test_schedule_shows_stages_with_change_counts_and_history(client, portal_a):
    package = make_public_package(portal_a, running="pemberian_penjelasan")
    make_schedule_change(package, "upload_penawaran", hours=24, reason="Gangguan listrik.")

    text = client.get(f"{LIST}{package.code}/jadwal/").text

    first_table = text[text.index("<table") :]
    headers = re.findall(
        r'<th scope="col">([^<]+)</th>', first_table[: first_table.index("</thead>")]
    )
    assert headers == ["No", "Tahap", "Mulai", "Sampai", "Perubahan"]
    assert "Upload Dokumen Penawaran" in text
    assert re.search(r'data-label="Perubahan">1</td>', text)
    assert "Gangguan listrik." in text
    assert text.count('class="tender-stage-now"') == 1


@pytest.mark.parametrize("page", ["", "jadwal/"])
def test_tender_pages_are_404_for_drafts_other_portals_and_unknown_codes(
    client, portal_a, portal_b, page
):
    draft = make_public_package(portal_a, state=PackageState.DRAFT)
    assigned = make_public_package(portal_a, state=PackageState.ASSIGNED)
    other = make_public_package(portal_b)

    for code in (draft.code, assigned.code, other.code, 12345, 9 * 10**25):
        response = client.get(f"{LIST}{code}/{page}")
        assert response.status_code == 404, code
    assert client.get(f"/lpse-b/tender/{other.code}/{page}").status_code == 200


def test_announcement_and_schedule_query_counts_do_not_depend_on_the_tender(client, portal_a):
    small = make_public_package(portal_a, kbli=())
    big = make_public_package(
        portal_a, kbli=("41011", "41012", "42101"), provinces=("bali", "aceh", "papua")
    )
    for version in (1, 2, 3):
        make_document(big, version=version)
    make_schedule_change(big, "upload_penawaran", reason="Satu.")
    make_schedule_change(big, "pembukaan_penawaran", reason="Dua.")
    client.get(f"{LIST}{small.code}/")

    for page in ("", "jadwal/"):
        assert _count_queries(client, f"{LIST}{small.code}/{page}") == _count_queries(
            client, f"{LIST}{big.code}/{page}"
        )


def test_announcement_query_count(client, django_assert_num_queries, portal_a):
    package = make_public_package(portal_a, kbli=("41011",))
    make_document(package)
    url = f"{LIST}{package.code}/"
    client.get(url)

    # The portal (once: host and slug in one query, portals/directory.py); the maintenance
    # banner; the package with its participant count; its locations; KBLI; stages;
    # documents; its tender keys.
    with django_assert_num_queries(8):
        client.get(url)


# --- The portal home ----------------------------------------------------------------


def test_portal_home_shows_open_tenders_by_type_with_links(client, english, portal_a, portal_b):
    make_public_package(portal_a, procurement_type="barang")
    make_public_package(portal_a, procurement_type="barang", starts_in=timedelta(days=1))
    make_public_package(portal_a, procurement_type="konstruksi")
    make_public_package(portal_a, procurement_type="jasa_lainnya", finished=True)
    make_public_package(portal_a, procurement_type="jasa_lainnya", state=PackageState.CANCELLED)
    make_public_package(portal_a, procurement_type="jasa_lainnya", state=PackageState.DRAFT)
    make_public_package(portal_b, procurement_type="jasa_lainnya")

    text = client.get("/lpse-a/").text

    assert "Open tenders" in text
    assert '/lpse-a/tender/?jenis=barang&amp;tahap=open">Pengadaan Barang</a>: 2 tenders' in text
    assert "Pekerjaan Konstruksi</a>: 1 tender" in text
    assert "Jasa Lainnya" not in text
    linked = client.get("/lpse-a/tender/", {"jenis": "barang", "tahap": "open"})
    assert len(names(linked)) == 2


def test_portal_home_without_open_tenders_says_so(client, english, portal_a):
    make_public_package(portal_a, finished=True)

    assert "No tender is open at the moment." in client.get("/lpse-a/").text


def test_a_very_long_list_says_more_than_the_cap_instead_of_counting_everything(
    client, english, portal_a, monkeypatch
):
    from inaproc.tenders.views import public

    monkeypatch.setattr(public, "COUNT_CAP", 3)
    for n in range(5):
        make_public_package(portal_a, name=f"Paket {n}")

    response = client.get(LIST)

    assert "More than 3 tenders: narrow the search to see them all." in response.text
    # Counted up to the cap and one more: the rows up to there are listed.
    assert len(names(response)) == 4
