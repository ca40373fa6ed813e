"""The detail pages as SPSE readers parse them, for a finished tender and for one in
bid upload; SPSE's not-found page; nothing private and none of the error phrases on a
normal page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inaproc.spse.selectors import EvaluationRow, Mark, Winner
from inaproc.tenders.models import Package, PackageState
from tests.factories import make_portal
from tests.spse import readers
from tests.spse.conftest import ERROR_PHRASES, dt
from tests.tenders.public_factories import make_public_package

pytestmark = pytest.mark.django_db

TENDER_PAGES = (
    "lelang/{code}/pengumumanlelang",
    "lelang/{code}/peserta",
    "evaluasi/{code}/hasil",
    "evaluasi/{code}/pemenang",
    "evaluasi/{code}/pemenangberkontrak",
    "lelang/{code}/jadwal",
)
NON_TENDER_PAGES = (
    "nontender/{code}/pengumumanpl",
    "nontender/{code}/peserta",
    "evaluasinontender/{code}/hasil",
    "evaluasinontender/{code}/pemenang",
    "evaluasinontender/{code}/pemenangberkontrak",
    "nontender/{code}/jadwal",
)
MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
MONTHS = MONTHS.split()
EVALUATION_HEADER = ["no", "nama_peserta", "a", "t", "st", "p", "pt", "hn", "sh", "sa", "b", "k"]
EVALUATION_HEADER += ["sk", "sb", "h", "p", "pk"]


def _get(client, package: Package, page: str):
    return client.get(f"/{package.portal.slug}/" + page.format(code=package.code))


def test_the_announcement_of_a_finished_tender(client, finished):
    """Every label SPSE readers know, read by position; money as `Rp 1.000,00`."""
    tender, _bidders = finished
    data = readers.announcement(_get(client, tender, TENDER_PAGES[0]).content)
    assert data["kode_tender"] == str(tender.code)
    assert data["nama_tender"] == "Pembangunan Jembatan Desa"
    assert data["label_paket"] == []
    assert data["rencana_umum_pengadaan"] == [
        {"kode_rup": "1238867798", "nama_paket": "Pembangunan Jembatan Desa", "sumber_dana": "APBD"}
    ]
    assert data["tahap_tender_saat_ini"] == "Tender Sudah Selesai"
    assert data["k/l/pd"] == "Pemerintah Kota Uji"
    assert data["satuan_kerja"] == "Dinas Pekerjaan Umum"
    assert data["jenis_pengadaan"] == "Pekerjaan Konstruksi"
    assert data["metode_pengadaan"] == "Tender"
    assert data["tahun_anggaran"] == "APBD 2026"
    assert data["nilai_pagu_paket"] == "Rp 1.000.000.000,00"
    assert data["nilai_hps_paket"] == "Rp 950.000.000,00"
    assert data["jenis_kontrak"] == "Lumsum"
    assert data["lokasi_pekerjaan"] == ["Kota Bandung - Jawa Barat"]
    assert data["kualifikasi_usaha"] == "Kecil"
    assert data["peserta_tender"] == "2 Peserta"
    expected = {"kode_tender", "nama_tender", "label_paket", "rencana_umum_pengadaan"}
    expected |= {"tanggal_pembuatan", "keterangan", "tahap_tender_saat_ini", "k/l/pd"}
    expected |= {"satuan_kerja", "jenis_pengadaan", "metode_pengadaan", "tahun_anggaran"}
    expected |= {"nilai_pagu_paket", "nilai_hps_paket", "jenis_kontrak", "lokasi_pekerjaan"}
    expected |= {"kualifikasi_usaha", "syarat_kualifikasi", "peserta_tender"}
    assert set(data) == expected


def test_the_participants_of_a_finished_tender_with_their_prices(client, finished):
    """One text per cell, zipped with the header; `-` where nothing is known yet."""
    tender, bidders = finished
    rows = readers.participants(_get(client, tender, TENDER_PAGES[1]).content)
    assert rows == [
        {
            "no": str(number),
            "nama_peserta": member.company.name,
            "npwp": rows[number - 1]["npwp"],
            "harga_penawaran": price,
            "harga_terkoreksi": "-",
        }
        for number, ((member, _p), price) in enumerate(
            zip(bidders, ["Rp 900.000.000,00", "Rp 875.500.000,00"], strict=True), start=1
        )
    ]
    assert rows[0]["npwp"].count(".") == 4


def test_a_tender_in_bid_upload_names_no_participant(client, in_upload):
    """Before the deadline the public learns how many take part, not who."""
    tender, [(member, _participation)] = in_upload
    response = _get(client, tender, TENDER_PAGES[1])
    assert readers.participants(response.content) == []
    page = response.content.decode()
    assert member.company.name not in page and member.company.npwp not in page
    data = readers.announcement(_get(client, tender, TENDER_PAGES[0]).content)
    assert data["tahap_tender_saat_ini"] == "Upload Dokumen Penawaran"
    assert data["peserta_tender"] == "1 Peserta"


def test_rekanan_finds_a_vendors_tenders_only_after_the_deadline(client, in_upload, time_machine):
    """The vendor filter would otherwise reveal who takes part before the deadline."""
    tender, [(member, _p)] = in_upload
    name = member.company.name
    assert dt(client, "lpse-a", rekanan=name).json()["data"] == []
    time_machine.move_to(tender.stages.get(key="upload_penawaran").ends_at)
    rows = dt(client, "lpse-a", rekanan=name).json()["data"]
    assert [row[0] for row in rows] == [str(tender.code)]
    assert dt(client, "lpse-a", rkn_nama=name).json()["recordsFiltered"] == 1
    assert dt(client, "lpse-a", rekanan="PT Tidak Ikut").json()["recordsFiltered"] == 0


def test_the_evaluation_page_has_spses_header_and_no_result_yet(client, finished):
    """The header codes in order (`p` twice); no participant row before results exist."""
    tender, _bidders = finished
    header, rows = readers.evaluation(_get(client, tender, TENDER_PAGES[2]).content)
    assert header == EVALUATION_HEADER
    assert rows == []


def test_evaluation_results_read_back_as_marks_stars_prices_and_scores(
    client, finished, monkeypatch
):
    """Once issue 13 records results, each cell reads as SPSE's: the icon by `fa (fa-.*)">`,
    the winner's star, prices as money, scores as numbers."""
    tender, _bidders = finished
    cells = [Mark.PASSED, Mark.FAILED, Decimal("85.50"), Decimal(900_000_000)]
    cells += [Decimal(880_000_000), None, Decimal(90), Decimal("88.75"), Mark.NOT_EVALUATED]
    cells += [Mark.PASSED, None, None, Mark.PASSED]
    row = EvaluationRow(name="PT Uji", npwp="0012345674101000", cells=tuple(cells), winner=True)
    monkeypatch.setattr("inaproc.spse.views.evaluation_rows", lambda package: [row])
    header, rows = readers.evaluation(_get(client, tender, TENDER_PAGES[2]).content)
    assert dict(zip(header[:2], rows[0][:2], strict=True)) == {
        "no": "1",
        "nama_peserta": "PT Uji - 01.234.567.4-101.000",
    }
    assert rows[0][2:] == [
        1,
        0,
        "85.50",
        "Rp 900.000.000,00",
        "Rp 880.000.000,00",
        "-",
        "90",
        "88.75",
        None,
        1,
        "-",
        "-",
        1,
        True,
        None,
    ]


def test_without_a_winner_the_winner_pages_hold_no_winner_table(client, finished):
    """Readers find no table in the last row: "no winner" (an empty table would make
    some readers fail on an empty list)."""
    tender, _bidders = finished
    for page in TENDER_PAGES[3:5]:
        response = _get(client, tender, page)
        assert response.status_code == 200
        assert readers.winners(response.content) is None


def test_a_winner_reads_back_from_the_last_row(client, finished, monkeypatch):
    tender, _bidders = finished
    winner = Winner(
        name="PT Uji Menang",
        address="Jl. Merdeka 1, Bandung",
        npwp="0012345674101000",
        offer_price=Decimal(875_500_000),
        corrected_price=Decimal(875_500_000),
        negotiated_price=None,
    )
    monkeypatch.setattr("inaproc.spse.views.winners", lambda package, contracted: [winner])
    for page in TENDER_PAGES[3:5]:
        assert readers.winners(_get(client, tender, page).content) == [
            {
                "nama_pemenang": "PT Uji Menang",
                "alamat": "Jl. Merdeka 1, Bandung",
                "npwp": "01.234.567.4-101.000",
                "harga_penawaran": "Rp 875.500.000,00",
                "harga_terkoreksi": "Rp 875.500.000,00",
                "hasil_negosiasi": "-",
            }
        ]


def test_the_schedule_is_the_first_table_of_the_page(client, finished):
    tender, _bidders = finished
    stages = list(tender.stages.order_by("position"))
    rows = readers.schedule(_get(client, tender, TENDER_PAGES[5]).content)
    assert [row["tahap"] for row in rows] == [
        "Pengumuman Pascakualifikasi",
        "Download Dokumen Pemilihan",
        "Pemberian Penjelasan",
        "Upload Dokumen Penawaran",
        "Pembukaan Dokumen Penawaran",
        "Evaluasi Administrasi, Kualifikasi, Teknis, dan Harga",
        "Pembuktian Kualifikasi",
        "Penetapan Pemenang",
        "Pengumuman Pemenang",
        "Masa Sanggah",
        "Surat Penunjukan Penyedia Barang/Jasa",
        "Penandatanganan Kontrak",
    ]
    assert [row["no"] for row in rows] == [str(n) for n in range(1, len(stages) + 1)]
    start, end = (timezone.localtime(moment) for moment in (stages[0].starts_at, stages[0].ends_at))
    assert rows[0]["mulai"] == f"{start.day} {MONTHS[start.month - 1]} {start:%Y %H:%M}"
    assert rows[0]["sampai"] == f"{end.day} {MONTHS[end.month - 1]} {end:%Y %H:%M}"
    assert {row["perubahan"] for row in rows} == {"Tidak Ada"}


def test_a_schedule_change_is_counted(client, portal_a):
    from tests.tenders.public_factories import make_schedule_change

    package = make_public_package(portal_a)
    make_schedule_change(package, "pengumuman_pasca", reason="Perpanjangan")
    rows = readers.schedule(_get(client, package, TENDER_PAGES[5]).content)
    assert rows[0]["perubahan"] == "1 kali perubahan"


def test_the_data_is_in_the_first_content_div_and_nothing_before_it(client, finished):
    """No layout element before the data carries the class `content` or holds a table."""
    tender, _bidders = finished
    for page in TENDER_PAGES:
        html = _get(client, tender, page).content
        div = readers.content(html)
        assert div.find("table") is not None
        for earlier in div.find_all_previous():
            assert "content" not in (earlier.get("class") or [])
            assert earlier.name != "table"
        assert len(readers.BeautifulSoup(html, "html5lib").find_all("h1")) == 1


def test_a_non_tender_package_has_the_same_pages_at_spses_non_tender_paths(client, portal_a):
    package = make_public_package(
        portal_a,
        name="Pengadaan Langsung Kursi",
        selection_method="pengadaan_langsung",
        running="pengumuman_pl",
        procurement_type="barang",
    )
    for page in NON_TENDER_PAGES:
        assert _get(client, package, page).status_code == 200
    data = readers.announcement(_get(client, package, NON_TENDER_PAGES[0]).content)
    assert data["kode_paket"] == str(package.code)
    assert data["nama_paket"] == "Pengadaan Langsung Kursi"
    assert data["tahap_tender_saat_ini"] == "Pengumuman Pengadaan Langsung"
    assert readers.schedule(_get(client, package, NON_TENDER_PAGES[5]).content)[0]["tahap"] == (
        "Pengumuman Pengadaan Langsung"
    )
    for page in TENDER_PAGES:  # a non-tender package is not at the tender paths
        assert _get(client, package, page).status_code == 404


def test_a_cancelled_tender_shows_spses_label(client, portal_a):
    package = make_public_package(portal_a, state=PackageState.CANCELLED)
    data = readers.announcement(_get(client, package, TENDER_PAGES[0]).content)
    assert data["tahap_tender_saat_ini"] == "Tender Batal"
    assert data["label_paket"] == ["Tender Batal"]


@pytest.mark.parametrize("state", [PackageState.DRAFT, PackageState.ASSIGNED, "cancelled_early"])
def test_unpublished_packages_are_not_found(client, portal_a, state):
    """A draft, a package with its Pokja, one cancelled before publication: SPSE's
    not-found page on every path."""
    if state == "cancelled_early":
        package = make_public_package(portal_a, state=PackageState.CANCELLED)
        Package.objects.filter(pk=package.pk).update(published_at=None)
    else:
        package = make_public_package(portal_a, state=state)
    for page in TENDER_PAGES:
        response = _get(client, package, page)
        assert response.status_code == 404
        assert "Halaman yang dituju tidak ditemukan" in response.content.decode()
        assert package.name not in response.content.decode()


@pytest.mark.parametrize("code", ["1", "abc", "-5", "1e3", "9" * 19, "9" * 200, "%00", "١٢٣", "0"])
def test_unknown_or_malformed_codes_are_not_found(client, portal_a, code):
    for page in TENDER_PAGES + NON_TENDER_PAGES:
        response = client.get("/lpse-a/" + page.format(code=code))
        assert response.status_code == 404
        assert "Halaman yang dituju tidak ditemukan" in response.content.decode()


def test_another_portals_package_is_not_found(client, portal_a):
    other = make_public_package(make_portal("lpse-c"))
    response = client.get(f"/lpse-a/lelang/{other.code}/pengumumanlelang")
    assert response.status_code == 404


@pytest.mark.parametrize("language", ["id", "en"])
def test_normal_pages_never_carry_the_error_phrases_and_speak_indonesian(
    client, finished, language
):
    """Readers take those phrases for an error or "not found"; and they match SPSE's
    Indonesian words whatever language the visitor chose."""
    tender, _bidders = finished
    client.cookies["django_language"] = language
    pages = [*TENDER_PAGES, "lelang"]
    for page in pages:
        response = _get(client, tender, page)
        assert response.status_code == 200
        text = response.content.decode()
        assert not [phrase for phrase in ERROR_PHRASES if phrase in text], page
    data = readers.announcement(_get(client, tender, TENDER_PAGES[0]).content)
    assert data["kualifikasi_usaha"] == "Kecil"
    assert "Desember" in data["tanggal_pembuatan"]


def test_a_name_with_html_stays_text(client, portal_a):
    """Names are escaped: a tender called like markup cannot add cells or spans."""
    package = make_public_package(portal_a, name="<span>Palsu</span> & <table>")
    data = readers.announcement(_get(client, package, TENDER_PAGES[0]).content)
    assert data["nama_tender"] == "<span>Palsu</span> & <table>"
    assert data["label_paket"] == []


def test_the_opening_stage_has_no_offer_prices_before_the_opening(client, in_upload, time_machine):
    """After the deadline and before the opening: names, no price."""
    tender, [(member, _p)] = in_upload
    time_machine.move_to(
        tender.stages.get(key="pembukaan_penawaran").starts_at + timedelta(minutes=1)
    )
    rows = readers.participants(_get(client, tender, TENDER_PAGES[1]).content)
    assert [(row["nama_peserta"], row["harga_penawaran"]) for row in rows] == [
        (member.company.name, "-")
    ]


def test_the_list_page_never_shows_unpublished_packages(client, portal_a):
    """/lelang (the public tender list) shows no draft, no package with its Pokja and no
    package cancelled before publication: it was never announced."""
    shown = make_public_package(portal_a, name="Paket Terbit")
    for state in (PackageState.DRAFT, PackageState.ASSIGNED, PackageState.CANCELLED):
        make_public_package(portal_a, name=f"Rahasia {state}", state=state)
    Package.objects.filter(state=PackageState.CANCELLED).update(published_at=None)
    page = client.get("/lpse-a/lelang").content.decode()
    assert shown.name in page and "Rahasia" not in page
    cancelled = Package.objects.get(state=PackageState.CANCELLED)
    assert client.get(f"/lpse-a/tender/{cancelled.code}/").status_code == 404
