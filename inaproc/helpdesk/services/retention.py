"""Retention of helpdesk tickets (UU PDP 27/2022): a ticket holds personal data (name,
email, NPWP, descriptions, screenshots), so it is deleted with its messages and attachment
files once it has been quiet for HELPDESK_TICKET_RETENTION_DAYS.

"Quiet" is measured from the ticket's last activity (`updated_at`, moved by every answer
and status change):
- a resolved ticket goes that long after it was resolved, or after the last message
  written on it since, if later;
- an open or waiting ticket with no activity for as long is abandoned and goes too:
  nobody is going to answer it, and its data would otherwise be kept forever;
- but each portal's newest ticket stays until a newer one exists (see below).
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.audit.services import audit_record
from inaproc.files.storage import document_delete
from inaproc.helpdesk.models import Ticket, TicketAttachment, TicketStatus
from inaproc.portals.models import Portal

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
PRUNED_VERB = "helpdesk.tickets_pruned"


@dataclass
class PortalPrune:
    """What went (or, in a dry run, would go) on one portal."""

    resolved: int = 0
    abandoned: int = 0
    files: int = 0

    @property
    def tickets(self) -> int:
        return self.resolved + self.abandoned


@dataclass
class PruneResult:
    cutoff: datetime
    portals: dict[str, PortalPrune] = field(default_factory=dict)

    @property
    def tickets(self) -> int:
        return sum(p.tickets for p in self.portals.values())


def tickets_past_retention(*, portal: Portal, cutoff: datetime) -> QuerySet[Ticket]:
    """`portal`'s tickets with no activity since `cutoff` (resolved or abandoned).
    `resolved_at` never comes after `updated_at`, so the last activity decides for both.

    The portal's newest ticket is kept until a newer one exists: the next number is the
    highest existing one plus one (`ticket_create`), so deleting it would hand its
    reference (quoted in emails and the audit log) to a stranger's ticket."""
    newest = Ticket.objects.filter(portal=portal).order_by("-number").values("number")[:1]
    return Ticket.objects.filter(portal=portal, updated_at__lt=cutoff).exclude(
        number=Subquery(newest)
    )


def tickets_prune(
    *, days: int, dry_run: bool = False, at: datetime | None = None, batch_size: int = BATCH_SIZE
) -> PruneResult:
    """Delete, portal by portal, the tickets past retention with their messages and
    attachments; returns the counts. Idempotent: a second run deletes nothing more.

    Each batch is its own transaction, audited as the system (counts only), so a large
    backlog never holds one long lock. Attachment files are removed after the batch
    commits: a crash in between leaves a stray file, never a row without its file."""
    if days < 1:
        raise ValidationError({"days": _("Keep at least one day.")})
    result = PruneResult(cutoff=(at or timezone.now()) - timedelta(days=days))
    for portal in Portal.objects.order_by("pk"):
        stale = tickets_past_retention(portal=portal, cutoff=result.cutoff)
        counts = _count(stale) if dry_run else _delete_in_batches(portal, stale, batch_size)
        if counts.tickets:
            result.portals[portal.slug] = counts
    return result


def _count(stale: QuerySet[Ticket]) -> PortalPrune:
    resolved = stale.filter(status=TicketStatus.RESOLVED).count()
    return PortalPrune(
        resolved=resolved,
        abandoned=stale.count() - resolved,
        files=TicketAttachment.objects.filter(ticket__in=stale).count(),
    )


def _delete_in_batches(portal: Portal, stale: QuerySet[Ticket], batch_size: int) -> PortalPrune:
    total = PortalPrune()
    while ids := list(stale.order_by("pk").values_list("pk", flat=True)[:batch_size]):
        batch = _batch_delete(portal, stale.filter(pk__in=ids))
        total.resolved += batch.resolved
        total.abandoned += batch.abandoned
        total.files += batch.files
    return total


def _batch_delete(portal: Portal, batch: QuerySet[Ticket]) -> PortalPrune:
    with transaction.atomic():
        # Locked and filtered again: a ticket answered since it was picked (its reply
        # holds the row) is no longer stale and stays.
        tickets = list(batch.select_for_update(of=("self",)).values_list("pk", "status"))
        ids = [pk for pk, _status in tickets]
        names = list(
            TicketAttachment.objects.filter(ticket_id__in=ids).values_list("stored_name", flat=True)
        )
        # Messages and attachment rows go with their ticket (on_delete=CASCADE).
        Ticket.objects.filter(pk__in=ids).delete()
        resolved = sum(1 for _pk, status in tickets if status == TicketStatus.RESOLVED)
        counts = PortalPrune(resolved=resolved, abandoned=len(ids) - resolved, files=len(names))
        if ids:
            audit_record(
                actor=None,
                verb=PRUNED_VERB,
                target=None,
                portal=portal,
                payload={"count": len(ids), "resolved": resolved, "files": len(names)},
            )
        transaction.on_commit(partial(_files_remove, names))
    return counts


def _files_remove(names: Iterable[str]) -> None:
    """Remove the files of deleted attachments; one that fails (a permission problem, say)
    is logged by its random stored name and the others still go."""
    for name in names:
        try:
            document_delete(name=name)
        except (OSError, ValueError):
            logger.exception("Could not remove ticket attachment file %s", name)
