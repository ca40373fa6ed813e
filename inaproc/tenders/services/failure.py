"""A failed tender (tender gagal) and its repetition (tender ulang), TENDERS.md §4.

A published tender fails with a reason from `FailureReason`: the runners declare it with
the quorum that publishes a tender (each member approves once; the first approval
proposes the reason, the others confirm it; a Pejabat Pengadaan alone is the quorum), or
an upheld objection or appeal fails it at once (`tender_fail`, called by the objections
app with the decision that upheld it). Every participant is emailed; the failure is
audited and appended to the transparency log.

The PPK then repeats it: a new draft package copied from the failed one (fields,
locations, KBLI, the schedule template), `repeat_of` pointing back; shown as "Tender
Ulang". Documents are not copied: the new tender's Dokumen Pemilihan carries its own
code and schedule and is uploaded anew.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import Role, User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.tenders.access import is_runner
from inaproc.tenders.models import (
    FailureApproval,
    FailureReason,
    Package,
    PackageState,
)
from inaproc.tenders.rules import package_public_code
from inaproc.tenders.selectors.packages import award_letter_issued
from inaproc.tenders.selectors.pokja import pokja_active_members
from inaproc.tenders.services.locks import package_locked
from inaproc.tenders.services.packages import package_locations_set
from inaproc.tenders.services.participation_mail import email_participants
from inaproc.tenders.services.publication import approvals_needed
from inaproc.tenders.services.translog_events import log_failed

FAILED_EMAIL = "tenders/email/failed"
# Fields of a package that a repeat copies (the rest is the new tender's own).
COPIED_FIELDS = (
    "name",
    "description",
    "rup_code",
    "rup_name",
    "funding_source",
    "budget_year",
    "institution",
    "work_unit",
    "procurement_type",
    "selection_method",
    "qualification_method",
    "document_method",
    "evaluation_method",
    "contract_type",
    "business_qualification",
    "pagu",
    "hps",
    "qualification_requirements",
    "schedule_template",
)


class FailureRefused(ApplicationError):
    """The failure or the repeat cannot happen; the message says why."""


def _check_reason(reason: str, note: str) -> None:
    if reason not in FailureReason.values:
        raise FailureRefused(_("Choose the reason for the failure."))
    if reason == FailureReason.OTHER and not note:
        raise FailureRefused(_("Explain the other reason for the failure."))


def failure_approvals_counted(package: Package) -> list[FailureApproval]:
    """The approvals that count: of members still active and holding the Pokja role (or
    of the Pejabat Pengadaan)."""
    approvals = list(package.failure_approvals.select_related("user"))
    if package.pokja is None:
        return [a for a in approvals if a.user_id == package.pejabat_pengadaan_id]
    active = {user.pk for user in pokja_active_members(package.pokja)}
    return [approval for approval in approvals if approval.user_id in active]


def failure_proposal(package: Package) -> FailureApproval | None:
    """The first approval: the reason the others confirm."""
    return package.failure_approvals.order_by("approved_at", "pk").first()


def tender_failure_approve(
    *,
    package: Package,
    user: User,
    reason: str = "",
    note: str = "",
    context: AuditContext | None = None,
) -> bool:
    """A runner approves declaring the published tender failed. The first approval gives
    the reason (and a note, required for "other"); later ones confirm it. Returns whether
    the tender failed now (the quorum reached); approvals arriving together serialise on
    the package's lock, so it fails once."""
    note = note.strip()
    with transaction.atomic():
        locked = package_locked(package.pk)
        _check_failable(locked, user)
        proposal = failure_proposal(locked)
        if proposal is not None:
            reason, note = proposal.reason, proposal.note
        _check_reason(reason, note)
        try:
            with transaction.atomic():
                FailureApproval.objects.create(package=locked, user=user, reason=reason, note=note)
        except IntegrityError:
            raise FailureRefused(_("You have already approved the failure.")) from None
        audit_record(
            actor=user,
            verb="tender.failure_approved",
            target=locked,
            portal=locked.portal,
            payload={"code": locked.code, "reason": reason},
            reason=note,
            context=context,
        )
        if len(failure_approvals_counted(locked)) < approvals_needed(locked):
            return False
        _fail(locked, reason=reason, note=note, actor=None, context=context)
    return True


def _check_failable(package: Package, user: User) -> None:
    _check_state(package)
    if not is_runner(package=package, user=user):
        raise FailureRefused(_("You cannot declare this tender failed."))


def _check_state(package: Package) -> None:
    if package.state == PackageState.FAILED:
        raise FailureRefused(_("This tender has already failed."))
    if package.state != PackageState.PUBLISHED:
        raise FailureRefused(_("Only a published tender can fail."))
    if award_letter_issued(package):
        raise FailureRefused(
            _("The award letter (SPPBJ) has been issued: the tender can no longer fail.")
        )


def tender_fail(
    *,
    package: Package,
    reason: str,
    note: str,
    actor: User | None,
    context: AuditContext | None = None,
) -> Package:
    """Fail the published tender at once: the decision was taken elsewhere (an upheld
    objection answered by the Pokja, an appeal upheld by the budget holder). Called
    inside the caller's transaction or its own."""
    note = note.strip()
    _check_reason(reason, note)
    with transaction.atomic():
        locked = package_locked(package.pk)
        _check_state(locked)
        _fail(locked, reason=reason, note=note, actor=actor, context=context)
    return locked


def _fail(
    package: Package,
    *,
    reason: str,
    note: str,
    actor: User | None,
    context: AuditContext | None,
) -> None:
    package.fail(at=timezone.now(), reason=reason, note=note)
    package.save()
    audit_record(
        actor=actor,
        verb="tender.failed",
        target=package,
        portal=package.portal,
        payload={
            "code": package.code,
            "reason": reason,
            "approvals": [a.user.get_username() for a in failure_approvals_counted(package)],
        },
        reason=note,
        context=context,
    )
    log_failed(package)  # transparency log (translog): public event, same transaction
    email_participants(
        package=package,
        template=FAILED_EMAIL,
        context={"reason": FailureReason(reason).label, "note": note},
    )


def tender_repeat(*, package: Package, user: User, context: AuditContext | None = None) -> Package:
    """The PPK of a failed tender makes its repeat: a new draft package (a new code)
    copied from it, linked to it by `repeat_of`. One repeat per failed tender."""
    with transaction.atomic():
        locked = package_locked(package.pk)
        if locked.state != PackageState.FAILED:
            raise FailureRefused(_("Only a failed tender can be repeated."))
        if not (locked.ppk_id == user.pk and user.has_role(Role.PPK)):
            raise FailureRefused(_("Only the package's PPK can repeat the tender."))
        if locked.repeats.exists():
            raise FailureRefused(_("This tender has already been repeated."))
        repeat = Package(portal=locked.portal, ppk=user, repeat_of=locked)
        for name in COPIED_FIELDS:
            setattr(repeat, name, getattr(locked, name))
        repeat.save()
        repeat.code = package_public_code(package_pk=repeat.pk, portal_pk=locked.portal_id)
        repeat.save(update_fields=["code"])
        repeat.kbli.set(locked.kbli.all())
        package_locations_set(repeat, locked.locations.values_list("province", "city"))
        audit_record(
            actor=user,
            verb="tender.repeated",
            target=repeat,
            portal=locked.portal,
            payload={"code": repeat.code, "repeat_of": locked.code},
            context=context,
        )
    return repeat
