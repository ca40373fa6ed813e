"""A test-only mount of the tus endpoint (`@pytest.mark.urls("tests.uploads.urls")`), so
the uploads app is tested without the bids app. `DemoPolicy`'s class attributes are the
knobs the tests turn (with monkeypatch)."""

import hashlib
import uuid

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls as project_urls
from inaproc.audit.services import audit_record
from inaproc.uploads.exceptions import UploadRejected
from inaproc.uploads.models import ResumableUpload
from inaproc.uploads.protocol import UploadPolicy, tus_endpoint
from inaproc.uploads.selectors import upload_open_completed
from inaproc.uploads.services import upload_consume

KiB = 1024


class DemoPolicy(UploadPolicy):
    purpose = "test"
    target = "demo/1"
    max_size = 512 * KiB
    chunk_max = 256 * KiB
    quota_bytes: int | None = 1024 * KiB
    closed: str | None = None  # a refusal message for `authorize`
    reject_with: str | None = None  # a rejection message for `on_complete`
    write_first = False  # `on_complete` writes a row (an audit event) before rejecting
    consume = True
    # What on_complete saw: (upload id, SHA-256 of the bytes, metadata).
    completed: list[tuple[uuid.UUID, str, dict]] = []

    def authorize(self, request: HttpRequest) -> str | None:
        return self.closed

    def validate_metadata(self, metadata: dict[str, str]) -> str | None:
        return None if "filename" in metadata else "filename is required"

    def on_complete(self, upload: ResumableUpload) -> None:
        with upload_open_completed(upload=upload) as stream:
            digest = hashlib.sha256(stream.read()).hexdigest()
        if self.write_first:
            audit_record(actor=None, verb="uploads.test_write", target=None, portal=upload.portal)
        if self.reject_with:
            raise UploadRejected(self.reject_with)
        DemoPolicy.completed.append((upload.pk, digest, upload.metadata))
        if self.consume:
            upload_consume(upload=upload)


def demo_upload(request: HttpRequest, upload_id: uuid.UUID | None = None) -> HttpResponse:
    return tus_endpoint(request, policy=DemoPolicy(), upload_id=upload_id)


# The project's URLs too: error pages and the layout link to them.
urlpatterns = [
    path("<slug:portal_slug>/unggah/", demo_upload, name="demo_upload_create"),
    path("<slug:portal_slug>/unggah/<uuid:upload_id>/", demo_upload, name="demo_upload"),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
