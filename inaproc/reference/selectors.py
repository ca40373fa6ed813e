"""Reads of the reference data: KBLI search and look-ups."""

import re
from collections.abc import Iterable

from django.db.models import QuerySet

from inaproc.reference.models import Kbli

# Bounds that keep one search a few cheap LIKE clauses, whatever is typed.
KBLI_QUERY_MAX_LENGTH = 100


KBLI_QUERY_MAX_WORDS = 8


KBLI_SEARCH_MAX_LIMIT = 100


_CODE_PREFIX = re.compile(r"[0-9]{1,5}", re.ASCII)


def kbli_search(*, query: str, limit: int = 20) -> QuerySet[Kbli]:
    """Kelompok (5-digit) codes for a vendor to pick from, ordered by code.

    Digits search by code prefix (`011` finds `01111`…); anything else searches the titles,
    every word having to appear (case-insensitively), so `pertanian jagung` finds `01111`.
    """
    # NUL and other control characters match no title, and PostgreSQL refuses NUL outright.
    printable = "".join(ch if ch.isprintable() else " " for ch in query[:KBLI_QUERY_MAX_LENGTH])
    words = printable.split()[:KBLI_QUERY_MAX_WORDS]
    if not words:
        return Kbli.objects.none()
    results = Kbli.objects.kelompok()
    if len(words) == 1 and _CODE_PREFIX.fullmatch(words[0]):
        results = results.filter(code__startswith=words[0])
    else:
        for word in words:
            results = results.filter(title__icontains=word)
    limit = max(0, min(limit, KBLI_SEARCH_MAX_LIMIT))
    return results.order_by("code")[:limit]


def kbli_get_many(*, codes: Iterable[str]) -> set[str]:
    """Those of `codes` that are kelompok codes, to check a vendor's chosen sectors."""
    return set(Kbli.objects.kelompok().filter(code__in=set(codes)).values_list("code", flat=True))


def kbli_is_loaded() -> bool:
    return Kbli.objects.exists()
