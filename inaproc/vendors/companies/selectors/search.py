"""Finding a portal's approved companies by name or NPWP (officials inviting vendors to
a non-tender package)."""

import re
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from inaproc.portals.models import Portal
from inaproc.vendors.models import Company, RegistrationStatus

SEARCH_LIMIT = 20


def approved_companies(*, portal: Portal) -> QuerySet[Company]:
    """The companies of `portal` whose registration is approved."""
    return Company.objects.filter(portal=portal, registration__status=RegistrationStatus.APPROVED)


def approved_companies_search(
    *, portal: Portal, query: str, kbli_codes: Iterable[str] = (), limit: int = SEARCH_LIMIT
) -> list[Company]:
    """Approved companies of `portal` whose name contains `query` or whose NPWP contains
    its digits (at least three); with `kbli_codes`, only companies with one of those
    business sectors. An empty query finds nothing."""
    query = query.replace("\x00", "").strip()[:100]
    if not query:
        return []
    match = Q(name__icontains=query)
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 3:
        match |= Q(npwp__contains=digits)
    companies = approved_companies(portal=portal).filter(match)
    codes = list(kbli_codes)
    if codes:
        companies = companies.filter(sectors__code__in=codes)
    return list(companies.distinct().order_by("name", "pk")[:limit])
