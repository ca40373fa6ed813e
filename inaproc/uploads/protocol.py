"""The tus 1.0 server (https://tus.io/protocols/resumable-upload): core, creation,
creation-with-upload, expiration and termination; no checksum, no deferred length, no
concatenation.

`tus_endpoint` answers one request. The app that mounts it (e.g. sealed bids) writes two
small views, one for the creation URL and one for `<creation URL><uuid>/`, each calling
it with a policy of its own that says who may upload, how much and what happens with a
finished upload. The views keep Django's CSRF protection: the page's script sends the
token in the X-CSRFToken header on every request (docs/sealed-bids.md).

Every refusal is a 4xx with a plain-text message the page can show; nothing a client
sends leads to a 500."""

import base64
import binascii
import re
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _

from inaproc.uploads import services
from inaproc.uploads.exceptions import UploadError, UploadGone
from inaproc.uploads.models import ResumableUpload, UploadState
from inaproc.uploads.selectors import upload_for_owner

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,creation-with-upload,expiration,termination"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
METADATA_MAX_BYTES = 4096
METADATA_MAX_KEYS = 20
_DIGITS = re.compile(r"\d{1,19}")
_KEY = re.compile(r"[\x21-\x2b\x2d-\x7e]{1,64}")  # visible ASCII except ","
MiB = 1024 * 1024


class UploadPolicy:
    """What the mounting app decides; subclass it (usually one instance per request,
    built by the view with its own context, e.g. the tender and the slot).

    `purpose` and `target` are stored with each upload and must match on every later
    request, so an upload made for one slot cannot be continued through another."""

    purpose: str = ""
    target: str = ""
    max_size: int = 100 * MiB  # largest Upload-Length (Tus-Max-Size)
    chunk_max: int = 16 * MiB  # largest PATCH body
    quota_bytes: int | None = None  # per owner_key, over its receiving uploads

    def uploader_id(self, request: HttpRequest) -> int | None:
        """The id of the account uploading, None to refuse the request (403). By default
        the signed-in user; a policy that authorises requests by what they carry (a
        signed capability, without the session) says whose they are."""
        user = request.user
        return user.pk if user.is_authenticated else None

    def authorize(self, request: HttpRequest) -> str | None:
        """Called on every request before anything else (after `uploader_id`): a message
        to refuse with (403), or None."""
        return None

    def owner_key(self, request: HttpRequest) -> str:
        """Who the quota counts against (e.g. "company:42")."""
        return f"user:{request.user.pk}"

    def quota_used(self, request: HttpRequest) -> int | None:
        """The bytes announced by the owner's uploads still receiving (what
        `selectors.upload_quota_used` counts), if the policy read them already in this
        request (e.g. in its own check's query); None: the endpoint counts them."""
        return None

    def validate_metadata(self, metadata: dict[str, str]) -> str | None:
        """A message to refuse the creation with (400), or None."""
        return None

    def on_complete(self, upload: ResumableUpload) -> None:
        """The last byte arrived (inside the transaction that marks it complete). Read it
        with `selectors.upload_open_completed`, store it, `services.upload_consume` it;
        raise `exceptions.UploadRejected(message)` to refuse it: the transaction is then
        rolled back whole (what this wrote with it; there is no savepoint) and the
        upload written rejected in another. Do not catch a database error here.
        `upload.received_sha256` is the SHA-256 of its bytes when they all came in this
        request (else None)."""


def _tus(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    return response


def _refusal(status: int, message: str, **headers: str) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return _tus(response)


def tus_refusal(status: int, message: str) -> HttpResponse:
    """A refusal as the endpoint words its own, for the mounting view's checks."""
    return _refusal(status, message)


def _expires(upload: ResumableUpload) -> str:
    return http_date(upload.expires_at.timestamp())


def tus_endpoint(
    request: HttpRequest, *, policy: UploadPolicy, upload_id: uuid.UUID | None = None
) -> HttpResponse:
    """Answer one tus request: OPTIONS/POST on the creation URL (upload_id None),
    OPTIONS/HEAD/PATCH/DELETE on an upload's URL. POST with X-HTTP-Method-Override
    counts as the method it names."""
    method = request.method or ""
    override = request.headers.get("X-HTTP-Method-Override", "").upper()
    if method == "POST" and override in {"PATCH", "DELETE", "HEAD"}:
        method = override
    if getattr(request, "portal", None) is None:  # mounted outside a portal's URLs
        return _refusal(404, _("No such upload."))
    uploader_id = policy.uploader_id(request)
    if uploader_id is None:
        return _refusal(403, _("Sign in to upload."))
    refusal = policy.authorize(request)
    if refusal is not None:
        return _refusal(403, refusal)
    if method == "OPTIONS":
        return _options(policy)
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _refusal(412, _("Unsupported tus version."), Tus_Version=TUS_VERSION)
    try:
        return _dispatch(request, method, policy, uploader_id, upload_id)
    except UploadError as error:
        return _refusal(error.status, error.message)


def _options(policy: UploadPolicy) -> HttpResponse:
    response = _tus(HttpResponse(status=204))
    response["Tus-Version"] = TUS_VERSION
    response["Tus-Extension"] = TUS_EXTENSIONS
    response["Tus-Max-Size"] = str(policy.max_size)
    return response


def _dispatch(
    request: HttpRequest,
    method: str,
    policy: UploadPolicy,
    uploader_id: int,
    upload_id: uuid.UUID | None,
) -> HttpResponse:
    if upload_id is None:
        if method == "POST":
            return _create(request, policy, uploader_id)
        return _refusal(405, _("Method not allowed."), Allow="OPTIONS, POST")
    upload = upload_for_owner(
        portal=request.portal,  # type: ignore[attr-defined]
        owner_id=uploader_id,
        purpose=policy.purpose,
        target=policy.target,
        upload_id=upload_id,
    )
    if upload is None or upload.state == UploadState.TERMINATED:
        if method == "HEAD":
            return _tus(HttpResponse(status=404))
        return _refusal(404, _("No such upload."))
    if method == "HEAD":
        return _head(upload)
    if method == "PATCH":
        return _patch(request, upload, policy)
    if method == "DELETE":
        services.upload_terminate(upload=upload)
        return _tus(HttpResponse(status=204))
    return _refusal(405, _("Method not allowed."), Allow="OPTIONS, HEAD, PATCH, DELETE")


def _header_int(request: HttpRequest, name: str) -> int | None:
    value = request.headers.get(name, "")
    return int(value) if _DIGITS.fullmatch(value) else None


def _create(request: HttpRequest, policy: UploadPolicy, uploader_id: int) -> HttpResponse:
    if "Upload-Defer-Length" in request.headers:
        return _refusal(400, _("Uploads of unknown length are not supported."))
    length = _header_int(request, "Upload-Length")
    if length is None:
        return _refusal(400, _("Upload-Length is missing or invalid."))
    if length > policy.max_size:
        return _refusal(
            413,
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(policy.max_size)},
        )
    metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
    if metadata is None:
        return _refusal(400, _("Upload-Metadata is invalid."))
    refusal = policy.validate_metadata(metadata)
    if refusal is not None:
        return _refusal(400, refusal)
    # creation-with-upload: the POST may carry the first bytes (or all of a small file),
    # which saves the client a PATCH.
    count = 0
    if request.content_type == OFFSET_CONTENT_TYPE:
        count = _header_int(request, "Content-Length") or 0
        if count > min(length, policy.chunk_max):
            return _piece_too_large(min(length, policy.chunk_max))
    fields = {
        "portal": request.portal,  # type: ignore[attr-defined]
        "owner_id": uploader_id,
        "owner_key": policy.owner_key(request),
        "purpose": policy.purpose,
        "target": policy.target,
        "length": length,
        "metadata": metadata,
        "quota_bytes": policy.quota_bytes,
        "quota_used": policy.quota_used(request),
    }
    if count or length == 0:  # length 0: nothing to send, complete at once
        upload = services.upload_create_with_data(
            **fields, count=count, read=request.read, on_complete=policy.on_complete
        ).upload
    else:
        upload = services.upload_create(**fields)
    response = _tus(HttpResponse(status=201))
    response["Location"] = request.build_absolute_uri(f"{upload.pk}/")
    if count:
        response["Upload-Offset"] = str(upload.offset)
    if upload.state == UploadState.RECEIVING:
        response["Upload-Expires"] = _expires(upload)
    return response


def _head(upload: ResumableUpload) -> HttpResponse:
    if upload.state == UploadState.REJECTED:
        return _tus(HttpResponse(status=410))
    if upload.state == UploadState.RECEIVING and upload.expires_at <= timezone.now():
        return _tus(HttpResponse(status=410))
    response = _tus(HttpResponse(status=200))
    response["Upload-Offset"] = str(upload.offset)
    response["Upload-Length"] = str(upload.length)
    if upload.state == UploadState.RECEIVING:
        response["Upload-Expires"] = _expires(upload)
    response["Cache-Control"] = "no-store"
    return response


def _patch(request: HttpRequest, upload: ResumableUpload, policy: UploadPolicy) -> HttpResponse:
    if upload.state != UploadState.RECEIVING:
        raise UploadGone(upload.rejection or _("This upload is finished."))
    if request.content_type != OFFSET_CONTENT_TYPE:
        message = _("PATCH needs Content-Type %(type)s.") % {"type": OFFSET_CONTENT_TYPE}
        return _refusal(415, message)
    offset = _header_int(request, "Upload-Offset")
    if offset is None:
        return _refusal(400, _("Upload-Offset is missing or invalid."))
    count = _header_int(request, "Content-Length")
    if count is None:
        return _refusal(411, _("Content-Length is required."))
    if count > policy.chunk_max:
        return _piece_too_large(policy.chunk_max)
    received = services.upload_receive(
        upload=upload, at=offset, count=count, read=request.read, on_complete=policy.on_complete
    )
    if received.interrupted:
        return _refusal(400, _("The data ended early; resume the upload."))
    response = _tus(HttpResponse(status=204))
    response["Upload-Offset"] = str(received.upload.offset)
    if received.upload.state == UploadState.RECEIVING:
        response["Upload-Expires"] = _expires(received.upload)
    return response


def _piece_too_large(limit: int) -> HttpResponse:
    return _refusal(413, _("A piece may be at most %(limit)s.") % {"limit": filesizeformat(limit)})


def parse_metadata(header: str) -> dict[str, str] | None:
    """Upload-Metadata: comma-separated `key base64(value)` pairs (the value may be left
    out). None if malformed: a key not printable ASCII or repeated, a value not base64 of
    UTF-8, more than METADATA_MAX_KEYS pairs or METADATA_MAX_BYTES characters."""
    if len(header) > METADATA_MAX_BYTES:
        return None
    metadata: dict[str, Any] = {}
    if not header.strip():
        return metadata
    pairs = header.split(",")
    if len(pairs) > METADATA_MAX_KEYS:
        return None
    for pair in pairs:
        parts = pair.strip().split(" ")
        if len(parts) > 2 or not _KEY.fullmatch(parts[0]) or parts[0] in metadata:
            return None
        try:
            value = base64.b64decode(parts[1], validate=True) if len(parts) == 2 else b""
            metadata[parts[0]] = value.decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
    return metadata
