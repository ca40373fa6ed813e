"""The shared cache, used so that nothing breaks when it is down.

Every cache call of the application goes through these functions. A cache that fails
(Redis stopped, unreachable, out of memory) answers like an empty cache: reads miss,
writes are dropped, and the caller does the work itself (a page is rendered, a portal is
read from the database). The failure is logged once, when it starts, and once when the
cache answers again; in between, the cache is not asked at all for RETRY_SECONDS, so that
a cache that hangs until its socket timeout does not slow every request down.

Whether caching across requests is used at all is `settings.SHARED_CACHE`: true only
when every process that serves requests sees the same cache (Redis; or the local-memory
cache of a single-process development server). With several gunicorn workers and a
local-memory cache, invalidating an entry would reach only one of them, so nothing is
cached across requests there (docs/decisions/0014-public-page-cache.md). What nothing
invalidates, a value allowed to be some seconds old (a count that follows the clock), is
the exception: `cached_for` keeps it in the process's memory when there is no shared
cache, so that each worker computes it at most once per period.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

# After a failure the cache is left alone this long before it is tried again.
RETRY_SECONDS = 10.0


class _Health:
    """Per process: whether the cache failed, and when it may be tried again."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failing = False
        self.retry_at = 0.0

    def usable(self) -> bool:
        return not self.failing or time.monotonic() >= self.retry_at

    def failed(self, operation: str, error: Exception) -> None:
        with self.lock:
            first = not self.failing
            self.failing = True
            self.retry_at = time.monotonic() + RETRY_SECONDS
        if first:
            logger.error(
                "The cache failed (%s: %s: %s); pages are served without it until it answers.",
                operation,
                type(error).__name__,
                error,
            )

    def succeeded(self) -> None:
        if not self.failing:
            return
        with self.lock:
            recovered = self.failing
            self.failing = False
        if recovered:
            logger.warning("The cache answers again.")


health = _Health()


def cache_enabled() -> bool:
    """Whether to cache across requests at all (settings.SHARED_CACHE) and the cache is
    not known to be failing."""
    return bool(getattr(settings, "SHARED_CACHE", False)) and health.usable()


def cache_get_many(keys: Iterable[str]) -> dict[str, Any]:
    """The entries found, in one round trip; {} when caching is off or the cache fails."""
    if not cache_enabled():
        return {}
    try:
        found = cache.get_many(list(keys))
    except Exception as error:  # any failure of the cache means: no cache
        health.failed("get", error)
        return {}
    health.succeeded()
    return found


def cache_get(key: str) -> Any:
    return cache_get_many([key]).get(key)


def cache_set_many(entries: dict[str, Any], timeout: float | None, *, always: bool = False) -> None:
    """Store entries (timeout in seconds; None: until evicted or replaced). `always`: try
    even while the cache is known to fail (invalidations, which must not be skipped when
    the cache may have come back)."""
    if not entries or not (cache_enabled() or (always and settings.SHARED_CACHE)):
        return
    try:
        cache.set_many(entries, timeout)
    except Exception as error:
        health.failed("set", error)
        return
    health.succeeded()


def cache_set(key: str, value: Any, timeout: float | None) -> None:
    cache_set_many({key: value}, timeout)


def cache_delete_many(keys: Iterable[str]) -> None:
    if not cache_enabled():
        return
    try:
        cache.delete_many(list(keys))
    except Exception as error:
        health.failed("delete", error)
        return
    health.succeeded()


T = TypeVar("T")


class _ProcessMemo:
    """Per process: values computed here, each kept until its expiry. Keys are a few fixed
    names (no per-visitor key), so nothing is ever evicted but by expiry."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.entries: dict[str, tuple[float, Any]] = {}
        self.key_locks: dict[str, threading.Lock] = {}

    def _fresh(self, key: str) -> tuple[bool, Any]:
        entry = self.entries.get(key)
        if entry is not None and self.clock() < entry[0]:
            return True, entry[1]
        return False, None

    def get_or_compute(self, key: str, seconds: float, compute: Callable[[], T]) -> T:
        fresh, value = self._fresh(key)
        if fresh:
            return value
        with self.lock:
            key_lock = self.key_locks.setdefault(key, threading.Lock())
        # One thread computes; the others of the process wait for its value rather than
        # run the same query at the same time.
        with key_lock:
            fresh, value = self._fresh(key)
            if fresh:
                return value
            value = compute()
            self.entries[key] = (self.clock() + seconds, value)
            return value

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


process_memo = _ProcessMemo()


def cached_for(key: str, seconds: float, compute: Callable[[], T]) -> T:
    """`compute()`, at most `seconds` old, for values that nothing invalidates (a count
    that follows the clock may be this late). From the shared cache when caching across
    requests is on (one computation per period for the whole platform); without it, or
    while it fails, from this process's memory (one computation per period and worker).
    `compute` must not return None (None is a miss)."""
    if cache_enabled():
        value = cache_get(key)
        if value is not None:
            return value
        if cache_enabled():  # the read did not fail: the cache is there to keep it
            value = compute()
            cache_set(key, value, seconds)
            return value
    return process_memo.get_or_compute(key, seconds, compute)


def _cache_add(key: str, value: Any) -> None:
    try:
        cache.add(key, value, None)
    except Exception as error:
        health.failed("add", error)


# ---------------------------------------------------------------------------
# Versioned entries: invalidated all at once by a new version of their namespace
# ---------------------------------------------------------------------------

Versions = tuple[str | None, ...]


def _version_key(namespace: str) -> str:
    return f"version:{namespace}"


def versioned_get_many(keys: list[str], namespaces: list[str]) -> tuple[dict[str, Any], Versions]:
    """The entries of `keys` written under the current versions of `namespaces`, and
    those versions, to store new entries with (read them BEFORE reading the database:
    an entry made of data read before a change is then stored under the old version,
    and never served). One round trip."""
    version_keys = [_version_key(namespace) for namespace in namespaces]
    found = cache_get_many([*version_keys, *keys])
    if not found and not cache_enabled():
        return {}, tuple(None for _ in namespaces)
    versions = tuple(found.get(key) for key in version_keys)
    if None in versions:  # new, evicted or lost in a restart: start one (never overwrite)
        versions = tuple(
            version or _new_version(key)
            for key, version in zip(version_keys, versions, strict=True)
        )
        return {}, versions
    valid = {}
    for key in keys:
        entry = found.get(key)
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == versions:
            valid[key] = entry[1]
    return valid, versions


def _new_version(key: str) -> str:
    version = uuid.uuid4().hex
    _cache_add(key, version)
    return version


def versioned_set_many(entries: dict[str, Any], versions: Versions, timeout: float) -> None:
    if None in versions:
        return
    cache_set_many({key: (versions, value) for key, value in entries.items()}, timeout)


def versions_bump(*namespaces: str) -> None:
    """Invalidate every entry of these namespaces, once the current transaction commits
    (at once outside one): readers of the old data cannot store it under the new version."""

    def bump() -> None:
        cache_set_many(
            {_version_key(namespace): uuid.uuid4().hex for namespace in namespaces},
            None,
            always=True,
        )

    transaction.on_commit(bump)


def cache_ping() -> bool:
    """Whether the cache answers now (for /readyz): one write and one read, whatever
    SHARED_CACHE says and even while the cache is known to be failing."""
    key = f"inaproc:ping:{uuid.uuid4().hex}"
    try:
        cache.set(key, 1, timeout=10)
        answered = cache.get(key) == 1
        cache.delete(key)
    except Exception as error:  # noqa: BLE001 - any failure of the cache backend
        health.failed("ping", error)
        return False
    if answered:
        health.succeeded()
    return answered
