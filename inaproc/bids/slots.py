"""The slots of a tender's bid and the envelope each belongs to (docs/sealed-bids.md,
"Slots"), fixed by the document method: a one-file tender seals everything to envelope 1;
a two-file (or two-stage) tender seals the price and the bid letter to envelope 2, opened
only after file I has been evaluated, so opening file I reveals no price."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inaproc.tenders.models.choices import DocumentMethod, QualificationMethod
from inaproc.tenders.stages import TEMPLATES, HasMethods, template_for

BID_LETTER = "surat_penawaran"
DEFAULT_MAX_FILE_MB = 100
MAX_FILE_MB_LIMIT = 2048
DEFAULT_EXTENSIONS = ("pdf", "zip", "xlsx", "xls", "docx", "doc", "jpg", "jpeg", "png")
# How many files one slot may hold (the bid letter: exactly one).
MAX_FILES_PER_SLOT = 20

# The stage in which each envelope is opened, per schedule template.
OPENING_STAGES: dict[int, tuple[str, ...]] = {
    1: ("pembukaan_penawaran", "pembukaan_evaluasi_file1", "evaluasi_negosiasi_pl"),
    2: ("pembukaan_evaluasi_file2",),
}


@dataclass(frozen=True)
class Slot:
    code: str
    envelope: int
    label: str | Promise
    help: str | Promise

    @property
    def is_letter(self) -> bool:
        return self.code == BID_LETTER

    @property
    def max_files(self) -> int:
        return 1 if self.is_letter else MAX_FILES_PER_SLOT


_LETTER_HELP = _("The offer price and validity, sealed like a file.")


def slots_for(package: HasMethods) -> tuple[Slot, ...]:
    """The slots of `package`'s bid, in the order the bid page shows them."""
    two_files = package.document_method in (DocumentMethod.DUA_FILE, DocumentMethod.DUA_TAHAP)
    qualification = (
        (
            Slot(
                "kualifikasi",
                1,
                _("Qualification documents"),
                _("Proof of the qualification requirements."),
            ),
        )
        if package.qualification_method == QualificationMethod.PASCAKUALIFIKASI
        else ()
    )
    if two_files:
        return (
            Slot(
                "file1",
                1,
                _("File I: administration and technical"),
                _("Administrative and technical documents."),
            ),
            *qualification,
            Slot("file2", 2, _("File II: price"), _("Price documents (bill of quantities).")),
            Slot(BID_LETTER, 2, _("Bid letter"), _LETTER_HELP),
        )
    return (
        Slot(
            "penawaran",
            1,
            _("Bid documents"),
            _("Administrative, technical and price documents."),
        ),
        *qualification,
        Slot(BID_LETTER, 1, _("Bid letter"), _LETTER_HELP),
    )


@dataclass
class _Methods:
    document_method: str
    qualification_method: str = QualificationMethod.PASCAKUALIFIKASI
    selection_method: str = "tender"


def _all_slots() -> dict[str, str | Promise]:
    labels: dict[str, str | Promise] = {}
    for document_method in (DocumentMethod.SATU_FILE, DocumentMethod.DUA_FILE):
        labels.update({slot.code: slot.label for slot in slots_for(_Methods(document_method))})
    return labels


# Every slot code with its name, for pages that show a receipt or an opening.
SLOT_LABELS = _all_slots()


def slot_of(package: HasMethods, code: str) -> Slot | None:
    return next((slot for slot in slots_for(package) if slot.code == code), None)


def envelopes_for(package: HasMethods) -> tuple[int, ...]:
    return tuple(sorted({slot.envelope for slot in slots_for(package)}))


def opening_stage_key(package: HasMethods, envelope: int) -> str | None:
    """The key of the schedule stage in which `envelope` is opened."""
    template = TEMPLATES.get(getattr(package, "schedule_template", "")) or template_for(package)
    if template is None:
        return None
    keys = [stage.key for stage in template.stages]
    return next((key for key in keys if key in OPENING_STAGES.get(envelope, ())), None)
