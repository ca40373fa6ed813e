"""Announcing: the result of file I of a two-file tender (then only the bids that passed
it have their file II opened), and the winner (public, emailed to every participant);
and reopening the evaluation (an upheld objection): the announcement withdrawn, kept."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.core.context import AuditContext
from inaproc.evaluation.models import Announcement, AnnouncementKind, ProposalState
from inaproc.evaluation.selectors.board import (
    FILE_ONE_STEPS,
    candidates,
    evaluation_refusal,
    is_two_file,
    negotiates,
    winner_by_proof,
)
from inaproc.evaluation.services.common import EvaluationRefused, locked_evaluation, record
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.tenders.models import Package
from inaproc.tenders.models.choices import NON_TENDER_METHODS
from inaproc.tenders.services.participation_mail import email_participants
from inaproc.translog.services import utc_iso

WINNER_EMAIL = "evaluation/email/winner_announced"
FILE_ONE_EMAIL = "evaluation/email/file_one_announced"
REOPENED_EMAIL = "evaluation/email/reopened"


def file_one_announce(
    *, package: Package, user: User, context: AuditContext | None = None
) -> Announcement:
    """Announce the result of file I (administration and technical) of a two-file
    tender: every opened bid evaluated on both steps; those that passed both may have
    their file II opened."""
    with transaction.atomic():
        locked, evaluation = locked_evaluation(package, user)
        if not is_two_file(locked):
            raise EvaluationRefused(_("Only a two-file tender announces the result of file I."))
        refusal = evaluation_refusal(locked)
        if refusal:
            raise EvaluationRefused(refusal)
        rows = candidates(locked, evaluation)
        if not rows or any(row.result(step) is None for row in rows for step in FILE_ONE_STEPS):
            raise EvaluationRefused(
                _("Evaluate the administration and technical steps of every bid first.")
            )
        if evaluation.announcements.filter(
            kind=AnnouncementKind.FILE_ONE, withdrawn_at__isnull=True
        ).exists():
            raise EvaluationRefused(_("The result of file I is already announced."))
        passed = [row for row in rows if row.passed_steps(FILE_ONE_STEPS)]
        announcement = Announcement.objects.create(
            evaluation=evaluation,
            kind=AnnouncementKind.FILE_ONE,
            round=evaluation.round,
            passed=[row.participation.pk for row in passed],
            announced_by=user,
        )
        record(
            locked,
            actor=user,
            verb="tender.file_one_announced",
            payload={"passed": announcement.passed},
            log={
                "announced_at": utc_iso(announcement.announced_at),
                "passed": [row.company.npwp for row in passed],
                "failed": [row.company.npwp for row in rows if row not in passed],
            },
            context=context,
        )
        email_participants(package=locked, template=FILE_ONE_EMAIL, context={})
    return announcement


def winner_announce(
    *, package: Package, user: User, context: AuditContext | None = None
) -> Announcement:
    """Announce the winner of the decided result: the first candidate whose
    qualification proof passed (a failed proof moved on to the next reserve). Public at
    once; every participant emailed."""
    with transaction.atomic():
        locked, evaluation = locked_evaluation(package, user)
        proposal = evaluation.proposals.filter(state=ProposalState.DECIDED).first()
        if proposal is None:
            raise EvaluationRefused(_("The result is not decided yet."))
        if evaluation.announcements.filter(
            kind=AnnouncementKind.WINNER, withdrawn_at__isnull=True
        ).exists():
            raise EvaluationRefused(_("The winner is already announced."))
        winner, awaited = winner_by_proof(proposal)
        if winner is None and awaited is not None:
            raise EvaluationRefused(
                _("Record the qualification proof of %(name)s first.")
                % {"name": awaited.company.name}
            )
        if winner is None:
            raise EvaluationRefused(
                _("No candidate proved its qualification: no winner can be announced.")
            )
        announcement = Announcement.objects.create(
            evaluation=evaluation,
            kind=AnnouncementKind.WINNER,
            round=evaluation.round,
            proposal=proposal,
            winner=winner,
            announced_by=user,
        )
        company = winner.company
        negotiated = None
        if negotiates(locked):
            negotiated = next(
                (
                    row.negotiated_price
                    for row in candidates(locked, evaluation)
                    if row.participation.pk == winner.pk
                ),
                None,
            )
        record(
            locked,
            actor=user,
            verb="tender.winner_announced",
            payload={"winner": winner.pk},
            log={
                "announced_at": utc_iso(announcement.announced_at),
                "round": evaluation.round,
                "winner": {"npwp": company.npwp, "name": company.name},
                **({"negotiated_price": str(negotiated)} if negotiated is not None else {}),
            },
            context=context,
        )
        email_participants(
            package=locked,
            template=WINNER_EMAIL,
            context={
                "winner": company,
                "negotiated_price": negotiated,
                "public_url": portal_absolute_url(
                    locked.portal, _winner_page(locked), code=locked.code
                ),
            },
        )
    return announcement


def _winner_page(package: Package) -> str:
    if package.selection_method in NON_TENDER_METHODS:
        return "spse:nontender_winner"
    return "spse:tender_winner"


def evaluation_reopen(
    package: Package, *, actor: User | None, reason: str, context: AuditContext | None = None
) -> bool:
    """Send the tender back to evaluation (an upheld objection calls it): the standing
    winner announcement withdrawn (kept, marked), the decided result set aside, a new
    round begun; audited, logged and emailed to the participants. Returns False when
    there was nothing to reopen (no result decided or announced)."""
    reason = reason.strip()
    if not reason:
        raise EvaluationRefused(_("Write the reason for reopening the evaluation."))
    with transaction.atomic():
        locked, evaluation = locked_evaluation(package, None)
        now = timezone.now()
        withdrawn = evaluation.announcements.filter(
            kind=AnnouncementKind.WINNER, withdrawn_at__isnull=True
        ).update(withdrawn_at=now, withdrawn_by=actor, withdraw_reason=reason)
        set_aside = evaluation.proposals.filter(
            state__in=[ProposalState.PROPOSED, ProposalState.DECIDED]
        ).update(state=ProposalState.SUPERSEDED)
        if not withdrawn and not set_aside:
            return False
        evaluation.round += 1
        evaluation.save(update_fields=["round"])
        record(
            locked,
            actor=actor,
            verb="tender.evaluation_reopened",
            payload={"round": evaluation.round, "announcement_withdrawn": bool(withdrawn)},
            reason=reason,
            log={"round": evaluation.round, "reason": reason, "reopened_at": utc_iso(now)},
            context=context,
        )
        email_participants(package=locked, template=REOPENED_EMAIL, context={"reason": reason})
    return True
