"""Filing an objection (sanggah) and the Pokja's answer.

A participant whose company submitted a bid files one objection while Masa Sanggah runs:
reasons and attachments checked like every document (`files`). The Pokja (any member
holding the role, or the Pejabat Pengadaan) answers each once: accepted or rejected,
with reasons; an accepted objection sends the tender back to evaluation or fails it, as
the answer chooses. Each step is audited; the answer is logged and emailed.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.files.services import CheckedUpload, files_remove, files_store
from inaproc.objections.models import Decision, Objection, ObjectionAttachment, Outcome
from inaproc.objections.selectors import filing_open, has_submitted_bid, may_act
from inaproc.objections.services.effects import (
    email_company,
    email_runners,
    log_decision,
    upheld_apply,
)
from inaproc.tenders.access import is_runner
from inaproc.tenders.models import PackageState, Participation
from inaproc.tenders.services.locks import package_locked
from inaproc.vendors.models import CompanyMember

ATTACHMENT_KIND = "objection"
MAX_ATTACHMENTS = 5
FILED_EMAIL = "objections/email/filed"
ANSWERED_EMAIL = "objections/email/answered"


class ObjectionRefused(ApplicationError):
    """The objection or its answer cannot be accepted; the message says why."""


def objection_file(
    *,
    participation: Participation,
    member: CompanyMember,
    reasons: str,
    uploads: list[CheckedUpload],
    context: AuditContext | None = None,
) -> Objection:
    """The participant's one objection, during Masa Sanggah."""
    reasons = reasons.strip()
    if not reasons:
        raise ObjectionRefused(_("Write the reasons for your objection."))
    if len(uploads) > MAX_ATTACHMENTS:
        raise ObjectionRefused(_("Attach at most %(count)d files.") % {"count": MAX_ATTACHMENTS})
    if member.company_id != participation.company_id or not may_act(member):
        raise ObjectionRefused(
            _("Only the company's administrator or a bid preparer can file an objection.")
        )
    written = files_store(items=uploads, portal=member.company.portal)
    try:
        with transaction.atomic():
            return _objection_write(participation, member, reasons, written, context)
    except BaseException:
        files_remove(names=[fields["stored_name"] for fields in written])
        raise


def _objection_write(
    participation: Participation,
    member: CompanyMember,
    reasons: str,
    written: list[dict],
    context: AuditContext | None,
) -> Objection:
    package = package_locked(participation.package_id, with_stages=True)
    if not filing_open(package, now=timezone.now()):
        raise ObjectionRefused(_("Objections can only be filed during Masa Sanggah."))
    if not has_submitted_bid(participation):
        raise ObjectionRefused(
            _("Only a participant that submitted a bid in this tender can file an objection.")
        )
    if Objection.objects.filter(participation=participation).exists():
        raise ObjectionRefused(_("Your company has already filed its objection."))
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                package=package, participation=participation, filed_by=member.user, reasons=reasons
            )
    except IntegrityError:  # a second filing at the same moment
        raise ObjectionRefused(_("Your company has already filed its objection.")) from None
    for fields in written:
        ObjectionAttachment.objects.create(objection=objection, **fields)
    audit_record(
        actor=member.user,
        verb="tender.objection_filed",
        target=package,
        portal=package.portal,
        payload={"code": package.code, "objection": objection.pk, "files": len(written)},
        context=context,
    )
    email_runners(package=package, template=FILED_EMAIL, context={"company": participation.company})
    return objection


def objection_number(objection: Objection) -> int:
    """The objection's number in its tender (1, 2, …), as the public page shows it."""
    return Objection.objects.filter(package_id=objection.package_id, pk__lte=objection.pk).count()


def objection_answer(
    *,
    objection: Objection,
    user: User,
    decision: str,
    answer: str,
    outcome: str = "",
    context: AuditContext | None = None,
) -> Objection:
    """The Pokja's one answer. Accepted: `outcome` says whether the tender goes back to
    evaluation or fails. Two members answering at once: the objection's row lock lets the
    first in, the second is refused."""
    answer = answer.strip()
    _check_answer(decision, answer, outcome)
    with transaction.atomic():
        package = package_locked(objection.package_id, with_stages=True)
        if not is_runner(package=package, user=user):
            raise ObjectionRefused(_("You cannot answer objections of this tender."))
        if package.state != PackageState.PUBLISHED:
            raise ObjectionRefused(_("Objections of this tender can no longer be answered."))
        locked = Objection.objects.select_for_update().get(pk=objection.pk, package=package)
        if locked.answered_at is not None:
            raise ObjectionRefused(_("This objection has already been answered."))
        locked.package = package
        locked.decision, locked.answer, locked.answered_by = decision, answer, user
        locked.outcome = outcome if decision == Decision.ACCEPTED else ""
        locked.answered_at = timezone.now()
        locked.save(update_fields=["decision", "answer", "answered_by", "outcome", "answered_at"])
        audit_record(
            actor=user,
            verb="tender.objection_answered",
            target=package,
            portal=package.portal,
            payload={"code": package.code, "objection": locked.pk, "decision": decision},
            reason=answer,
            context=context,
        )
        log_decision(
            package=package,
            kind="tender.objection_answered",
            number=objection_number(locked),
            decision=decision,
            outcome=locked.outcome,
            at=locked.answered_at,
        )
        email_company(
            company=locked.participation.company,
            package=package,
            template=ANSWERED_EMAIL,
            context={"objection": locked},
        )
        if decision == Decision.ACCEPTED:
            upheld_apply(
                package=package, outcome=outcome, reasons=answer, actor=user, context=context
            )
    return locked


def _check_answer(decision: str, answer: str, outcome: str) -> None:
    if decision not in Decision.values:
        raise ObjectionRefused(_("Choose whether the objection is accepted or rejected."))
    if not answer:
        raise ObjectionRefused(_("Write the reasons of the answer."))
    if decision == Decision.ACCEPTED and outcome not in Outcome.values:
        raise ObjectionRefused(
            _("Choose what the accepted objection does: evaluate again or fail the tender.")
        )
