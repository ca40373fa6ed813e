"""Vendor documents: checking an upload by its content and storing it out of reach.

`document_check` decides whether an upload is an acceptable PDF, JPEG or PNG from its bytes
(never its name or the browser's content type) while streaming it once; `document_store`
writes it under a random name in a storage that has no URL. Serving goes through an
access-checked view that calls `document_open`.
"""

import hashlib
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pypdf import PdfReader

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
FILE_PERMISSIONS = 0o640
DIRECTORY_PERMISSIONS = 0o750


class DocumentKind(models.TextChoices):
    NIB = "nib", _("NIB (business identification number)")
    NPWP_CARD = "npwp_card", _("NPWP card")
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    DEED_OF_ESTABLISHMENT = "deed_of_establishment", _("Deed of establishment")
    REPRESENTATIVE_ID = "representative_id", _("Representative's ID card")


# Errors of the registration services and a verifier's notes name a field by its name and
# a document type as `document:<kind>`.
DOCUMENT_KEY_PREFIX = "document:"


def document_key(kind: str) -> str:
    return f"{DOCUMENT_KEY_PREFIX}{kind}"


# Kinds a vendor may upload several files of (several licences; a deed and its amendments).
MULTIPLE_ALLOWED = frozenset({DocumentKind.BUSINESS_LICENCE, DocumentKind.DEED_OF_ESTABLISHMENT})

# Extension -> content type. The extension is ours, derived from the content, never the user's.
ALLOWED_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)
_HEAD_BYTES = max(len(magic) for magic, _extension in _MAGIC)
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG"}
_STORED_NAME = re.compile(r"\d+/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|jpeg|png)")

MESSAGES = {
    "empty": _("This file is empty."),
    "too_large": _("This file is larger than %(max)s MB."),
    "unsupported_type": _("Only PDF, JPEG or PNG files are accepted; this file is none of them."),
    "pdf_unreadable": _(
        "This PDF cannot be read; it may be damaged. Export it again and upload the new file."
    ),
    "pdf_encrypted": _(
        "This PDF is password-protected. Save a copy without a password and upload that."
    ),
    "pdf_no_pages": _("This PDF has no pages."),
    "image_unreadable": _(
        "This image cannot be read; it may be damaged. Save it again and upload the new file."
    ),
    "image_too_many_pixels": _(
        "This image has too many pixels. Scan it at a lower resolution and upload it again."
    ),
}


def _refuse(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str
    extension: str
    size: int
    sha256: str


@dataclass(frozen=True)
class StoredFile:
    name: str
    sha256: str
    size: int
    content_type: str


def document_max_bytes() -> int:
    return getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def document_check(upload: UploadedFile) -> CheckedDocument:
    """Accept a PDF, JPEG or PNG by its content, or raise ValidationError with a code.

    Reads the upload once in chunks (hashing and counting the real bytes), then lets pypdf or
    Pillow parse it from the file. Leaves the upload rewound."""
    try:
        size, sha256, head = _stream_measure(upload)
        extension = _sniff_type(head)
        upload.seek(0)
        if extension == "pdf":
            _check_pdf(upload)
        else:
            _check_image(upload, extension)
    finally:
        upload.seek(0)
    return CheckedDocument(
        content_type=ALLOWED_TYPES[extension], extension=extension, size=size, sha256=sha256
    )


def _stream_measure(upload: UploadedFile) -> tuple[int, str, bytes]:
    """Size, SHA-256 and first bytes, counted on the bytes actually read (`upload.size` is
    not trusted); stops reading as soon as the cap is passed."""
    max_bytes = document_max_bytes()
    hasher = hashlib.sha256()
    size = 0
    head = b""
    for chunk in upload.chunks():
        size += len(chunk)
        if size > max_bytes:
            raise _refuse("too_large", max=f"{max_bytes / (1024 * 1024):g}")
        if len(head) < _HEAD_BYTES:
            head += chunk[: _HEAD_BYTES - len(head)]
        hasher.update(chunk)
    if size == 0:
        raise _refuse("empty")
    return size, hasher.hexdigest(), head


def _sniff_type(head: bytes) -> str:
    for magic, extension in _MAGIC:
        if head.startswith(magic):
            return extension
    raise _refuse("unsupported_type")


def _check_pdf(upload: UploadedFile) -> None:
    # pypdf raises its own PyPdfError family but, on hostile input, also ValueError,
    # KeyError, TypeError, RecursionError and friends: any failure to parse is a refusal.
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise _refuse("pdf_encrypted")
        page_count = len(reader.pages)
    except ValidationError:
        raise
    except Exception as error:
        raise _refuse("pdf_unreadable") from error
    if page_count == 0:
        raise _refuse("pdf_no_pages")


def _check_image(upload: UploadedFile, extension: str) -> None:
    # Pillow reads only the header on open, so a pixel bomb is caught before any decoding:
    # above 2 x MAX_IMAGE_PIXELS open() raises DecompressionBombError; between 1x and 2x it
    # only warns, so the pixel count is checked here too.
    try:
        with Image.open(upload, formats=[_PILLOW_FORMATS[extension]]) as image:
            if image.width * image.height > (Image.MAX_IMAGE_PIXELS or float("inf")):
                raise _refuse("image_too_many_pixels")
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:
        raise _refuse("image_too_many_pixels") from error
    except Exception as error:
        raise _refuse("image_unreadable") from error


class DocumentStorage(FileSystemStorage):
    """A file system storage with no URL: documents are served only through a view that
    checks access (a plain FileSystemStorage with base_url=None falls back to MEDIA_URL)."""

    def url(self, name):
        raise NotImplementedError("Documents have no URL; serve them through an access check.")


def document_storage() -> DocumentStorage:
    default_root = os.path.join(str(settings.MEDIA_ROOT), "documents")
    return DocumentStorage(
        location=str(getattr(settings, "DOCUMENT_ROOT", default_root)),
        file_permissions_mode=FILE_PERMISSIONS,
        directory_permissions_mode=DIRECTORY_PERMISSIONS,
    )


class _HashingStream:
    """Feeds the storage the upload's chunks while hashing and counting them.

    It deliberately has no `temporary_file_path`: given a TemporaryUploadedFile, the storage
    would otherwise *move* the temporary file into place, and we could not tell whether the
    bytes it moved are the bytes `document_check` read. Streaming through this wrapper costs
    one copy of at most DOCUMENT_MAX_BYTES, and proves the stored bytes are the checked ones."""

    def __init__(self, upload: UploadedFile) -> None:
        self._upload = upload
        self.name = "document"
        self.hasher = hashlib.sha256()
        self.size = 0

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        for chunk in self._upload.chunks(chunk_size):
            self.size += len(chunk)
            self.hasher.update(chunk)
            yield chunk


def document_store(*, upload: UploadedFile, checked: CheckedDocument, portal_id: int) -> StoredFile:
    """Write a checked upload under `<portal_id>/<yyyy>/<mm>/<random>.<ext>`.

    The bytes are re-hashed while they are written; if they differ from what was checked
    (the upload changed, or it is not the upload that was checked) the file is removed and
    ValueError raised, so a stored file always matches its recorded SHA-256."""
    storage = document_storage()
    now = timezone.now()
    wanted = f"{int(portal_id)}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{checked.extension}"
    stream = _HashingStream(upload)
    try:
        name = storage.save(wanted, stream)
    except BaseException:
        storage.delete(wanted)  # a partly written file; the random name is ours alone
        raise
    finally:
        upload.seek(0)
    if stream.hasher.hexdigest() != checked.sha256 or stream.size != checked.size:
        storage.delete(name)
        raise ValueError("The upload's bytes differ from the checked document; not stored.")
    return StoredFile(
        name=name, sha256=checked.sha256, size=checked.size, content_type=checked.content_type
    )


def _valid_name(name: str) -> str:
    if not _STORED_NAME.fullmatch(name):
        raise ValueError(f"Not a stored document name: {name!r}")
    return name


def document_open(*, name: str) -> File:
    """Open a stored document for reading (binary). Call only after an access check."""
    return document_storage().open(_valid_name(name), "rb")


def document_delete(*, name: str) -> None:
    """Remove a stored document; removing one that is already gone is not an error."""
    document_storage().delete(_valid_name(name))
