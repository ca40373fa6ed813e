"""The national search at the platform root (issue 18, item 4): public tenders of every
active portal, searched by words (full-text on PostgreSQL, `icontains` on SQLite),
narrowed by the portal list's filters plus portal and city, sorted four ways, linked to
each portal's tender page; never a draft, never a 500 on bad input."""

import importlib
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inaproc.search import fulltext
from inaproc.search.filters import SearchFilters, Sort
from inaproc.search.selectors import national_search
from inaproc.tenders.models import PackageState
from tests.tenders.public_factories import make_public_package

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)


def names(response) -> list[str]:
    """The package names of the result rows, in order."""
    return re.findall(r'<td data-label="[^"]*"><a href="[^"]+">([^<]+)</a>', response.text)


def search(client, **params):
    response = client.get("/", params)
    assert response.status_code == 200
    return response


# --- Visibility ------------------------------------------------------------------------


def test_results_come_from_every_portal_and_link_to_the_tender_page(client, portal_a, portal_b):
    alpha = make_public_package(portal_a, name="Jalan Desa Alpha")
    beta = make_public_package(portal_b, name="Jalan Desa Beta")

    response = search(client, q="jalan")

    assert sorted(names(response)) == ["Jalan Desa Alpha", "Jalan Desa Beta"]
    assert f'href="/lpse-a/tender/{alpha.code}/"' in response.text
    assert f'href="/lpse-b/tender/{beta.code}/"' in response.text
    assert "LPSE Beta" in response.text


def test_a_result_row_names_the_type_method_and_year_of_its_tender(client, portal_a):
    make_public_package(
        portal_a, name="Jalan Desa", procurement_type="barang", selection_method="tender_cepat"
    )
    make_public_package(
        portal_a,
        name="Jalan Kota",
        procurement_type="konstruksi",
        selection_method="pengadaan_langsung",
        finished=True,
        budget_year=2027,
    )

    text = search(client, q="jalan", urut=Sort.NEWEST).text

    assert "Pengadaan Barang · Tender Cepat · TA 2026" in text
    assert "Pekerjaan Konstruksi · Pengadaan Langsung · TA 2027" in text


def test_drafts_assigned_and_cancelled_before_publication_never_appear(client, portal_a):
    make_public_package(portal_a, name="Gedung Terbit")
    make_public_package(portal_a, name="Gedung Batal Terbit", state=PackageState.CANCELLED)
    make_public_package(portal_a, name="Gedung Draf", state=PackageState.DRAFT)
    make_public_package(portal_a, name="Gedung Pokja", state=PackageState.ASSIGNED)
    never = make_public_package(portal_a, name="Gedung Batal Awal", state=PackageState.ASSIGNED)
    never.cancel(at=timezone.now(), reason="Batal sebelum diumumkan.")  # never published
    never.save()

    for params in ({"q": "gedung"}, {"jenis": "konstruksi"}, {"q": str(never.code)}):
        response = search(client, **params)
        assert "Draf" not in response.text and "Pokja</a>" not in response.text
        assert "Batal Awal" not in response.text
    assert sorted(names(search(client, q="gedung"))) == ["Gedung Batal Terbit", "Gedung Terbit"]


def test_tenders_of_an_inactive_portal_are_not_searched(client, portal_a, portal_b):
    make_public_package(portal_a, name="Jalan Aktif")
    make_public_package(portal_b, name="Jalan Nonaktif")
    portal_b.is_active = False
    portal_b.save()

    assert names(search(client, q="jalan")) == ["Jalan Aktif"]


# --- Words -----------------------------------------------------------------------------


def test_words_search_name_institution_work_unit_and_rup_name(client, portal_a):
    make_public_package(portal_a, name="Paket Satu", institution="Kabupaten Garut")
    make_public_package(portal_a, name="Paket Dua", work_unit="Dinas Perikanan")
    make_public_package(portal_a, name="Paket Tiga", rup_name="Rehabilitasi Puskesmas")
    make_public_package(portal_a, name="Paket Empat")

    assert names(search(client, q="Garut")) == ["Paket Satu"]
    assert names(search(client, q="perikanan")) == ["Paket Dua"]
    assert names(search(client, q="puskesmas")) == ["Paket Tiga"]


def test_every_word_must_match(client, portal_a):
    make_public_package(portal_a, name="Jalan Lingkar Utara")
    make_public_package(portal_a, name="Jalan Lingkar Selatan")

    assert names(search(client, q="lingkar utara")) == ["Jalan Lingkar Utara"]


def test_a_code_finds_its_tender(client, portal_a):
    package = make_public_package(portal_a, name="Dicari Dengan Kode")
    make_public_package(portal_a, name="Yang Lain")

    assert names(search(client, q=str(package.code))) == ["Dicari Dengan Kode"]


@on_postgresql
def test_indonesian_stemming_finds_other_forms_of_a_word(client, portal_a):
    """`indonesian` config: "pembangunan" and "bangun" share a stem."""
    make_public_package(portal_a, name="Pembangunan Jembatan Gantung")

    assert names(search(client, q="bangun")) == ["Pembangunan Jembatan Gantung"]


@on_postgresql
def test_relevance_puts_a_name_match_before_a_work_unit_match(client, portal_a):
    now = timezone.now()
    make_public_package(
        portal_a,
        name="Paket Lain",
        work_unit="Dinas Irigasi",
        published_at=now - timedelta(hours=1),
    )
    make_public_package(portal_a, name="Saluran Irigasi", published_at=now - timedelta(days=3))

    assert names(search(client, q="irigasi")) == ["Saluran Irigasi", "Paket Lain"]


@on_postgresql
def test_the_ranked_pool_gives_the_page_and_the_count_in_one_query(
    client, english, portal_a, django_assert_max_num_queries
):
    """With relevance, one query gives the ranked ids and the capped count: the page
    shows the same tenders in the same order as `national_search`, and the count."""
    from inaproc.search.selectors import RELEVANCE_POOL
    from inaproc.tenders.views.public import COUNT_CAP

    assert RELEVANCE_POOL == COUNT_CAP  # the pool's length is the count up to the cap
    now = timezone.now()
    for n in range(25):
        make_public_package(
            portal_a,
            name=f"Jalan {n}" if n % 3 else f"Jalan Jalan {n}",
            published_at=now - timedelta(hours=n),
            with_stages=False,
        )
    expected = [p.name for p in national_search(filters=SearchFilters(q="jalan"), words=True)]

    # 8, and 2 for the GIN index chosen for the words (`selectors._by_gin_index`: its
    # setting, and the savepoint of its transaction inside the test's own).
    with django_assert_max_num_queries(10):
        first = search(client, q="jalan")
    second = search(client, q="jalan", page=2)

    assert names(first) + names(second) == expected
    assert "25 tenders." in first.text


@pytest.mark.parametrize(
    "params",
    [
        {"jenis": "konstruksi"},  # filters alone: the newest order
        {"q": "jalan", "urut": "newest"},  # words, sorted newest
        {"q": "jalan", "jenis": "konstruksi", "urut": "newest"},
    ],
)
def test_a_search_in_the_newest_order_pages_its_newest_ids_with_their_count(
    client, english, portal_a, params, django_assert_max_num_queries
):
    """In the newest order, one query of the newest matching ids gives the capped count
    and the page (`national_search_newest`): the pages show the same tenders in the same
    order as `national_search`, and the count."""
    from inaproc.search.selectors import national_search_newest

    now = timezone.now()
    for n in range(30):  # 25 with "jalan", 27 konstruksi, 23 both
        make_public_package(
            portal_a,
            name=f"Jalan {n}" if n % 7 else f"Gedung {n}",
            procurement_type="konstruksi" if n % 10 else "barang",
            published_at=now - timedelta(hours=n),
            with_stages=False,
        )
    filters = SearchFilters(
        q=params.get("q", ""), procurement_type=params.get("jenis", ""), sort=Sort.NEWEST
    )
    words = bool(filters.q)
    expected = [p.name for p in national_search(filters=filters, words=words)]
    ids = national_search_newest(filters=filters, now=timezone.now(), words=words, cap=1000)

    # 8, with words on PostgreSQL the bounded scan's sample (too few rows here), then
    # the GIN index's setting and the savepoint of its transaction (see above).
    with django_assert_max_num_queries(11):
        first = search(client, **params)
    second = search(client, **params, page=2)

    assert 20 < len(expected) == len(ids) < 30
    assert names(first) + names(second) == expected
    assert f"{len(expected)} tenders." in first.text


@pytest.mark.parametrize("q", ["", "jalan"])
def test_a_capped_search_pages_to_its_last_listed_tender_never_to_an_empty_page(
    client, english, portal_a, monkeypatch, q
):
    """More matches than the cap: "more than" the cap, and the pages end with the last
    of the cap's tenders (a page asked for past them shows the last), never an empty
    page saying that nothing matches (newest order and relevance alike)."""
    from inaproc.search import selectors, views

    monkeypatch.setattr(views, "COUNT_CAP", 6)
    monkeypatch.setattr(selectors, "RELEVANCE_POOL", 6)
    now = timezone.now()
    for n in range(9):
        make_public_package(
            portal_a, name=f"Jalan {n}", published_at=now - timedelta(hours=n), with_stages=False
        )

    first, last, past = (
        search(client, q=q, jenis="konstruksi", n=3, page=page) for page in (1, 2, 9)
    )

    # 7 counted (the cap and one): 3 pages of 3 would end with an empty one.
    assert "More than 6 tenders" in first.text
    assert len(names(first)) == 3 and len(names(last)) == 3
    assert "Page 2 of 2" in last.text and "Next page" not in last.text
    assert names(past) == names(last)
    assert "No tender matches" not in last.text + past.text


def test_the_newest_ids_are_not_used_with_the_stage_filter_or_another_sort(portal_a):
    """The stage is on the row, in an index without the newest order (migration
    search/0006); other sorts have their own order: those pages count and page apart."""
    from inaproc.search.selectors import national_search_newest
    from inaproc.tenders.selectors.public import STAGE_OPEN

    now = timezone.now()
    for filters in (
        SearchFilters(procurement_type="konstruksi", stage=STAGE_OPEN),
        SearchFilters(procurement_type="konstruksi", sort=Sort.HPS_DESC),
    ):
        assert national_search_newest(filters=filters, now=now, words=False, cap=1000) is None


@on_postgresql
def test_equal_ranks_keep_the_newest_first_then_the_highest_id(client, english, portal_a):
    """The ranked pool is sorted by rank alone in Python: ties must come out as
    `national_search` orders them (newest first, then the higher id)."""
    now = timezone.now()
    same_time = now - timedelta(hours=2)
    for n in range(6):
        make_public_package(
            portal_a,
            name=f"Jalan Jalan {n}" if n in (1, 4) else f"Jalan {n}",
            published_at=same_time if n < 4 else now - timedelta(hours=n),
            with_stages=False,
        )
    expected = [p.name for p in national_search(filters=SearchFilters(q="jalan"), words=True)]

    shown = names(search(client, q="jalan"))

    assert shown == expected
    assert shown[:2] == ["Jalan Jalan 1", "Jalan Jalan 4"]  # the better rank first
    assert shown[2:5] == ["Jalan 3", "Jalan 2", "Jalan 0"]  # same time: higher id first


def test_the_trigger_computes_the_document_of_fulltext():
    """The trigger of migration 0004 keeps its own copy of the document's expression
    (migrations must not change with the code); both must be the same."""
    migration = importlib.import_module("inaproc.search.migrations.0004_stored_document")
    assert migration.DOCUMENT_TEMPLATE == fulltext.DOCUMENT_TEMPLATE
    assert migration.COLUMNS == fulltext.DOCUMENT_COLUMNS
    assert fulltext.SEARCH_CONFIG in fulltext.DOCUMENT_TEMPLATE


def _stored_document(package) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_document::text FROM tenders_package WHERE id = %s", [package.pk]
        )
        return cursor.fetchone()[0]


def _document_of(*texts: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + fulltext.DOCUMENT_TEMPLATE.format("%s", "%s", "%s", "%s") + "::text",
            list(texts),
        )
        return cursor.fetchone()[0]


@on_postgresql
def test_the_trigger_writes_the_document_on_insert_and_update(portal_a):
    """The stored document follows the name, RUP name, institution and work unit: made
    on insert, made again when any of them changes (by `save` or by `update`)."""
    from inaproc.tenders.models import Package

    package = make_public_package(portal_a, name="Pembangunan Jalan", with_stages=False)
    expected = _document_of(package.name, package.rup_name, package.institution, package.work_unit)
    assert _stored_document(package) == expected
    assert "'bangun':1A" in expected

    package.name = "Rehabilitasi Gedung"
    package.save()
    Package.objects.filter(pk=package.pk).update(work_unit="Dinas Kesehatan")
    package.refresh_from_db()

    stored = _stored_document(package)
    assert stored == _document_of(
        "Rehabilitasi Gedung", package.rup_name, package.institution, "Dinas Kesehatan"
    )
    assert "jalan" not in stored and "'sehat'" in stored


@on_postgresql
def test_the_trigger_writes_the_document_of_bulk_inserts(portal_a, client):
    """Rows written without the model's `save` (bulk inserts, SQL copies) get their
    document too, and are found."""
    from inaproc.tenders.models import Package

    model = make_public_package(portal_a, name="Contoh", with_stages=False)
    fields = {
        f.attname: getattr(model, f.attname)
        for f in Package._meta.concrete_fields
        if f.attname not in ("id", "code", "name")
    }
    (copy,) = Package.objects.bulk_create([Package(**fields, code=model.code + 1, name="Jembatan")])

    assert "'jembat':1A" in _stored_document(copy)
    assert names(search(client, q="jembatan")) == ["Jembatan"]


@on_postgresql
def test_postgresql_uses_the_gin_index_for_words_and_filters(portal_a):
    """With 2,000 tenders of which one matches, the match comes from the one GIN index
    of words and filters: the filters are conditions of the index, not of each row."""
    from inaproc.tenders.models import Package

    model = make_public_package(portal_a, name="Jalan Indeks", with_stages=False)
    fields = {
        f.attname: getattr(model, f.attname)
        for f in Package._meta.concrete_fields
        if f.attname not in ("id", "code", "name")
    }
    Package.objects.bulk_create(
        Package(**fields, code=model.code + n, name=f"Gedung Nomor {n}") for n in range(1, 2001)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tenders_package")
        # So small a table may be read whole, or along any index; what matters is that
        # the GIN index serves the words and the filters together.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    filters = SearchFilters(
        q="jalan",
        sort=Sort.NEWEST,
        procurement_type="konstruksi",
        province="jawa_barat",
        budget_year=model.budget_year,
    )

    plan = national_search(filters=filters, words=True).explain()

    assert "search_package_gin_idx" in plan, plan
    condition = plan[plan.index("Index Cond") :].split("\n")[0]
    assert "search_document" in condition and "provinces" in condition, plan
    assert "procurement_type" in condition and "budget_year" in condition, plan


# --- Bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "'; DROP TABLE tenders_package; --",
        "jalan' OR '1'='1",
        "(.*)+[a-z]{2,}\\d$^",
        "jalan & | ! <-> :* ( )",
        '"jalan -"',
        "\U0001f6a7\U0001f3d7\ufe0f jalan",
        "\U0001f600",
        "%_%",
        "x" * 10_000,
        "jalan\x00desa",
        "   ",
    ],
)
def test_odd_search_strings_answer_a_page_never_a_500(client, portal_a, q):
    make_public_package(portal_a, name="Jalan Desa")

    response = client.get("/", {"q": q})

    assert response.status_code == 200
    assert "<h1" in response.text


def test_sql_in_the_search_is_only_words(client, portal_a):
    make_public_package(portal_a, name="Jalan Desa")

    assert names(search(client, q="x' OR '1'='1")) == []
    assert names(search(client, q="jalan")) == ["Jalan Desa"]


def test_a_search_too_long_or_with_a_nul_byte_is_refused_with_a_message(client, english, portal_a):
    make_public_package(portal_a, name="Jalan Desa")

    long = search(client, q="jalan " * 2000)
    nul = search(client, q="jalan\x00")

    assert "Ensure this value has at most 200 characters" in long.text
    assert "Null characters are not allowed" in nul.text
    # The invalid value filters nothing: the other filters still apply.
    assert names(long) == ["Jalan Desa"]


def test_only_stop_words_filter_nothing_and_say_so(client, english, portal_a):
    make_public_package(portal_a, name="Jalan Desa")

    response = search(client, q="yang dan di")

    assert names(response) == ["Jalan Desa"]
    assert "no word to look for" in response.text


def test_stop_words_beside_a_real_word_are_left_out(client, portal_a):
    """ "yang" and "di" appear in no package name: searched, they would match nothing."""
    make_public_package(portal_a, name="Jalan Desa")
    make_public_package(portal_a, name="Gedung Sekolah")

    assert names(search(client, q="jalan yang di desa")) == ["Jalan Desa"]


def test_emoji_alone_finds_nothing_or_everything_but_answers(client, portal_a):
    make_public_package(portal_a, name="Jalan Desa")

    response = search(client, q="\U0001f600")

    assert names(response) in ([], ["Jalan Desa"])


@pytest.mark.parametrize(
    ("size", "expected"), [("0", 20), ("-1", 20), ("1000000000", 100), ("abc", 20), ("3", 3)]
)
def test_page_sizes_are_bounded(client, portal_a, size, expected):
    for n in range(105):
        make_public_package(portal_a, name=f"Jalan Nomor {n}", with_stages=False, provinces=())

    response = search(client, jenis="konstruksi", n=size)

    assert len(names(response)) == expected


@pytest.mark.parametrize("page", ["0", "-1", "1000000000", "abc", ""])
def test_odd_page_numbers_answer_a_page(client, portal_a, page):
    make_public_package(portal_a, name="Jalan Desa")

    response = search(client, q="jalan", page=page)

    assert names(response) == ["Jalan Desa"]


@pytest.mark.parametrize(
    "params",
    [
        {"jenis": "bukan"},
        {"metode": "x"},
        {"tahun": "duaribu"},
        {"tahun": "99999999999999999999"},
        {"tahap": "'; --"},
        {"lokasi": "mars"},
        {"hps_min": "banyak"},
        {"hps_max": "9" * 40},
        {"kbli": "abc"},
        {"portal": "tidak-ada"},
        {"urut": "random()"},
        {"kota": "x" * 500},
    ],
)
def test_invalid_filters_are_ignored_with_a_message(client, portal_a, params):
    make_public_package(portal_a, name="Jalan Desa")

    response = search(client, **params)

    assert names(response) == ["Jalan Desa"]
    if "urut" not in params:
        assert 'class="field-errors"' in response.text


# --- Filters and sorts -----------------------------------------------------------------


def test_filters_narrow_the_results(client, portal_a, portal_b):
    make_public_package(
        portal_a,
        name="Cocok",
        procurement_type="konstruksi",
        budget_year=2026,
        hps=Decimal("1500000000"),
        provinces=("jawa_barat",),
        kbli=("41011",),
    )
    make_public_package(portal_b, name="Portal Lain")
    make_public_package(
        portal_a, name="Jenis Lain", procurement_type="barang", selection_method="tender"
    )
    make_public_package(portal_a, name="Tahun Lain", budget_year=2025)
    make_public_package(portal_a, name="Murah", hps=Decimal("100000000"))
    make_public_package(portal_a, name="Provinsi Lain", provinces=("bali",))

    assert names(search(client, portal="lpse-b")) == ["Portal Lain"]
    assert "Jenis Lain" not in names(search(client, jenis="konstruksi"))
    assert "Tahun Lain" not in names(search(client, tahun="2026"))
    assert names(search(client, tahun="2025")) == ["Tahun Lain"]
    assert names(search(client, lokasi="bali")) == ["Provinsi Lain"]
    assert names(search(client, kbli="41011")) == ["Cocok"]
    assert "Murah" not in names(search(client, hps_min="1.000.000.000"))
    assert names(search(client, hps_max="Rp 100.000.000")) == ["Murah"]


def test_city_filter_matches_part_of_the_city_name(client, portal_a):
    from inaproc.tenders.models import PackageLocation

    bogor = make_public_package(portal_a, name="Di Bogor", provinces=())
    PackageLocation.objects.create(package=bogor, province="jawa_barat", city="Kabupaten Bogor")
    make_public_package(portal_a, name="Di Tempat Lain")

    assert names(search(client, kota="bogor")) == ["Di Bogor"]
    assert names(search(client, kota="bogor", lokasi="bali")) == []


def test_stage_filter_follows_the_schedule_and_the_clock(client, portal_a):
    make_public_package(portal_a, name="Sedang Upload", running="upload_penawaran")
    make_public_package(portal_a, name="Sudah Selesai", finished=True)
    make_public_package(portal_a, name="Belum Mulai", starts_in=timedelta(days=2))

    assert names(search(client, tahap="upload_penawaran")) == ["Sedang Upload"]
    assert names(search(client, tahap="finished")) == ["Sudah Selesai"]
    assert sorted(names(search(client, tahap="open"))) == ["Belum Mulai", "Sedang Upload"]


def test_sorts_by_newest_hps_and_deadline(client, portal_a):
    now = timezone.now()
    make_public_package(
        portal_a, name="Lama Mahal", hps=Decimal("1900000000"), published_at=now - timedelta(days=5)
    )
    make_public_package(
        portal_a, name="Baru Murah", hps=Decimal("100000000"), published_at=now - timedelta(hours=2)
    )

    assert names(search(client, urut=Sort.NEWEST)) == ["Baru Murah", "Lama Mahal"]
    assert names(search(client, urut=Sort.HPS_DESC)) == ["Lama Mahal", "Baru Murah"]
    assert names(search(client, urut=Sort.HPS_ASC)) == ["Baru Murah", "Lama Mahal"]
    assert len(names(search(client, urut=Sort.DEADLINE))) == 2


def test_the_page_without_a_search_is_the_directory(client, english, portal_a):
    make_public_package(portal_a, name="Jalan Desa")

    response = client.get("/")

    assert names(response) == []
    assert "LPSE portals" in response.text
    assert response.text.count("<h1") == 1


def test_the_root_of_a_portal_domain_still_goes_to_the_portal(client, portal_a):
    portal_a.domain = "lpse.alpha.go.id"
    portal_a.save()

    response = client.get("/", HTTP_HOST="lpse.alpha.go.id")

    assert response.status_code == 302
    assert response["Location"] == portal_a.get_absolute_url()


def test_the_portal_choices_come_from_the_shared_cache_and_follow_portal_changes(
    client, settings, portal_a, portal_b, django_capture_on_commit_callbacks
):
    settings.SHARED_CACHE = True
    cache.clear()
    search(client, q="jalan")  # fills the cache

    with CaptureQueriesContext(connection) as captured:
        text = search(client, q="gedung").text

    assert not [
        q for q in captured.captured_queries if 'SELECT "portals_portal"."slug"' in q["sql"]
    ]
    assert '<option value="lpse-a">LPSE Alpha</option>' in text
    with django_capture_on_commit_callbacks(execute=True):
        portal_a.name = "LPSE Alpha Baru"
        portal_a.save()
        portal_b.is_active = False
        portal_b.save()

    text = search(client, q="gedung").text

    assert '<option value="lpse-a">LPSE Alpha Baru</option>' in text
    assert 'value="lpse-b"' not in text


def test_result_page_query_count_is_bounded(client, portal_a, django_assert_max_num_queries):
    for n in range(30):
        make_public_package(portal_a, name=f"Jalan {n}")

    with django_assert_max_num_queries(10):  # 8, and 2 as above
        response = search(client, q="jalan", tahap="open")

    assert len(names(response)) == 20
