"""Documents on an S3-compatible object store (DOCUMENT_STORAGE=s3; docs/decisions/0016).

django-storages' `S3Storage` with these changes:

- no URL at all: `url()` raises, as `PrivateFileSystemStorage.url` does, so nothing can hand
  a browser a presigned link that bypasses the app's access checks; objects are written
  with a private ACL (`S3_OBJECT_ACL`, empty for stores that refuse ACLs);
- reads are streamed: `S3File` downloads the whole object into a spooled temporary file
  that stays in memory (AWS_S3_MAX_MEMORY_SIZE defaults to 0, "never roll over"), so
  `_open` instead returns `ObjectReader`, which reads the GET response's body in the
  caller's chunks;
- writes are bounded: uploads go through boto3's managed transfer (multipart above
  `PART_BYTES`), reading the source one part at a time; it holds a few parts of one
  upload in memory (the parts being sent, those read ahead and the slices it cuts them
  from: about PART_BYTES * (IN_MEMORY_PARTS + CONCURRENCY + 1), some 40 MiB), whatever
  the file's size (tests/files/test_objectstore.py measures it);
- a store that does not answer fails in seconds (timeouts, three attempts), and
  `exists()` tells a missing bucket (an error) from a missing object, for /readyz.

This module imports boto3; only the settings name it, so a disk deployment never loads it.
"""

import io
from typing import Any

from boto3.s3.transfer import TransferConfig  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]
from storages.utils import clean_name  # type: ignore[import-untyped]

MIB = 1024 * 1024
# S3's smallest part is 5 MiB; 8 MiB is boto3's default. A file up to PART_BYTES goes in
# one PUT (read into memory once, at most PART_BYTES); a larger one in parts.
PART_BYTES = 8 * MIB
IN_MEMORY_PARTS = 2
CONCURRENCY = 2
# A store that does not answer fails a request (and /readyz) in seconds, not botocore's
# default minute per attempt; transient errors are retried ("standard" mode).
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 30
ATTEMPTS = 3


def transfer_config() -> TransferConfig:
    config = TransferConfig(
        multipart_threshold=PART_BYTES,
        multipart_chunksize=PART_BYTES,
        max_concurrency=CONCURRENCY,
    )
    # s3transfer's own setting (boto3's constructor does not take it): the parts read
    # ahead of the ones being sent.
    config.max_in_memory_upload_chunks = IN_MEMORY_PARTS
    return config


class ObjectReader(io.RawIOBase):
    """A stored object read front to back from the open GET response: each `read(n)`
    takes at most n bytes off the wire. Not seekable and without a file descriptor, so
    `FileResponse` streams it in its blocks (and gunicorn does not try sendfile)."""

    def __init__(self, body: Any, *, size: int) -> None:
        # No `name`: FileResponse would take a name for a path on this machine's disk.
        super().__init__()
        self._body = body
        self.size = size

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        return self._body.read(None if size is None or size < 0 else size)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


class PrivateS3Storage(S3Storage):
    """The document storage on an S3-compatible store: private objects, no URLs,
    streamed reads, bounded writes. Its options come from the settings (STORAGES
    ["documents"]["OPTIONS"], read from the environment in config/settings/base.py)."""

    client_config: Any  # botocore's Config, made by S3Storage.__init__

    def get_default_settings(self) -> dict[str, Any]:
        defaults = super().get_default_settings()
        defaults.update(
            default_acl="private",
            querystring_auth=True,
            # Stored names are random (128 bits); not asking "does it exist?" before each
            # write saves a round trip. The migration command checks on its own.
            file_overwrite=True,
            transfer_config=transfer_config(),
        )
        return defaults

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self.client_config = self.client_config.merge(
            Config(
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                read_timeout=READ_TIMEOUT_SECONDS,
                retries={"max_attempts": ATTEMPTS, "mode": "standard"},
            )
        )

    def exists(self, name: str) -> bool:
        """Whether the object exists; a missing *bucket* is an error, not "no": a HEAD of
        an object answers 404 for both, and /readyz probes the storage with exists()."""
        if super().exists(name):
            return True
        self.connection.meta.client.head_bucket(Bucket=self.bucket_name)
        return False

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError("Stored files have no URL; serve them through an access check.")

    def _open(self, name: str, mode: str = "rb") -> ObjectReader:
        if mode not in ("r", "rb"):
            raise ValueError("Documents are written with save(), only ever opened to read.")
        key = self._normalize_name(clean_name(name))
        try:
            response = self.bucket.Object(key).get()
        except ClientError as error:
            if _is_missing(error):
                raise FileNotFoundError(f"No stored object {name!r}") from error
            raise
        return ObjectReader(response["Body"], size=response["ContentLength"])


def _is_missing(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in ("NoSuchKey", "404", "NotFound") or status == 404
