"""The award letter (SPPBJ) as a PDF, in Indonesian whatever the reader's language (it
is an official letter), with reportlab's built-in Helvetica: no font is fetched."""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import getSampleStyleSheet  # type: ignore[import-untyped]
from reportlab.lib.units import cm  # type: ignore[import-untyped]
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table  # type: ignore[import-untyped]

from inaproc.tenders.money import rupiah

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


@dataclass(frozen=True)
class LetterContent:
    number: str
    letter_date: date
    package_code: int
    package_name: str
    institution: str
    work_unit: str
    winner_name: str
    winner_npwp: str
    winner_address: str
    price: Decimal
    ppk_name: str


def indonesian_date(day: date) -> str:
    """`7 Desember 2026`."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def award_letter_pdf(content: LetterContent) -> bytes:
    """The letter's bytes (one A4 page)."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2.5 * cm,
        bottomMargin=2.5 * cm,
        title=f"SPPBJ {content.number}",
        author=content.ppk_name,
        lang="id",
    )
    styles = getSampleStyleSheet()
    body, title = styles["BodyText"], styles["Title"]

    def text(value: str) -> Paragraph:
        return Paragraph(escape(value), body)

    rows = [
        ("Nomor", content.number),
        ("Tanggal", indonesian_date(content.letter_date)),
        ("Kode Tender", str(content.package_code)),
        ("Nama Paket", content.package_name),
        ("K/L/PD", content.institution),
        ("Satuan Kerja", content.work_unit),
    ]
    winner = [
        ("Nama Penyedia", content.winner_name),
        ("NPWP", content.winner_npwp),
        ("Alamat", content.winner_address or "-"),
        ("Harga", rupiah(content.price)),
    ]
    story = [
        Paragraph("SURAT PENUNJUKAN PENYEDIA BARANG/JASA (SPPBJ)", title),
        Table([(label, text(value)) for label, value in rows], colWidths=[4 * cm, 12 * cm]),
        Spacer(1, 0.5 * cm),
        text(
            "Dengan ini kami beritahukan bahwa penawaran Saudara untuk paket tersebut di atas "
            "dengan nilai penawaran setelah koreksi aritmatik/negosiasi sebagaimana di bawah "
            "ini kami nyatakan diterima, dan Saudara ditunjuk sebagai penyedia:"
        ),
        Spacer(1, 0.3 * cm),
        Table([(label, text(value)) for label, value in winner], colWidths=[4 * cm, 12 * cm]),
        Spacer(1, 0.5 * cm),
        text(
            "Saudara diminta untuk menandatangani kontrak sesuai ketentuan dalam Dokumen "
            "Pemilihan. Kegagalan Saudara untuk menerima penunjukan ini dapat dikenakan sanksi "
            "sesuai ketentuan peraturan perundang-undangan."
        ),
        Spacer(1, 1 * cm),
        text(f"{content.work_unit}, {indonesian_date(content.letter_date)}"),
        text("Pejabat Pembuat Komitmen (PPK)"),
        Spacer(1, 1.5 * cm),
        text(content.ppk_name),
    ]
    document.build(story)
    return buffer.getvalue()
