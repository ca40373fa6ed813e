"""SPSE's stages and the schedule templates made of them (TENDERS.md §3), and where a
tender stands on its schedule at a given moment.

Stage names are SPSE's own words, the same in every language (users and existing tools
recognise them by name), like the province names. A template is chosen from a package's
methods; adding one is adding a `ScheduleTemplate` to `TEMPLATES`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inaproc.tenders.models.choices import (
    NON_TENDER_METHODS,
    DocumentMethod,
    QualificationMethod,
)

# Keys with a meaning of their own elsewhere.
BID_UPLOAD = "upload_penawaran"
CLARIFICATION = "pemberian_penjelasan"

STAGE_NAMES: dict[str, str] = {
    "pengumuman_pasca": "Pengumuman Pascakualifikasi",
    "pengumuman_pra": "Pengumuman Prakualifikasi",
    "pengumuman_pl": "Pengumuman Pengadaan Langsung",
    "download_dokumen_kualifikasi": "Download Dokumen Kualifikasi",
    "penjelasan_prakualifikasi": "Penjelasan Dokumen Prakualifikasi",
    "kirim_kualifikasi": "Kirim Persyaratan Kualifikasi",
    "evaluasi_kualifikasi": "Evaluasi Dokumen Kualifikasi",
    "pembuktian_kualifikasi": "Pembuktian Kualifikasi",
    "penetapan_hasil_kualifikasi": "Penetapan Hasil Kualifikasi",
    "pengumuman_hasil_prakualifikasi": "Pengumuman Hasil Prakualifikasi",
    "sanggah_prakualifikasi": "Masa Sanggah Prakualifikasi",
    "download_dokumen_pemilihan": "Download Dokumen Pemilihan",
    CLARIFICATION: "Pemberian Penjelasan",
    BID_UPLOAD: "Upload Dokumen Penawaran",
    "pembukaan_penawaran": "Pembukaan Dokumen Penawaran",
    "evaluasi_penawaran": "Evaluasi Administrasi, Kualifikasi, Teknis, dan Harga",
    "pembukaan_evaluasi_file1": "Pembukaan dan Evaluasi Penawaran File I: Administrasi dan Teknis",
    "pengumuman_hasil_file1": "Pengumuman Hasil Evaluasi Administrasi dan Teknis",
    "pembukaan_evaluasi_file2": "Pembukaan dan Evaluasi Penawaran File II: Harga",
    "evaluasi_negosiasi_pl": "Pembukaan, Evaluasi, Klarifikasi dan Negosiasi",
    "penetapan_pemenang": "Penetapan Pemenang",
    "pengumuman_pemenang": "Pengumuman Pemenang",
    "masa_sanggah": "Masa Sanggah",
    "klarifikasi_negosiasi": "Klarifikasi dan Negosiasi Teknis dan Biaya",
    "sppbj": "Surat Penunjukan Penyedia Barang/Jasa",
    "penandatanganan_kontrak": "Penandatanganan Kontrak",
}

# SPSE's words for a tender before its first stage and after its last.
NOT_STARTED = "Belum Dimulai"
FINISHED = "Tender Sudah Selesai"


@dataclass(frozen=True)
class TemplateStage:
    key: str
    # False: the stage may run alongside the one before it (it may not start before it);
    # True: it starts only once the one before it has ended (SPSE forbids the overlap,
    # e.g. opening bids while they can still be uploaded).
    after_previous_ends: bool = False

    @property
    def name(self) -> str:
        return STAGE_NAMES[self.key]


@dataclass(frozen=True)
class ScheduleTemplate:
    key: str
    name: str | Promise
    stages: tuple[TemplateStage, ...]

    def keys(self) -> list[str]:
        return [stage.key for stage in self.stages]


def _stages(*spec: str) -> tuple[TemplateStage, ...]:
    """Stage keys in order; a leading ">" marks one that starts after the previous ends."""
    return tuple(
        TemplateStage(key.lstrip(">"), after_previous_ends=key.startswith(">")) for key in spec
    )


PASCA_SATU_FILE = ScheduleTemplate(
    "pasca_satu_file",
    _("Pascakualifikasi Satu File"),
    _stages(
        "pengumuman_pasca",
        "download_dokumen_pemilihan",
        CLARIFICATION,
        BID_UPLOAD,
        ">pembukaan_penawaran",
        "evaluasi_penawaran",
        "pembuktian_kualifikasi",
        "penetapan_pemenang",
        ">pengumuman_pemenang",
        "masa_sanggah",
        ">sppbj",
        "penandatanganan_kontrak",
    ),
)

PRA_DUA_FILE = ScheduleTemplate(
    "pra_dua_file",
    _("Prakualifikasi Dua File"),
    _stages(
        "pengumuman_pra",
        "download_dokumen_kualifikasi",
        "penjelasan_prakualifikasi",
        "kirim_kualifikasi",
        ">evaluasi_kualifikasi",
        "pembuktian_kualifikasi",
        "penetapan_hasil_kualifikasi",
        ">pengumuman_hasil_prakualifikasi",
        "sanggah_prakualifikasi",
        ">download_dokumen_pemilihan",
        CLARIFICATION,
        BID_UPLOAD,
        ">pembukaan_evaluasi_file1",
        ">pengumuman_hasil_file1",
        ">pembukaan_evaluasi_file2",
        ">penetapan_pemenang",
        ">pengumuman_pemenang",
        "masa_sanggah",
        ">klarifikasi_negosiasi",
        ">sppbj",
        "penandatanganan_kontrak",
    ),
)

PENGADAAN_LANGSUNG = ScheduleTemplate(
    "pengadaan_langsung",
    _("Pengadaan Langsung"),
    _stages(
        "pengumuman_pl",
        CLARIFICATION,
        BID_UPLOAD,
        ">evaluasi_negosiasi_pl",
        ">sppbj",
        "penandatanganan_kontrak",
    ),
)

TEMPLATES: dict[str, ScheduleTemplate] = {
    template.key: template for template in (PASCA_SATU_FILE, PRA_DUA_FILE, PENGADAAN_LANGSUNG)
}


class HasMethods(Protocol):
    selection_method: str
    qualification_method: str
    document_method: str


def template_for(package: HasMethods) -> ScheduleTemplate | None:
    """The template for a package's methods; None when no template fits them yet."""
    if package.selection_method in NON_TENDER_METHODS:
        return PENGADAAN_LANGSUNG
    methods = (package.qualification_method, package.document_method)
    if methods == (QualificationMethod.PASCAKUALIFIKASI, DocumentMethod.SATU_FILE):
        return PASCA_SATU_FILE
    if methods == (QualificationMethod.PRAKUALIFIKASI, DocumentMethod.DUA_FILE):
        return PRA_DUA_FILE
    return None


def stage_name(key: str) -> str:
    return STAGE_NAMES.get(key, key)


class TimedStage(Protocol):
    position: int
    key: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Standing:
    """Where a schedule stands at a moment: the stages running (in order), the next one
    to start, and whether it is over."""

    running: tuple[TimedStage, ...]
    upcoming: TimedStage | None
    finished: bool
    last_begun: TimedStage | None = None

    @property
    def current(self) -> TimedStage | None:
        """The stage to show as "the" current one: the last running (SPSE's choice)."""
        return self.running[-1] if self.running else None

    @property
    def label(self) -> str:
        """The running stage's name; between two stages, the last one that began; before
        the first, SPSE's "Belum Dimulai"; after the last, "Tender Sudah Selesai"."""
        if self.current is not None:
            return stage_name(self.current.key)
        if self.finished:
            return FINISHED
        return stage_name(self.last_begun.key) if self.last_begun else NOT_STARTED

    def is_running(self, key: str) -> bool:
        return any(stage.key == key for stage in self.running)


def standing_at(stages: Iterable[TimedStage], now: datetime) -> Standing:
    """Computed from the schedule and the clock; nothing stores it."""
    ordered: Sequence[TimedStage] = sorted(stages, key=lambda stage: stage.position)
    running = tuple(stage for stage in ordered if stage.starts_at <= now < stage.ends_at)
    future = [stage for stage in ordered if stage.starts_at > now]
    upcoming = min(future, key=lambda stage: stage.starts_at) if future else None
    finished = bool(ordered) and all(stage.ends_at <= now for stage in ordered)
    begun = [stage for stage in ordered if stage.starts_at <= now]
    last_begun = max(begun, key=lambda stage: stage.starts_at) if begun else None
    return Standing(running=running, upcoming=upcoming, finished=finished, last_begun=last_begun)
