"""Publishing a tender with the approval of a quorum of its Pokja (or by its Pejabat
Pengadaan alone), and cancelling a published tender.

What must hold before anyone approves is `publication_blockers`; the sealed-bids issue
adds its own condition there (settings.PUBLICATION_BLOCKERS: the tender keys).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.tenders import stages
from inaproc.tenders.access import is_runner
from inaproc.tenders.models import (
    Package,
    PackageState,
    PublicationApproval,
    ScheduleStage,
    TenderDocument,
    TenderDocumentKind,
)
from inaproc.tenders.selectors.packages import award_letter_issued
from inaproc.tenders.selectors.pokja import pokja_active_members, pokja_quorum
from inaproc.tenders.services.locks import package_locked
from inaproc.tenders.services.participation_mail import email_participants, email_to
from inaproc.tenders.services.translog_events import log_cancelled, log_published

PUBLISHED_EMAIL = "tenders/email/published"
CANCELLED_EMAIL = "tenders/email/cancelled"
# The announcement may have begun a little before the quorum came together; a schedule
# whose first stage began longer ago than this has to be moved first.
LATE_START_TOLERANCE = timedelta(hours=24)


class PublicationRefused(ApplicationError):
    """The approval, publication or cancellation cannot happen; the message says why."""


def publication_blockers(package: Package, *, now: datetime | None = None) -> list[str]:
    """Why `package` cannot be approved for publication yet; empty when it can.

    - the schedule has a stage for every stage of its template;
    - at least one Dokumen Pemilihan is uploaded;
    - no stage has ended already, and the first began at most LATE_START_TOLERANCE ago
      (vendors would otherwise lose part of the announcement: move the schedule first).

    Higher apps add their own through settings.PUBLICATION_BLOCKERS (the sealed-bids app:
    the tender keys; docs/decisions/0010)."""
    now = now or timezone.now()
    blockers: list[str] = []
    template = stages.TEMPLATES.get(package.schedule_template) or stages.template_for(package)
    rows = list(ScheduleStage.objects.filter(package=package).order_by("position"))
    if template is None or sorted(row.key for row in rows) != sorted(template.keys()):
        blockers.append(_("The schedule is not complete: every stage needs a start and an end."))
    elif any(row.ends_at <= now for row in rows):
        blockers.append(_("A stage of the schedule has already ended: move the schedule first."))
    elif rows[0].starts_at < now - LATE_START_TOLERANCE:
        blockers.append(_("The first stage began more than a day ago: move the schedule first."))
    if not TenderDocument.objects.filter(
        package=package, kind=TenderDocumentKind.DOKUMEN_PEMILIHAN
    ).exists():
        blockers.append(_("No Dokumen Pemilihan has been uploaded."))
    for path in settings.PUBLICATION_BLOCKERS:
        blockers.extend(import_string(path)(package))
    return blockers


def approvals_needed(package: Package) -> int:
    """1 for a Pejabat Pengadaan; the Pokja's quorum otherwise."""
    return 1 if package.pokja is None else pokja_quorum(package.pokja)


def approvals_counted(package: Package) -> list[PublicationApproval]:
    """The approvals that count: of members still active and holding the Pokja role (or
    of the Pejabat Pengadaan)."""
    approvals = list(package.approvals.select_related("user"))
    if package.pokja is None:
        return [a for a in approvals if a.user_id == package.pejabat_pengadaan_id]
    active = {user.pk for user in pokja_active_members(package.pokja)}
    return [approval for approval in approvals if approval.user_id in active]


def publication_approve(
    *, package: Package, user: User, context: AuditContext | None = None
) -> bool:
    """`user` (a member of the package's Pokja, or its Pejabat Pengadaan) approves the
    publication; when the approvals that count reach the quorum the tender is published
    in the same transaction. Returns whether it was published now. The package row is
    locked, so approvals arriving together publish it exactly once."""
    with transaction.atomic():
        locked = package_locked(package.pk)
        _check_approvable(locked, user)
        try:
            with transaction.atomic():
                approval = PublicationApproval.objects.create(package=locked, user=user)
        except IntegrityError:
            raise PublicationRefused(_("You have already approved this publication.")) from None
        audit_record(
            actor=user,
            verb="tender.publication_approved",
            target=locked,
            portal=locked.portal,
            payload={"code": locked.code, "approval": approval.pk},
            context=context,
        )
        if len(approvals_counted(locked)) < approvals_needed(locked):
            return False
        _publish(locked, context=context)
    return True


def _check_approvable(package: Package, user: User) -> None:
    if package.state == PackageState.PUBLISHED:
        raise PublicationRefused(_("This tender is already published."))
    if package.state != PackageState.ASSIGNED or not is_runner(package=package, user=user):
        raise PublicationRefused(_("This package cannot be approved for publication."))
    if PublicationApproval.objects.filter(package=package, user=user).exists():
        raise PublicationRefused(_("You have already approved this publication."))
    blockers = publication_blockers(package)
    if blockers:
        raise PublicationRefused(" ".join(blockers))


def _publish(package: Package, *, context: AuditContext | None) -> None:
    package.publish(at=timezone.now())
    package.save()
    audit_record(
        actor=None,
        verb="tender.published",
        target=package,
        portal=package.portal,
        payload={
            "code": package.code,
            "approvals": [approval.user.get_username() for approval in approvals_counted(package)],
        },
        context=context,
    )
    log_published(package)  # transparency log (translog): public event, same transaction
    email_to(
        [package.ppk.email] if package.ppk.email else [],
        package=package,
        template=PUBLISHED_EMAIL,
        context={"approvals": approvals_counted(package), **_links(package)},
    )


def _links(package: Package) -> dict[str, str]:
    return {
        "staff_url": portal_absolute_url(
            package.portal, "tenders:publication", package_id=package.pk
        )
    }


def tender_cancel(
    *, package: Package, user: User, reason: str, context: AuditContext | None = None
) -> Package:
    """The runner cancels a published tender with a written reason; every participant
    is emailed."""
    reason = reason.strip()
    if not reason:
        raise PublicationRefused(_("Write the reason for cancelling."))
    with transaction.atomic():
        locked = package_locked(package.pk)
        if locked.state != PackageState.PUBLISHED:
            raise PublicationRefused(_("Only a published tender can be cancelled."))
        if not is_runner(package=locked, user=user):
            raise PublicationRefused(_("You cannot cancel this tender."))
        if award_letter_issued(locked):
            raise PublicationRefused(
                _(
                    "The award letter (SPPBJ) has been issued: the tender can no longer be "
                    "cancelled."
                )
            )
        locked.cancel(at=timezone.now(), reason=reason)
        locked.save()
        audit_record(
            actor=user,
            verb="tender.cancelled",
            target=locked,
            portal=locked.portal,
            payload={"code": locked.code},
            reason=reason,
            context=context,
        )
        log_cancelled(locked, reason)  # transparency log (translog)
        email_participants(package=locked, template=CANCELLED_EMAIL, context={"reason": reason})
    return locked
