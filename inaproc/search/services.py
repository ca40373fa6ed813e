"""Writes of the national search: a vendor's saved searches and their email alerts.

A saved search belongs to a vendor account of one portal (accounts are per portal);
it matches tenders of every portal, as the national search does. Each new tender is
alerted of once per saved search (a unique row per pair, written in the same
transaction as the email), so the periodic run may repeat or overlap safely.
"""

from dataclasses import replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.notifications.services import email_send
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url, site_absolute_url
from inaproc.search.filters import SearchFilters
from inaproc.search.models import SAVED_SEARCH_LIMIT, SavedSearch, SavedSearchAlert
from inaproc.search.selectors import new_matches
from inaproc.tenders.links import public_tender_link
from inaproc.tenders.money import rupiah

# An alert email lists this many tenders; more are counted ("and 12 more").
ALERT_EMAIL_ROWS = 20


def saved_search_create(
    *,
    portal: Portal,
    user: Any,
    name: str,
    filters: SearchFilters,
    context: AuditContext | None = None,
    now: datetime | None = None,
) -> SavedSearch:
    """Keep `filters` under `name` for a vendor of `portal`; tenders published from now
    on that match it are emailed. Refused: an empty search, a name in use, too many."""
    name = " ".join(name.split())[:100]
    filters = replace(filters, sort="")
    if filters.is_empty():
        raise ApplicationError(_("Search for words or choose a filter before saving."))
    if not name:
        raise ApplicationError(_("Give the search a name."))
    with transaction.atomic():
        existing = SavedSearch.objects.select_for_update().filter(user=user)
        if len(existing) >= SAVED_SEARCH_LIMIT:
            raise ApplicationError(
                _("You already keep %(count)d searches: delete one first.")
                % {"count": SAVED_SEARCH_LIMIT}
            )
        if any(saved.name == name for saved in existing):
            raise ApplicationError(_("You already keep a search of that name."))
        try:
            with transaction.atomic():
                saved = SavedSearch.objects.create(
                    portal=portal,
                    user=user,
                    name=name,
                    filters=filters.to_json(),
                    alerts_since=now or timezone.now(),
                )
        except IntegrityError as error:  # the same name saved at the same moment
            raise ApplicationError(_("You already keep a search of that name.")) from error
        audit_record(
            actor=user,
            verb="search.saved_search_created",
            target=saved,
            portal=portal,
            payload={"name": name, "filters": saved.filters},
            context=context,
        )
    return saved


def saved_search_delete(
    *, saved: SavedSearch, actor: Any, context: AuditContext | None = None
) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="search.saved_search_deleted",
            target=saved,
            portal=saved.portal,
            payload={"name": saved.name, "filters": saved.filters},
            context=context,
        )
        saved.delete()


def saved_search_alert(*, saved_search_id: int, now: datetime | None = None) -> int:
    """Email the vendor of one saved search the tenders published since it was saved
    that it has not alerted of yet; returns how many tenders the email names (0: no
    email). Concurrent runs of the same search wait for each other (row lock)."""
    with transaction.atomic():
        saved = (
            SavedSearch.objects.select_for_update()
            .select_related("portal", "user")
            .filter(pk=saved_search_id)
            .first()
        )
        if saved is None or not saved.user.is_active or not saved.user.email:
            return 0
        packages = new_matches(saved, now=now)
        if not packages:
            return 0
        SavedSearchAlert.objects.bulk_create(
            SavedSearchAlert(saved_search=saved, package=package) for package in packages
        )
        _alert_email(saved, packages)
    return len(packages)


def _alert_email(saved: SavedSearch, packages: list) -> None:
    rows = [
        {
            "code": package.code,
            "name": package.name,
            "institution": package.institution,
            "portal_name": package.portal.name,
            "hps": rupiah(package.hps),
            "url": public_tender_link(package.portal, package.code),
        }
        for package in packages[:ALERT_EMAIL_ROWS]
    ]
    with translation.override(settings.LANGUAGE_CODE):
        email_send(
            to=saved.user.email,
            template="search/email/saved_search_alert",
            context={
                "saved": saved,
                "portal_name": saved.portal.name,
                "rows": rows,
                "more": max(0, len(packages) - ALERT_EMAIL_ROWS),
                "count": len(packages),
                "search_url": _search_link(saved),
                "manage_url": portal_absolute_url(saved.portal, "search:saved_list"),
            },
            portal=saved.portal,
        )


def _search_link(saved: SavedSearch) -> str:
    query = SearchFilters.from_json(saved.filters).query_string()
    return site_absolute_url(f"/?{query}")


def saved_search_alerts_send(*, now: datetime | None = None) -> int:
    """Run every saved search (the periodic task's work); returns how many tenders
    were emailed in all. Safe to run again at once: nothing is sent twice."""
    ids = SavedSearch.objects.order_by("pk").values_list("pk", flat=True)
    return sum(saved_search_alert(saved_search_id=pk, now=now) for pk in ids)
