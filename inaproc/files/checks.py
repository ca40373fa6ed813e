"""Checking an uploaded file by its content: a PDF, JPEG or PNG, size-capped.

`document_check` decides from the bytes (never the name or the browser's content type)
while streaming the upload once. Storing is `files.storage`; serving, `files.responses`.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pypdf import PdfReader

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


# Extension -> content type. The extension is ours, derived from the content, never the user's.
ALLOWED_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)
_HEAD_BYTES = max(len(magic) for magic, _extension in _MAGIC)
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG"}

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
