"""Why an upload request is refused. Each carries the HTTP status the tus endpoint
answers with and a message safe to show to the user (the endpoint sends it as the
plain-text body, which the page's script shows)."""

from inaproc.core.exceptions import ApplicationError


class UploadError(ApplicationError):
    status = 400


class UploadRejected(UploadError):
    """Raised by a policy's `on_complete` when the finished upload is not acceptable (a
    hash that differs, a deadline passed): the upload is marked rejected, its file
    removed, and the PATCH that brought the last byte answers 422 with the message."""

    status = 422


class UploadTooLarge(UploadError):
    status = 413


class UploadOffsetMismatch(UploadError):
    status = 409


class UploadBusy(UploadError):
    """Another request is writing to (or deleting) the same upload."""

    status = 423


class UploadGone(UploadError):
    """Expired, rejected or otherwise finished: no more bytes are taken."""

    status = 410
