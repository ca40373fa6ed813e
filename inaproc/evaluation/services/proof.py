"""Pembuktian kualifikasi: the candidates of the decided result are invited (a date and
a place or an online meeting link, emailed), and the outcome recorded. A failed proof
moves to the next reserve (selectors.board.winner_by_proof)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.core.context import AuditContext
from inaproc.evaluation.models import ProofInvitation, ProofOutcome, Proposal, ProposalState
from inaproc.evaluation.services.common import EvaluationRefused, locked_evaluation, record
from inaproc.tenders.models import Package, Participation
from inaproc.tenders.selectors.participation import ACTING_ROLES
from inaproc.tenders.services.participation_mail import email_to, participant_page_link
from inaproc.translog.services import utc_iso

INVITATION_EMAIL = "evaluation/email/proof_invitation"


def _decided(evaluation) -> Proposal:
    proposal = evaluation.proposals.filter(state=ProposalState.DECIDED).first()
    if proposal is None:
        raise EvaluationRefused(_("The result is not decided yet."))
    if evaluation.announcements.filter(kind="winner", withdrawn_at__isnull=True).exists():
        raise EvaluationRefused(_("The winner is already announced."))
    return proposal


def _company_addresses(participation: Participation) -> list[str]:
    company = participation.company
    addresses = {company.email} if company.email else set()
    for member in company.members.filter(
        suspended_at__isnull=True, user__is_active=True, role__in=ACTING_ROLES
    ).select_related("user"):
        if member.user.email:
            addresses.add(member.user.email)
    return sorted(addresses)


def proof_invite(
    *,
    package: Package,
    user: User,
    participation: Participation,
    meeting_at: datetime,
    place: str = "",
    meeting_link: str = "",
    context: AuditContext | None = None,
) -> ProofInvitation:
    """Invite a candidate (the winner or a reserve of the decided result) to the proof,
    by a place or a link (at least one), at a time not in the past."""
    place, meeting_link = place.strip(), meeting_link.strip()
    if not place and not meeting_link:
        raise EvaluationRefused(_("Give the place of the meeting or an online meeting link."))
    if meeting_at < timezone.now():
        raise EvaluationRefused(_("The proof cannot be set in the past."))
    with transaction.atomic():
        locked, evaluation = locked_evaluation(package, user)
        proposal = _decided(evaluation)
        if participation.pk not in {p.pk for p in proposal.candidates()}:
            raise EvaluationRefused(_("Only the proposed winner and reserves are invited."))
        if ProofInvitation.objects.filter(proposal=proposal, participation=participation).exists():
            raise EvaluationRefused(_("This bidder is already invited."))
        invitation = ProofInvitation.objects.create(
            proposal=proposal,
            participation=participation,
            meeting_at=meeting_at,
            place=place,
            meeting_link=meeting_link,
            invited_by=user,
        )
        record(
            locked,
            actor=user,
            verb="evaluation.proof_invited",
            payload={"participation": participation.pk, "meeting_at": utc_iso(meeting_at)},
            context=context,
        )
        email_to(
            _company_addresses(participation),
            package=locked,
            template=INVITATION_EMAIL,
            context={
                "invitation": invitation,
                "company": participation.company,
                "tender_url": participant_page_link(locked),
            },
        )
    return invitation


def proof_record(
    *,
    package: Package,
    user: User,
    participation: Participation,
    passed: bool,
    reason: str = "",
    context: AuditContext | None = None,
) -> ProofInvitation:
    """Record the outcome of an invited candidate's proof; a fail with its reason."""
    reason = reason.strip()
    if not passed and not reason:
        raise EvaluationRefused(_("Write the reason why the qualification was not proven."))
    with transaction.atomic():
        locked, evaluation = locked_evaluation(package, user)
        proposal = _decided(evaluation)
        invitation = (
            ProofInvitation.objects.select_for_update()
            .filter(proposal=proposal, participation=participation)
            .first()
        )
        if invitation is None:
            raise EvaluationRefused(_("Invite this bidder to the proof first."))
        if invitation.outcome != ProofOutcome.PENDING:
            raise EvaluationRefused(_("The outcome of this proof is already recorded."))
        invitation.outcome = ProofOutcome.PASSED if passed else ProofOutcome.FAILED
        invitation.outcome_reason = reason
        invitation.outcome_by = user
        invitation.outcome_at = timezone.now()
        invitation.save(update_fields=["outcome", "outcome_reason", "outcome_by", "outcome_at"])
        record(
            locked,
            actor=user,
            verb="tender.proof_recorded",
            payload={"participation": participation.pk, "outcome": invitation.outcome},
            reason=reason,
            log={"npwp": participation.company.npwp, "outcome": invitation.outcome},
            context=context,
        )
    return invitation
