"""Logging filters and formatters named in settings.LOGGING."""

import logging
import re

from pythonjsonlogger.json import JsonFormatter

_OFFSET = re.compile(r"([+-]\d\d)(\d\d)$")


def _iso_offset(formatted: str) -> str:
    """`2026-12-07T10:15:02+0700` -> `2026-12-07T10:15:02+07:00`: ISO 8601's extended form,
    the one nginx's `$time_iso8601` writes, so that every log has one time style."""
    return _OFFSET.sub(r"\1:\2", formatted)


class PlainFormatter(logging.Formatter):
    """A line a person reads, its time in ISO 8601 with the offset as `+07:00`."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return _iso_offset(super().formatTime(record, datefmt))


class IsoJsonFormatter(JsonFormatter):
    """One JSON object per line, its time in ISO 8601 with the offset as `+07:00`."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return _iso_offset(super().formatTime(record, datefmt))


class WithoutTraceback(logging.Filter):
    """Drop the traceback of a record, keep its one line: for expected noise such as a
    request for a host name this server does not serve (`django.security.DisallowedHost`,
    every scanner on the internet sends them), whose traceback says nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


# The paths of emailed private links, whose token segments must not reach a log (the
# same segments as the nginx log format of docs/operations.md, section 8).
_PRIVATE_LINKS = (
    (
        re.compile(
            r"(/(?:undangan-staf|atur-ulang-kata-sandi|bukan-saya)/)[^/\s'\"?]+/[^/\s'\"?]+/?"
        ),
        r"\1-/-/",
    ),
    (
        re.compile(
            r"(/(?:pendaftaran/konfirmasi|perusahaan/email/konfirmasi|perusahaan/undangan)/)"
            r"[^/\s'\"?]+/?"
        ),
        r"\1-/",
    ),
    (
        re.compile(
            r"(/bantuan/tiket/)(?!(?:lihat|baru|terkirim|lampiran|\d+)(?:[/\s'\"?]|$))[^/\s'\"?]+/?"
        ),
        r"\1-/",
    ),
)
_QUERY = re.compile(r"\?[^\s'\"]*")


def private_links_masked(text: str) -> str:
    """`text` with the token segments of private links replaced by `-`."""
    for pattern, replacement in _PRIVATE_LINKS:
        text = pattern.sub(replacement, text)
    return text


class PrivateLinksMasked(logging.Filter):
    """Django logs the path of every 4xx/5xx request ("Not Found: /…") and a JSON line
    carries the request itself: mask private links' tokens in both, and drop the query
    string of the request (search terms, `next=`), before the line is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django."):
            record.msg = private_links_masked(record.getMessage())
            record.args = ()
            request = getattr(record, "request", None)
            if request is not None:
                record.request = private_links_masked(_QUERY.sub("", str(request)))
        return True
