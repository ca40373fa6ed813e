"""dt/lelang and dt/pl as SPSE readers call them: positional rows of strings, real
counts, SPSE's sorts and filters, and a sensible answer (never a 500) to parameters
that are missing, repeated, of the wrong type or hostile. Drafts, packages with their
Pokja and packages cancelled before publication never appear."""

from decimal import Decimal

import pytest

from inaproc.award.services import contract_record
from inaproc.tenders.models import Package, PackageState
from tests.award.factories import announced_tender, contract_input, issue_letter
from tests.factories import make_portal
from tests.spse.conftest import dt
from tests.tenders.public_factories import make_public_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def packages(portal_a):
    """Three published tenders, one non-tender package, and what must never show."""
    made = {
        "gedung": make_public_package(
            portal_a,
            name="Pembangunan Gedung Kantor",
            institution="Pemerintah Kota Bandung",
            hps=Decimal("1700000000"),
            budget_year=2026,
        ),
        "alat": make_public_package(
            portal_a,
            name="Alat Tulis Kantor",
            institution="Kementerian Keuangan",
            procurement_type="barang",
            hps=Decimal("850000000"),
            pagu=Decimal("900000000"),
            budget_year=2025,
        ),
        "konsultan": make_public_package(
            portal_a,
            name="Jasa Konsultansi Perencanaan",
            institution="Dinas Bina Marga",
            procurement_type="konsultansi_bu",
            selection_method="seleksi",
            evaluation_method="kualitas_biaya",
            hps=Decimal("350000000"),
            pagu=Decimal("400000000"),
            state=PackageState.CANCELLED,
        ),
        "pl": make_public_package(
            portal_a,
            name="Pengadaan Langsung Kursi",
            institution="Pemerintah Kota Bandung",
            procurement_type="barang",
            selection_method="pengadaan_langsung",
            running="pengumuman_pl",
            hps=Decimal("3750000"),
            pagu=Decimal("3800000"),
        ),
    }
    made["repeat"] = make_public_package(
        portal_a, name="Pembangunan Gedung Kantor <b>II</b>", repeat_of=made["gedung"]
    )
    for state in (PackageState.DRAFT, PackageState.ASSIGNED):
        make_public_package(portal_a, name=f"Rahasia {state}", state=state)
    make_public_package(portal_a, name="Rahasia batal sebelum terbit", state=PackageState.CANCELLED)
    Package.objects.filter(name="Rahasia batal sebelum terbit").update(published_at=None)
    make_public_package(make_portal("lpse-c"), name="Paket portal lain")
    return made


def _codes(response) -> list[str]:
    assert response.status_code == 200
    return [row[0] for row in response.json()["data"]]


def test_a_tender_row_has_spses_14_cells_in_order(client, packages):
    """Rows are positional arrays of strings; the name cell holds the label span."""
    rows = {row[0]: row for row in dt(client, "lpse-a").json()["data"]}
    gedung = packages["gedung"]
    assert rows[str(gedung.code)] == [
        str(gedung.code),
        "Pembangunan Gedung Kantor",
        "Pemerintah Kota Bandung",
        "Pengumuman Pascakualifikasi",
        "1,7 M",
        "Pascakualifikasi Satu File",
        "Tender",
        "Harga Terendah Sistem Gugur",
        "Pekerjaan Konstruksi - TA 2026",
        "3",
        "Nilai Kontrak belum dibuat",
        "1",
        "",
        "0",
    ]
    repeat = rows[str(packages["repeat"].code)]
    assert repeat[1] == (
        "Pembangunan Gedung Kantor &lt;b&gt;II&lt;/b&gt; "
        "<span class='label label-warning'>Tender Ulang</span>"
    )
    assert rows[str(packages["alat"].code)][4] == "850 Jt"
    assert rows[str(packages["konsultan"].code)][3] == "Tender Batal"
    assert all(isinstance(cell, str) for row in rows.values() for cell in row)


def test_a_non_tender_row_has_nine_cells_and_lists_are_kept_apart(client, packages):
    """dt/pl lists the non-tender packages only, dt/lelang the tenders only."""
    pl = packages["pl"]
    response = dt(client, "lpse-a", "pl")
    assert response.json()["data"] == [
        [
            str(pl.code),
            "Pengadaan Langsung Kursi",
            "Pemerintah Kota Bandung",
            "Pengumuman Pengadaan Langsung",
            "3,8 Jt",
            "Pengadaan Langsung",
            "2026",
            "Pengadaan Barang",
            "Nilai Kontrak belum dibuat",
        ]
    ]
    assert str(pl.code) not in _codes(dt(client, "lpse-a"))


def test_the_contract_cell_gives_the_recorded_contracts_value(client, portal_a):
    """Cell 10 of a tender row: SPSE's note until the PPK records the contract, then the
    contract's value as the winner pages write it; other rows keep the note."""
    package, *_rest = announced_tender(portal_a)
    other = make_public_package(portal_a, name="Belum berkontrak")

    def cells() -> dict[str, str]:
        return {row[0]: row[10] for row in dt(client, "lpse-a").json()["data"]}

    assert cells()[str(package.code)] == "Nilai Kontrak belum dibuat"
    issue_letter(package)
    contract_record(package=package, user=package.ppk, data=contract_input())
    assert cells() == {
        str(package.code): "Rp 870.000.000,00",
        str(other.code): "Nilai Kontrak belum dibuat",
    }


def test_counts_are_real_and_length_zero_asks_only_for_them(client, packages):
    """recordsTotal: every published tender; recordsFiltered: those matching."""
    answer = dt(client, "lpse-a", length="0", **{"search[value]": "gedung"}).json()
    assert answer == {"draw": 1, "recordsTotal": 4, "recordsFiltered": 2, "data": []}
    answer = dt(client, "lpse-a", start="1", length="2").json()
    assert (answer["recordsTotal"], answer["recordsFiltered"], len(answer["data"])) == (4, 4, 2)
    assert dt(client, "lpse-a", start="4").json()["data"] == []


def test_drafts_assigned_cancelled_before_publication_and_other_portals_never_appear(
    client, packages
):
    """Only what was published is public, searched by name or by code alike."""
    for endpoint in ("lelang", "pl"):
        answer = dt(client, "lpse-a", endpoint).json()
        assert "Rahasia" not in str(answer) and "portal lain" not in str(answer)
    hidden = Package.objects.filter(name__startswith="Rahasia")
    assert hidden.count() == 3
    for package in hidden:
        found = dt(client, "lpse-a", **{"search[value]": str(package.code)}).json()
        assert found["recordsFiltered"] == 0


@pytest.mark.parametrize(
    ("column", "key"),
    [("0", "code"), ("1", "name"), ("2", "institution"), ("4", "hps")],
)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_ordering_by_each_column(client, packages, column, key, direction):
    """order[0][column] 0 code, 1 name, 2 institution, 4 HPS, ascending or descending."""
    tenders = [p for name, p in packages.items() if name != "pl"]
    expected = sorted(tenders, key=lambda p: (getattr(p, key), p.pk), reverse=direction == "desc")
    response = dt(client, "lpse-a", **{"order[0][column]": column, "order[0][dir]": direction})
    assert _codes(response) == [str(p.code) for p in expected]


def test_no_or_an_unsortable_column_keeps_the_newest_first(client, packages):
    """Column 3 (the stage) and unknown columns sort as the list does: newest first."""
    newest = _codes(dt(client, "lpse-a"))
    assert _codes(dt(client, "lpse-a", **{"order[0][column]": "3"})) == newest
    assert _codes(dt(client, "lpse-a", **{"order[0][column]": "99"})) == newest
    assert newest[0] == str(packages["repeat"].code)


@pytest.mark.parametrize("name", ["kategoriId", "kategori"])
def test_kategori_filters_by_spses_category_ids(client, packages, name):
    """0 Barang, 1 Jasa Konsultansi Badan Usaha non-konstruksi, 2 Pekerjaan Konstruksi."""
    assert _codes(dt(client, "lpse-a", **{name: "0"})) == [str(packages["alat"].code)]
    assert _codes(dt(client, "lpse-a", **{name: "1"})) == [str(packages["konsultan"].code)]
    assert len(_codes(dt(client, "lpse-a", **{name: "2"}))) == 2
    assert _codes(dt(client, "lpse-a", "pl", **{name: "0"})) == [str(packages["pl"].code)]


def test_an_unknown_category_matches_nothing_and_a_non_number_is_ignored(client, packages):
    unknown = dt(client, "lpse-a", kategoriId="9").json()
    assert (unknown["recordsTotal"], unknown["recordsFiltered"], unknown["data"]) == (4, 0, [])
    assert len(_codes(dt(client, "lpse-a", kategoriId="barang"))) == 4
    assert len(_codes(dt(client, "lpse-a", kategoriId=""))) == 4


def test_tahun_filters_by_budget_year(client, packages):
    assert _codes(dt(client, "lpse-a", tahun="2025")) == [str(packages["alat"].code)]
    assert len(_codes(dt(client, "lpse-a", tahun="2026"))) == 3
    assert _codes(dt(client, "lpse-a", tahun="1990")) == []
    assert len(_codes(dt(client, "lpse-a", tahun="duaribu"))) == 4


def test_instansi_filters_by_institution_name(client, packages):
    """We keep no institution codes: instansiId is matched against the name."""
    assert _codes(dt(client, "lpse-a", instansiId="keuangan")) == [str(packages["alat"].code)]
    assert _codes(dt(client, "lpse-a", instansiId="D123")) == []


def test_search_matches_code_name_and_institution(client, packages):
    alat = str(packages["alat"].code)
    assert _codes(dt(client, "lpse-a", **{"search[value]": alat})) == [alat]
    assert _codes(dt(client, "lpse-a", **{"search[value]": "tulis"})) == [alat]
    assert _codes(dt(client, "lpse-a", **{"search[value]": "KEUANGAN"})) == [alat]


@pytest.mark.parametrize(
    ("search", "matches"),
    [
        ("'; DROP TABLE tenders_package; --", 0),
        ("' OR '1'='1", 0),
        (".*(a|b)+$[", 0),
        ("100%_", 0),
        ("gedung\x00kantor", 0),  # NUL bytes are dropped: "gedungkantor"
        ("\x00", 4),  # nothing left to search for
        ("x" * 10_000, 0),
        ("gedung " * 2_000, 2),
        ("🏗️ gedung", 0),
        ("gedung 🏢", 0),
        ("\\", 0),
    ],
)
def test_hostile_search_strings_get_an_answer(client, packages, search, matches):
    """SQL, regular expressions, LIKE wildcards, NUL bytes, 10,000 characters, emoji:
    a JSON answer, the words matched literally (every word must match)."""
    response = dt(client, "lpse-a", **{"search[value]": search})
    assert response.status_code == 200
    answer = response.json()
    assert (answer["recordsTotal"], answer["recordsFiltered"]) == (4, matches)


@pytest.mark.parametrize(
    "params",
    [
        {"draw": "abc", "start": "-5", "length": "many"},
        {"draw": "1e3", "start": "1.5", "length": "-7"},
        {"start": "9" * 5000, "length": "9" * 30},
        {"order[0][column]": "x", "order[0][dir]": "sideways"},
        {"order[0][column]": "-1", "order[0][dir]": ""},
        {"columns[0][data]": "0", "columns[0][searchable]": "maybe", "search[regex]": "true"},
        {"tahun": "99999999999999999999999", "kategoriId": "-1", "instansiId": "\x00"},
        {"rekanan": "%", "rkn_nama": "' OR 1=1"},
        {"draw": "\x00", "_": "not-a-time"},
    ],
)
def test_wrong_types_get_defaults_not_errors(client, packages, params):
    response = dt(client, "lpse-a", **params)
    assert response.status_code == 200
    assert set(response.json()) == {"draw", "recordsTotal", "recordsFiltered", "data"}


def test_missing_parameters_get_defaults(client, packages):
    """Nothing but the token: draw 0, the first ten, newest first."""
    client.get("/lpse-a/lelang")
    token = client.cookies["SPSE_SESSION"].value.split("=")[1].rstrip("&")
    answer = client.post("/lpse-a/dt/lelang", {"authenticityToken": token}).json()
    assert (answer["draw"], answer["recordsFiltered"], len(answer["data"])) == (0, 4, 4)


def test_repeated_parameters_take_the_first_value_and_the_body_wins(client, packages):
    client.get("/lpse-a/lelang")
    token = client.cookies["SPSE_SESSION"].value.split("=")[1].rstrip("&")
    body = f"authenticityToken={token}&length=1&length=50&draw=7&draw=8&tahun=2025"
    response = client.post(
        "/lpse-a/dt/lelang?tahun=2026&length=99&draw=9",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    answer = response.json()
    assert (answer["draw"], len(answer["data"]), answer["recordsFiltered"]) == (7, 1, 1)


def test_length_minus_one_and_huge_lengths_are_capped(client, portal_a):
    """DataTables' -1 ("all") and 10^9 get at most MAX_LENGTH rows, with real counts."""
    from inaproc.spse.datatables import MAX_LENGTH, list_query

    assert list_query({"length": ["-1"]}).length == MAX_LENGTH
    assert list_query({"length": ["1000000000"]}).length == MAX_LENGTH
    assert list_query({"length": ["0"]}).length == 0
    assert dt(client, "lpse-a", length="-1").status_code == 200
