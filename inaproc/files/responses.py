"""Serving a stored file with safe headers: its checked content type, a download name
that matches it, `nosniff`, and a policy that lets nothing in the file act as a page of
the portal. Call `stored_file_response` only after an access check."""

import logging
import os
import re
import unicodedata
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase

from inaproc.files.models import StoredDocumentFields
from inaproc.files.storage import document_open

logger = logging.getLogger(__name__)

# The document's own policy, replacing the site's (CSPMiddleware leaves a response that
# already has the header alone): nothing may load or run, the document may be framed only
# by our own pages (the verifier's side-by-side preview), and `sandbox` puts it in an
# opaque origin without scripts, forms or plugins of its own, so a hostile file cannot act
# as a page of the portal. Checked with Chromium 156 (Playwright, headless): a PDF served
# with this exact header still renders in its built-in viewer, at the top level and in a
# same-origin <iframe>, so PDFs get the same `sandbox` as images. `img-src 'self'` and
# `style-src 'unsafe-inline'` are what the browsers' own image and PDF viewers need.
DOCUMENT_CSP = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"
)
# The extensions a file of each (checked) content type may be saved under.
EXTENSIONS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}
STREAM_BLOCK_BYTES = 64 * 1024
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._ ()\-]+")


def download_name(document: StoredDocumentFields) -> str:
    """The name the browser saves the file under: the uploader's name, with an extension
    that matches the checked content (a PNG named `x.pdf` is saved as `x.pdf.png`)."""
    name = document.original_name or "dokumen"
    allowed = EXTENSIONS.get(document.content_type, ())
    if allowed and not name.lower().endswith(allowed):
        name += allowed[0]
    return name


def ascii_fallback(name: str) -> str:
    """`name` for clients that ignore `filename*`: accents dropped, anything but letters,
    digits, dots, dashes, spaces and brackets replaced by `_`, spaces collapsed."""
    stem, extension = os.path.splitext(name)
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    plain = " ".join(_UNSAFE_ASCII.sub("_", plain).split()).strip(" ._") or "dokumen"
    return plain[:150] + _UNSAFE_ASCII.sub("_", extension)


def content_disposition(name: str, *, download: bool) -> str:
    disposition = "attachment" if download else "inline"
    fallback = ascii_fallback(name)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _headers(response: HttpResponseBase, document: StoredDocumentFields, *, download: bool) -> None:
    response["Content-Type"] = document.content_type
    response["Content-Disposition"] = content_disposition(
        download_name(document), download=download
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOCUMENT_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"


def stored_file_response(
    request: HttpRequest, document: StoredDocumentFields, *, download: bool
) -> HttpResponseBase:
    """A stored file (a document, or another app's file kept the same way) with the safe
    headers above: the headers only for HEAD, else the file. Http404 when the file cannot
    be read. Call only after an access check."""
    if request.method == "HEAD":
        response: HttpResponseBase = HttpResponse()
        _headers(response, document, download=download)
        response["Content-Length"] = str(document.size)
        return response
    try:
        file = document_open(name=document.stored_name)
    except (OSError, ValueError):
        logger.exception("%s %s has no readable file", type(document).__name__, document.pk)
        raise Http404 from None
    response = FileResponse(file, content_type=document.content_type)
    # Streamed in blocks of this size, never read whole: from the disk (or by the server's
    # sendfile) or off an object store's open GET response (files.objectstore).
    response.block_size = STREAM_BLOCK_BYTES
    if not response.has_header("Content-Length"):  # not seekable: the object's own size
        response["Content-Length"] = str(getattr(file, "size", document.size))
    _headers(response, document, download=download)
    return response
