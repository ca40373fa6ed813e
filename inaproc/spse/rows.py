"""SPSE's words and shapes: list rows as positional arrays of strings, the cells of
the evaluation table, the texts of the detail pages (SPSE-COMPAT.md). The words are
SPSE's own and the same in every language (like the stage names of tenders.stages):
readers match them."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import override

from inaproc.bids.selectors.public import PublicParticipant
from inaproc.core.identity import npwp_display
from inaproc.spse.selectors import EVALUATION_CODES, EvaluationRow, Kind, Mark
from inaproc.tenders.models import Package, PackageState
from inaproc.tenders.money import rupiah, rupiah_short
from inaproc.tenders.selectors.public import TenderRow
from inaproc.tenders.stages import Standing

REPEAT_LABEL = "Tender Ulang"
CANCELLED = {Kind.TENDER: "Tender Batal", Kind.NON_TENDER: "Paket Batal"}
NO_CONTRACT = "Nilai Kontrak belum dibuat"
# Cell 9 of a tender row: SPSE's version flag of the tender (SPSE 4's tenders are 3).
VERSION_FLAG = "3"
# Cells 11, 12, 13 of a tender row: reserved, as SPSE sends them.
RESERVED = ("1", "", "0")
EMPTY = "-"

# Money columns among EVALUATION_CODES: p (penawaran), pt, hn; the other numbers are scores.
PRICE_CODES = frozenset({3, 4, 5})
STAR = "star.gif"


def stage_text(package: Package, standing: Standing, kind: Kind) -> str:
    if package.state == PackageState.CANCELLED:
        return CANCELLED[kind]
    return standing.label


def name_html(package: Package) -> str:
    """The name, escaped, with SPSE's label spans (the only spans in it)."""
    name = escape(package.name)
    if package.repeat_of_id is not None:
        return f"{name} <span class='label label-warning'>{REPEAT_LABEL}</span>"
    return name


def contract_text(package: Package) -> str:
    """The contract cell: the recorded contract's value as the winner pages write it, or
    SPSE's note while there is none. `contract_value` is annotated by `spse_list`."""
    value = getattr(package, "contract_value", None)
    return rupiah(value) if value is not None else NO_CONTRACT


def tender_cells(row: TenderRow) -> list[str]:
    """The 14 cells of a `dt/lelang` row."""
    package = row.package
    with override("id"):
        return [
            str(package.code),
            name_html(package),
            package.institution,
            stage_text(package, row.standing, Kind.TENDER),
            rupiah_short(package.hps),
            f"{package.get_qualification_method_display()} {package.get_document_method_display()}",
            str(package.get_selection_method_display()),
            str(package.get_evaluation_method_display()),
            f"{package.get_procurement_type_display()} - TA {package.budget_year}",
            VERSION_FLAG,
            contract_text(package),
            *RESERVED,
        ]


def nontender_cells(row: TenderRow) -> list[str]:
    """The 9 cells of a `dt/pl` row."""
    package = row.package
    with override("id"):
        return [
            str(package.code),
            name_html(package),
            package.institution,
            stage_text(package, row.standing, Kind.NON_TENDER),
            rupiah_short(package.pagu),
            str(package.get_selection_method_display()),
            str(package.budget_year),
            str(package.get_procurement_type_display()),
            contract_text(package),
        ]


# What each code of EVALUATION_CODES stands for, in SPSE's words.
EVALUATION_TITLES = (
    "Evaluasi Administrasi",
    "Evaluasi Teknis",
    "Skor Teknis",
    "Penawaran",
    "Penawaran Terkoreksi",
    "Hasil Negosiasi",
    "Skor Harga",
    "Skor Akhir",
    "Pembuktian Kualifikasi",
    "Evaluasi Kualifikasi",
    "Skor Kualifikasi",
    "Skor Pembuktian",
    "Evaluasi Harga/Biaya",
    "Pemenang",
    "Pemenang Berkontrak",
)
EVALUATION_HEADER = tuple(zip(EVALUATION_CODES, EVALUATION_TITLES, strict=True))


def participant_cells(
    number: int, participant: PublicParticipant, *, corrected: Decimal | None = None
) -> list[str]:
    """No, Nama Peserta, NPWP, Harga Penawaran, Harga Terkoreksi (the evaluation's, once
    the winner is announced): one text each, `-` for an empty one (readers zip a row's
    text pieces with the header's)."""
    cells = [
        str(number),
        participant.name,
        npwp_display(participant.npwp) if participant.npwp else "",
        money(participant.offer_price),
        money(corrected),
    ]
    return [" ".join(cell.split()) or EMPTY for cell in cells]


def spse_date(value: datetime, *, with_time: bool) -> str:
    """`7 Desember 2026` or `7 Desember 2026 14:05`, in WIB (Asia/Jakarta)."""
    with override("id"):
        return formats.date_format(timezone.localtime(value), "j F Y H:i" if with_time else "j F Y")


def money(value: Decimal | None) -> str:
    return rupiah(value) if value is not None else EMPTY


@dataclass(frozen=True)
class Cell:
    """A cell of the evaluation table: its HTML and, for marks, the accessible name put
    on the `td` (nothing may follow the icon inside the cell)."""

    html: SafeString | str
    title: str = ""


MARK_TITLES = {
    Mark.PASSED: "Lulus",
    Mark.FAILED: "Gugur",
    Mark.NOT_EVALUATED: "Belum dievaluasi",
}


def _mark(mark: Mark) -> Cell:
    # `class` is the icon's last attribute: readers match `fa (fa-.*)">`.
    return Cell(format_html('<i class="fa {}"></i>', mark.value), MARK_TITLES[mark])


def _star(star_url: str) -> Cell:
    return Cell(format_html('<img alt="Pemenang" src="{}">', star_url), "Pemenang")


def evaluation_cells(row: EvaluationRow, *, star_url: str) -> list[Cell]:
    """The cells after No and Nama Peserta, one per code of EVALUATION_CODES: the
    values of `row.cells` for the first 13, then pemenang and pemenang berkontrak."""
    cells = []
    for index, value in enumerate(row.cells[: len(EVALUATION_CODES) - 2]):
        if isinstance(value, Mark):
            cells.append(_mark(value))
        elif value is None:
            cells.append(Cell(EMPTY))
        elif index in PRICE_CODES:
            cells.append(Cell(rupiah(value)))
        else:
            cells.append(Cell(f"{value:f}"))
    for flag in (row.winner, row.contracted):
        cells.append(_star(star_url) if flag else _mark(Mark.NOT_EVALUATED))
    return cells
