"""Pemberian Penjelasan: participants ask while the stage runs; the runner answers, during
the stage and after it until the bid deadline (an answer after that could shape no bid).
An answer, once given, is public and final: it is emailed to every participant, and a
correction is an addendum (a new document version). Every participant reads every
question and answer without the asker; the runners see the asker's company."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.files.services import CheckedUpload, files_remove, files_store
from inaproc.tenders.access import is_runner
from inaproc.tenders.models import (
    Participation,
    Question,
    QuestionAttachment,
)
from inaproc.tenders.selectors.participation import (
    ACTING_ROLES,
    QUESTIONS_PER_PARTICIPANT,
    answering_open,
    clarification_open,
)
from inaproc.tenders.services.locks import package_locked
from inaproc.tenders.services.participation_mail import email_participants
from inaproc.vendors.models import CompanyMember

ANSWERED_EMAIL = "tenders/email/question_answered"
ATTACHMENT_KIND = "question"


class ClarificationRefused(ApplicationError):
    """The question or answer cannot be accepted; the message says why."""


def question_ask(
    *,
    participation: Participation,
    member: CompanyMember,
    text: str,
    uploads: list[CheckedUpload],
    context: AuditContext | None = None,
) -> Question:
    """A participant's question (and an optional attachment), while the clarification
    runs, up to QUESTIONS_PER_PARTICIPANT per tender."""
    text = text.strip()
    if not text:
        raise ClarificationRefused(_("Write your question."))
    if (
        member.company_id != participation.company_id
        or member.role not in ACTING_ROLES
        or member.suspended_at is not None
    ):
        raise ClarificationRefused(
            _("Only the company's administrator or a bid preparer can ask questions.")
        )
    written = files_store(items=uploads, portal=member.company.portal)
    try:
        with transaction.atomic():
            return _question_write(participation, member, text, written, context)
    except BaseException:
        files_remove(names=[fields["stored_name"] for fields in written])
        raise


def _question_write(
    participation: Participation,
    member: CompanyMember,
    text: str,
    written: list[dict],
    context: AuditContext | None,
) -> Question:
    package = package_locked(participation.package_id, with_stages=True)
    if not clarification_open(package, now=timezone.now()):
        raise ClarificationRefused(_("Questions can only be asked during Pemberian Penjelasan."))
    if participation.questions.count() >= QUESTIONS_PER_PARTICIPANT:
        raise ClarificationRefused(
            ngettext(
                "Your company has asked the most questions allowed (%(count)d) in this tender.",
                "Your company has asked the most questions allowed (%(count)d) in this tender.",
                QUESTIONS_PER_PARTICIPANT,
            )
            % {"count": QUESTIONS_PER_PARTICIPANT}
        )
    question = Question.objects.create(
        package=package, participation=participation, asked_by=member.user, text=text
    )
    for fields in written:
        QuestionAttachment.objects.create(question=question, **fields)
    audit_record(
        actor=member.user,
        verb="tender.question_asked",
        target=package,
        portal=package.portal,
        payload={"code": package.code, "question": question.pk, "files": len(written)},
        context=context,
    )
    return question


def question_answer(
    *, question: Question, user: User, answer: str, context: AuditContext | None = None
) -> Question:
    """The runner answers a question once; every participant is emailed."""
    answer = answer.strip()
    if not answer:
        raise ClarificationRefused(_("Write the answer."))
    with transaction.atomic():
        package = package_locked(question.package_id, with_stages=True)
        if not is_runner(package=package, user=user):
            raise ClarificationRefused(_("You cannot answer questions of this tender."))
        if not answering_open(package, now=timezone.now()):
            raise ClarificationRefused(
                _("Questions can be answered from Pemberian Penjelasan until the bid deadline.")
            )
        locked = Question.objects.select_for_update().get(pk=question.pk, package=package)
        if locked.answered_at is not None:
            raise ClarificationRefused(_("This question has already been answered."))
        locked.answer, locked.answered_by, locked.answered_at = answer, user, timezone.now()
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_record(
            actor=user,
            verb="tender.question_answered",
            target=package,
            portal=package.portal,
            payload={"code": package.code, "question": locked.pk},
            context=context,
        )
        email_participants(
            package=package,
            template=ANSWERED_EMAIL,
            context={"question": locked.text, "answer": answer},
        )
    return locked
