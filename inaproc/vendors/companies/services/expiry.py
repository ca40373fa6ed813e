"""Documents with an end date (licences): the company is warned by email once, 30 days
before the date (`warn_expiring_documents`, daily); the company page and the dashboard
show expiring and expired documents from `selectors.changes.documents_expiring`."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inaproc.audit.services import audit_record
from inaproc.notifications.services import email_send
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.vendors.companies.selectors.changes import EXPIRY_WARNING_DAYS
from inaproc.vendors.models import Document, RegistrationStatus


def _due(today: date, within_days: int):
    return Document.objects.filter(
        removed_at__isnull=True,
        valid_until__isnull=False,
        valid_until__lte=today + timedelta(days=within_days),
        expiry_warned_at__isnull=True,
        company__registration__status=RegistrationStatus.APPROVED,
    )


def expiring_documents_warn(
    *, today: date | None = None, within_days: int = EXPIRY_WARNING_DAYS
) -> int:
    """Email each company whose current documents end within `within_days` (or ended)
    and were not warned of yet: one email per company listing them; each document is
    marked and audited (actor: the system). Running it again sends nothing new. Returns
    how many documents were warned of."""
    today = today or timezone.localdate()
    company_ids = sorted(set(_due(today, within_days).values_list("company_id", flat=True)))
    warned = 0
    for company_id in company_ids:
        with transaction.atomic():
            documents = list(
                _due(today, within_days)
                .filter(company_id=company_id)
                .select_for_update(of=("self",))
                .select_related("company", "company__portal")
                .order_by("valid_until", "kind", "pk")
            )
            if documents:  # else another run warned of them meanwhile
                _warn(documents, today)
        warned += len(documents)
    return warned


def _warn(documents: list[Document], today: date) -> None:
    company = documents[0].company
    portal = company.portal
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(
        expiry_warned_at=timezone.now()
    )
    for document in documents:
        audit_record(
            actor=None,
            verb="document.expiry_warned",
            target=document,
            portal=portal,
            payload={
                "company": company.pk,
                "kind": document.kind,
                "valid_until": document.valid_until.isoformat(),
            },
        )
    email_send(
        to=company.email,
        portal=portal,
        template="vendors/email/documents_expiring",
        language=settings.LANGUAGE_CODE,
        context={
            "company_name": company.name,
            "documents": [
                {
                    "kind": document.get_kind_display(),
                    "name": document.original_name,
                    "valid_until": document.valid_until,
                    "expired": document.valid_until < today,
                }
                for document in documents
            ],
            "company_url": portal_absolute_url(portal, "vendors:company"),
            "change_url": portal_absolute_url(portal, "vendors:change_request"),
        },
    )
