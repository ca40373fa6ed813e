import hashlib
import io
import os
import stat
import tracemalloc
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import Image
from pypdf import PdfWriter

from inaproc.files.checks import ALLOWED_TYPES, CheckedDocument, document_check
from inaproc.files.storage import document_delete, document_open, document_storage, document_store
from inaproc.vendors.documents import MULTIPLE_ALLOWED, DocumentKind

# Messages are checked in English, the source language.
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path) -> Path:
    root = tmp_path / "documents"
    settings.DOCUMENT_ROOT = root
    settings.DOCUMENT_MAX_BYTES = 200_000
    return root


def pdf_bytes(*, password: str | None = None, attachment: bytes | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if attachment is not None:
        writer.add_attachment("padding.bin", attachment)
    if password is not None:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(image_format: str, size: tuple[int, int] = (20, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color=(200, 30, 30)).save(buffer, format=image_format)
    return buffer.getvalue()


def temporary_upload(name: str, content: bytes, content_type: str) -> TemporaryUploadedFile:
    upload = TemporaryUploadedFile(name, content_type, size=len(content), charset=None)
    upload.write(content)
    upload.flush()
    upload.seek(0)
    return upload


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def refusal_code(upload) -> str:
    with pytest.raises(ValidationError) as caught:
        document_check(upload)
    return caught.value.code


# --- kinds and types ---------------------------------------------------------------------


def test_kinds_and_which_allow_several_files():
    assert DocumentKind.values == [
        "nib",
        "npwp_card",
        "business_licence",
        "deed_of_establishment",
        "representative_id",
    ]
    assert sorted(MULTIPLE_ALLOWED) == ["business_licence", "deed_of_establishment"]
    assert ALLOWED_TYPES == {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


# --- accepted files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "extension", "content_type"),
    [
        (pdf_bytes(), "pdf", "application/pdf"),
        (image_bytes("JPEG"), "jpeg", "image/jpeg"),
        (image_bytes("PNG"), "png", "image/png"),
    ],
)
@pytest.mark.parametrize("make_upload", ["simple", "temporary"])
def test_real_pdf_jpeg_and_png_pass_with_type_from_content(
    content, extension, content_type, make_upload
):
    # Given a real file whose name and browser type say nothing useful
    if make_upload == "simple":
        upload = SimpleUploadedFile("scan.bin", content, content_type="application/octet-stream")
    else:
        upload = temporary_upload("scan.bin", content, "application/octet-stream")

    # When it is checked
    checked = document_check(upload)

    # Then the type comes from the bytes, and the hash and size are the real ones
    assert checked == CheckedDocument(
        content_type=content_type,
        extension=extension,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    assert upload.tell() == 0


class ReadSpy:
    """Wraps a real file and records the size of every read()."""

    def __init__(self, file) -> None:
        self._file = file
        self.read_sizes: list[int | None] = []

    def read(self, size=-1):
        self.read_sizes.append(size)
        return self._file.read(size)

    def __getattr__(self, name):
        return getattr(self._file, name)


@pytest.mark.parametrize(
    "content", [pdf_bytes(attachment=os.urandom(150_000)), image_bytes("PNG", (300, 300))]
)
def test_the_check_of_a_file_on_disk_reads_it_in_chunks_never_whole(content):
    # Given a large upload that Django spooled to a temporary file
    upload = temporary_upload("a.pdf", content, "application/pdf")
    spy = upload.file.file = ReadSpy(upload.file.file)

    # When it is checked
    document_check(upload)

    # Then no read asked for the whole file or for more than one chunk
    assert spy.read_sizes
    assert all(size is not None and 0 <= size <= 64 * 1024 for size in spy.read_sizes)


# --- refused files -----------------------------------------------------------------------


def test_an_exe_named_pdf_with_pdf_content_type_is_refused():
    upload = SimpleUploadedFile("nib.pdf", b"MZ\x90\x00" + b"\x00" * 500, "application/pdf")

    assert refusal_code(upload) == "unsupported_type"


@pytest.mark.parametrize(
    "content",
    [
        b"just some text, honestly a PNG",
        b"PK\x03\x04" + b"\x00" * 100,  # ZIP (also .docx, .xlsx)
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b" %PDF-1.7 with a leading space",
    ],
)
def test_anything_else_named_like_an_image_is_refused(content):
    upload = SimpleUploadedFile("ktp.png", content, content_type="image/png")

    assert refusal_code(upload) == "unsupported_type"


def test_the_unsupported_type_message_is_specific():
    upload = SimpleUploadedFile("ktp.png", b"hello", content_type="image/png")

    with pytest.raises(ValidationError) as caught:
        document_check(upload)

    assert caught.value.messages == [
        "Only PDF, JPEG or PNG files are accepted; this file is none of them."
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n" + os.urandom(2000),
        b"%PDF-1.7\n%%EOF",
        pdf_bytes()[:300],  # truncated
    ],
)
def test_a_pdf_that_does_not_parse_is_refused(content):
    upload = SimpleUploadedFile("akta.pdf", content, content_type="application/pdf")

    with pytest.raises(ValidationError) as caught:
        document_check(upload)

    assert caught.value.code == "pdf_unreadable"
    assert caught.value.messages == [
        "This PDF cannot be read; it may be damaged. Export it again and upload the new file."
    ]


def test_an_encrypted_pdf_is_refused():
    upload = SimpleUploadedFile("akta.pdf", pdf_bytes(password="rahasia"), "application/pdf")

    assert refusal_code(upload) == "pdf_encrypted"


def test_a_pdf_without_pages_is_refused():
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    upload = SimpleUploadedFile("akta.pdf", buffer.getvalue(), "application/pdf")

    assert refusal_code(upload) == "pdf_no_pages"


@pytest.mark.parametrize(
    "content", [image_bytes("PNG")[:40], b"\xff\xd8\xff" + b"\x00" * 200, b"\x89PNG\r\n\x1a\n"]
)
def test_a_broken_image_is_refused(content):
    upload = SimpleUploadedFile("ktp.png", content, content_type="image/png")

    assert refusal_code(upload) == "image_unreadable"


def test_an_empty_file_is_refused():
    assert refusal_code(SimpleUploadedFile("nib.pdf", b"", "application/pdf")) == "empty"


@pytest.mark.parametrize("make_upload", ["simple", "temporary"])
def test_an_oversized_file_is_refused_by_bytes_read_even_if_its_size_lies(settings, make_upload):
    # Given a file one byte over the cap that claims to be tiny
    content = pdf_bytes(attachment=os.urandom(settings.DOCUMENT_MAX_BYTES))
    assert len(content) > settings.DOCUMENT_MAX_BYTES
    if make_upload == "simple":
        upload = SimpleUploadedFile("nib.pdf", content, "application/pdf")
    else:
        upload = temporary_upload("nib.pdf", content, "application/pdf")
    upload.size = 10

    with pytest.raises(ValidationError) as caught:
        document_check(upload)

    assert caught.value.code == "too_large"
    assert caught.value.params == {"max": "0.190735"}


def test_a_file_exactly_at_the_cap_passes(settings):
    content = image_bytes("PNG")
    settings.DOCUMENT_MAX_BYTES = len(content)

    assert document_check(SimpleUploadedFile("a.png", content, "image/png")).size == len(content)


def test_the_size_message_names_the_cap_in_megabytes(settings):
    settings.DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    upload = SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf")

    with pytest.raises(ValidationError) as caught:
        document_check(upload)

    assert caught.value.messages == ["This file is larger than 10 MB."]


def test_a_png_decompression_bomb_is_refused(monkeypatch):
    # 64 x 64 pixels against a cap of 1000: over 2 x the cap, Pillow itself raises
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    upload = SimpleUploadedFile("ktp.png", image_bytes("PNG", (64, 64)), "image/png")

    assert refusal_code(upload) == "image_too_many_pixels"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_an_image_between_one_and_two_times_the_pixel_cap_is_refused_too(monkeypatch):
    # 40 x 40 = 1600 pixels against a cap of 1000: Pillow only warns; the check refuses
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    upload = SimpleUploadedFile("ktp.jpg", image_bytes("JPEG", (40, 40)), "image/jpeg")

    assert refusal_code(upload) == "image_too_many_pixels"


def test_a_failed_check_writes_nothing_and_rewinds(document_root):
    upload = temporary_upload("nib.pdf", b"MZ" + b"\x00" * 100, "application/pdf")

    refusal_code(upload)

    assert stored_files(document_root) == []
    assert upload.tell() == 0


def test_the_check_keeps_memory_flat_for_a_large_pdf_on_disk(settings):
    # Given a PDF of about 8 MB in a temporary file, as Django hands over large uploads
    settings.DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    upload = temporary_upload(
        "akta.pdf", pdf_bytes(attachment=os.urandom(8 * 1024 * 1024)), "application/pdf"
    )

    # When it is checked, the Python heap grows by far less than the file
    tracemalloc.start()
    try:
        document_check(upload)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 1024 * 1024


# --- storing -----------------------------------------------------------------------------


@pytest.mark.parametrize("make_upload", ["simple", "temporary"])
def test_a_stored_document_has_a_random_name_under_its_portal_and_the_same_bytes(
    document_root, make_upload
):
    content = pdf_bytes()
    make = SimpleUploadedFile if make_upload == "simple" else temporary_upload
    upload = make("PT Maju Jaya - NIB.pdf", content, "application/pdf")
    checked = document_check(upload)

    stored = document_store(upload=upload, checked=checked, portal_id=7)

    portal, year, month, file_name = stored.name.split("/")
    assert (portal, len(year), len(month)) == ("7", 4, 2)
    assert file_name.endswith(".pdf") and len(file_name) == 32 + len(".pdf")
    assert "Maju" not in stored.name and "NIB" not in stored.name
    assert (document_root / stored.name).read_bytes() == content
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert (stored.size, stored.content_type) == (len(content), "application/pdf")
    assert stat.S_IMODE((document_root / stored.name).stat().st_mode) == 0o640


def test_a_temporary_upload_is_copied_not_moved(document_root):
    upload = temporary_upload("a.png", image_bytes("PNG"), "image/png")

    document_store(upload=upload, checked=document_check(upload), portal_id=1)

    assert os.path.exists(upload.temporary_file_path())


def test_two_uploads_with_the_same_name_get_different_names(document_root):
    names = set()
    for _ in range(2):
        upload = SimpleUploadedFile("ktp.jpg", image_bytes("JPEG"), "image/jpeg")
        names.add(document_store(upload=upload, checked=document_check(upload), portal_id=3).name)

    assert len(names) == 2
    assert len(stored_files(document_root)) == 2


def test_storing_other_bytes_than_were_checked_is_refused_and_leaves_no_file(document_root):
    checked = document_check(SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png"))
    other = SimpleUploadedFile("a.png", image_bytes("PNG", (30, 30)), "image/png")

    with pytest.raises(ValueError, match="differ"):
        document_store(upload=other, checked=checked, portal_id=1)

    assert stored_files(document_root) == []


def test_stored_documents_have_no_url():
    with pytest.raises(NotImplementedError):
        document_storage().url("1/2025/01/" + "a" * 32 + ".pdf")


def test_open_and_delete_a_stored_document(document_root):
    content = image_bytes("PNG")
    upload = SimpleUploadedFile("a.png", content, "image/png")
    stored = document_store(upload=upload, checked=document_check(upload), portal_id=1)

    with document_open(name=stored.name) as opened:
        assert opened.read() == content
    document_delete(name=stored.name)
    document_delete(name=stored.name)  # already gone: no error

    assert stored_files(document_root) == []


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "1/2025/01/../../secret.pdf", "/etc/passwd", "1/x.pdf"]
)
def test_open_and_delete_accept_only_stored_document_names(name):
    with pytest.raises(ValueError, match="Not a stored document name"):
        document_open(name=name)
    with pytest.raises(ValueError, match="Not a stored document name"):
        document_delete(name=name)
