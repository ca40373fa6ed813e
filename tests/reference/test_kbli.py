"""KBLI 2020 reference data: loading the file all-or-nothing, and searching kelompok codes."""

import io
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from inaproc.reference.models import Kbli, KbliLevel
from inaproc.reference.selectors import kbli_get_many, kbli_search
from inaproc.reference.services import KbliLoadResult, kbli_load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# The table the project ships (inaproc/reference/data/), never a file outside the repository.
KBLI_CSV = Path(__file__).resolve().parents[2] / "inaproc" / "reference" / "data" / "kbli2020.csv"

SMALL_CSV = """code,level,title
A,kategori,"Pertanian, Kehutanan dan Perikanan"
01,golongan_pokok,"Pertanian Tanaman, Peternakan, Perburuan dan Kegiatan YBDI"
011,golongan,Pertanian Tanaman Semusim
0111,subgolongan,"Pertanian serealia (bukan padi), aneka kacang dan biji-bijian"
01111,kelompok,Pertanian Jagung
01112,kelompok,Pertanian Gandum
0112,subgolongan,Pertanian Padi
01121,kelompok,Pertanian Padi Hibrida
B,kategori,Pertambangan dan Penggalian
05,golongan_pokok,Pertambangan Batu Bara dan Lignit
051,golongan,Pertambangan Batu Bara
0510,subgolongan,Pertambangan Batu Bara
05100,kelompok,Pertambangan Batu Bara
"""


def write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kbli.csv"
    path.write_text(text, encoding="utf-8")
    return path


def load_small(tmp_path: Path) -> KbliLoadResult:
    return kbli_load(path=write_csv(tmp_path, SMALL_CSV))


def refusal(path: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        kbli_load(path=path)
    return caught.value.messages


def test_load_real_file_creates_every_code():
    result = kbli_load(path=KBLI_CSV)

    assert result == KbliLoadResult(created=2710, updated=0, unchanged=0)
    assert Kbli.objects.count() == 2710
    assert Kbli.objects.kelompok().count() == 1789
    assert Kbli.objects.filter(level=KbliLevel.KATEGORI).count() == 21


def test_loaded_code_keeps_leading_zero_and_its_parent_chain_reaches_the_kategori():
    kbli_load(path=KBLI_CSV)

    kbli = Kbli.objects.get(code="01111")
    chain = []
    while kbli is not None:
        chain.append((kbli.code, kbli.level))
        kbli = kbli.parent
    assert chain == [
        ("01111", "kelompok"),
        ("0111", "subgolongan"),
        ("011", "golongan"),
        ("01", "golongan_pokok"),
        ("A", "kategori"),
    ]
    assert Kbli.objects.get(code="01111").title == "Pertanian Jagung"


def test_two_digit_code_belongs_to_the_kategori_row_above_it():
    kbli_load(path=KBLI_CSV)

    assert Kbli.objects.get(code="05").parent_id == "B"
    assert Kbli.objects.get(code="99").parent_id == "U"


def test_second_load_changes_nothing():
    kbli_load(path=KBLI_CSV)

    result = kbli_load(path=KBLI_CSV)

    assert result == KbliLoadResult(created=0, updated=0, unchanged=2710)
    assert Kbli.objects.count() == 2710


def test_load_updates_a_changed_title(tmp_path):
    load_small(tmp_path)
    changed = SMALL_CSV.replace("Pertanian Gandum", "Pertanian Gandum dan Jelai")

    result = kbli_load(path=write_csv(tmp_path, changed))

    assert result == KbliLoadResult(created=0, updated=1, unchanged=12)
    assert Kbli.objects.get(code="01112").title == "Pertanian Gandum dan Jelai"


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("01113,kelompk,Pertanian Kedelai", "Line 7: unknown level “kelompk”."),
        ("0111,kelompok,Pertanian Kedelai", "Line 7: code “0111” does not fit level kelompok."),
        ("01111,kelompok,Pertanian Jagung Lagi", "Line 7: code 01111 already appears on line 6."),
        ("01131,kelompok,Pertanian Sayuran", "Line 7: code 01131 has no parent 0113 in the file."),
        ("01113,kelompok,", "Line 7: the title must have 1 to 500 characters."),
        ("01113,kelompok", "Line 7: expected 3 columns (code,level,title), found 2."),
    ],
)
def test_bad_row_refuses_the_whole_file_naming_its_line(tmp_path, bad_line, message):
    lines = SMALL_CSV.splitlines()
    lines.insert(6, bad_line)

    messages = refusal(write_csv(tmp_path, "\n".join(lines) + "\n"))

    assert messages == [message]
    assert Kbli.objects.count() == 0


def test_bad_file_leaves_loaded_data_untouched(tmp_path):
    load_small(tmp_path)
    broken = SMALL_CSV.replace("Pertanian Gandum", "Pertanian Gandum dan Jelai") + "9,kelompok,X\n"

    messages = refusal(write_csv(tmp_path, broken))

    assert messages == ["Line 15: code “9” does not fit level kelompok."]
    assert Kbli.objects.get(code="01112").title == "Pertanian Gandum"
    assert Kbli.objects.count() == 13


def test_blank_lines_are_skipped(tmp_path):
    result = kbli_load(path=write_csv(tmp_path, SMALL_CSV.replace("\nB,", "\n\nB,") + "\n"))

    assert result == KbliLoadResult(created=13, updated=0, unchanged=0)


def test_division_before_any_kategori_is_refused(tmp_path):
    path = write_csv(tmp_path, "code,level,title\n01,golongan_pokok,Pertanian\n")

    assert refusal(path) == ["Line 2: code 01 comes before any kategori."]


def test_wrong_header_is_refused(tmp_path):
    path = write_csv(tmp_path, "kode,digit,judul\nA,kategori,Pertanian\n")

    assert refusal(path) == ["Line 1: the header must be code,level,title."]


def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "kbli.csv"
    path.write_bytes(b"code,level,title\nA,kategori,Pertanian \xff\n")

    assert refusal(path) == [f"{path} is not UTF-8 text."]


def test_missing_file_is_refused(tmp_path):
    path = tmp_path / "missing.csv"

    assert refusal(path) == [f"Cannot read {path}: No such file or directory"]


def test_many_bad_rows_are_reported_up_to_a_limit(tmp_path):
    bad_rows = "".join(f"{number:05d},kelompk,X\n" for number in range(30))

    messages = refusal(write_csv(tmp_path, "code,level,title\n" + bad_rows))

    assert len(messages) == 21
    assert messages[0] == "Line 2: unknown level “kelompk”."
    assert messages[-1] == "… and 10 more."


def test_load_kbli_command_reports_counts(tmp_path):
    out = io.StringIO()

    call_command("load_kbli", "--path", str(write_csv(tmp_path, SMALL_CSV)), stdout=out)

    assert out.getvalue() == (
        f"KBLI loaded from {tmp_path / 'kbli.csv'}: 13 created, 0 updated, 0 unchanged.\n"
    )


def test_load_kbli_command_defaults_to_the_setting(settings, tmp_path):
    settings.KBLI_CSV_PATH = str(write_csv(tmp_path, SMALL_CSV))

    call_command("load_kbli", stdout=io.StringIO())

    assert Kbli.objects.count() == 13


def test_load_kbli_command_turns_a_refusal_into_a_command_error(tmp_path):
    path = write_csv(tmp_path, SMALL_CSV + "01113,kelompk,X\n")

    with pytest.raises(CommandError) as caught:
        call_command("load_kbli", "--path", str(path))

    assert str(caught.value) == "Line 15: unknown level “kelompk”."
    assert Kbli.objects.count() == 0


def test_search_by_code_prefix_finds_kelompok_only_in_code_order():
    kbli_load(path=KBLI_CSV)

    codes = [kbli.code for kbli in kbli_search(query="0111")]

    assert codes == [f"0111{digit}" for digit in range(1, 10)]


def test_search_by_two_words_needs_both_in_any_case():
    kbli_load(path=KBLI_CSV)

    results = kbli_search(query="  pertanian JAGUNG ")

    assert [(kbli.code, kbli.title) for kbli in results] == [("01111", "Pertanian Jagung")]


def test_search_by_words_skips_higher_levels(tmp_path):
    load_small(tmp_path)

    codes = [kbli.code for kbli in kbli_search(query="batu bara")]

    assert codes == ["05100"]


def test_search_respects_the_limit(tmp_path):
    load_small(tmp_path)

    codes = [kbli.code for kbli in kbli_search(query="pertanian", limit=2)]

    assert codes == ["01111", "01112"]


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_search_finds_nothing(tmp_path, query):
    load_small(tmp_path)

    assert list(kbli_search(query=query)) == []


def test_search_with_like_wildcards_finds_nothing(tmp_path):
    load_small(tmp_path)

    assert list(kbli_search(query="%")) == []
    assert list(kbli_search(query="_")) == []


def test_search_ignores_control_characters(tmp_path):
    """A NUL byte in the query would make PostgreSQL refuse the whole query."""
    load_small(tmp_path)

    assert list(kbli_search(query="\x00")) == []
    assert [k.code for k in kbli_search(query="011\x00")] == [
        k.code for k in kbli_search(query="011")
    ]


def test_get_many_returns_only_existing_kelompok_codes(tmp_path):
    load_small(tmp_path)

    found = kbli_get_many(codes=["01111", "05100", "0111", "A", "99999", "1111"])

    assert found == {"01111", "05100"}


def test_the_default_file_is_the_table_shipped_in_the_project(settings):
    assert Path(str(settings.KBLI_CSV_PATH)) == KBLI_CSV
    assert KBLI_CSV.is_file()


def test_search_page_says_when_the_table_was_never_loaded(client, portal_a):
    response = client.get("/lpse-a/pendaftaran/kbli/", {"q": "konstruksi"})

    assert response.status_code == 200
    assert "has not been loaded on this portal yet" in response.text


def test_search_page_with_a_loaded_table_says_nothing_matches(client, portal_a, tmp_path):
    load_small(tmp_path)

    response = client.get("/lpse-a/pendaftaran/kbli/", {"q": "konstruksi"})

    assert "has not been loaded" not in response.text
    assert "No KBLI 2020 code matches" in response.text


def test_migrate_warns_while_the_table_is_empty():
    warnings = [m.id for m in run_checks(databases=["default"])]

    assert "reference.W001" in warnings


def test_no_warning_once_loaded(tmp_path):
    load_small(tmp_path)

    assert "reference.W001" not in [m.id for m in run_checks(databases=["default"])]
