"""The Pokja proposes a winner and up to two reserves from the ranking; the result is
decided when a quorum of members (the quorum that publishes and opens) has approved.
The proposal row is locked, so members approving at once decide it exactly once."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.core.context import AuditContext
from inaproc.evaluation import ranking
from inaproc.evaluation.models import Proposal, ProposalApproval, ProposalState
from inaproc.evaluation.selectors.board import (
    approvals_counted,
    approvals_needed,
    candidates,
    evaluation_refusal,
    negotiates,
    ranked,
)
from inaproc.evaluation.services.common import EvaluationRefused, locked_evaluation, record
from inaproc.tenders.models import Package, Participation
from inaproc.translog.services import utc_iso


def proposal_make(
    *,
    package: Package,
    user: User,
    winner: Participation,
    reserves: list[Participation],
    context: AuditContext | None = None,
) -> Proposal:
    """`user` proposes `winner` and up to two `reserves`, each a bid that passed every
    step, all different; the proposal counts as the proposer's approval (decided at
    once where the quorum is one). A proposal not yet decided is replaced."""
    with transaction.atomic():
        locked, evaluation = locked_evaluation(package, user)
        refusal = evaluation_refusal(locked)
        if refusal:
            raise EvaluationRefused(refusal)
        if (
            locked.evaluation_method in ranking.WEIGHTED_METHODS
            and evaluation.technical_weight is None
        ):
            raise EvaluationRefused(_("Set the technical and price weights first."))
        rows = ranked(locked, evaluation, candidates(locked, evaluation))
        eligible = {row.participation.pk for row in rows}
        chosen = [winner, *reserves]
        if len(reserves) > 2:
            raise EvaluationRefused(_("At most two reserves may be proposed."))
        if len({p.pk for p in chosen}) != len(chosen):
            raise EvaluationRefused(_("The winner and the reserves must be different bidders."))
        if any(p.pk not in eligible for p in chosen):
            raise EvaluationRefused(
                _("Only a bid that passed every step of the evaluation can be proposed.")
            )
        if negotiates(locked):
            by_pk = {row.participation.pk: row for row in rows}
            if by_pk[winner.pk].negotiated_price is None:
                raise EvaluationRefused(
                    _("Record the price negotiated with %(name)s first.")
                    % {"name": winner.company.name}
                )
        current = evaluation.proposals.filter(
            state__in=[ProposalState.PROPOSED, ProposalState.DECIDED]
        ).first()
        if current is not None and current.state == ProposalState.DECIDED:
            raise EvaluationRefused(_("The result is already decided."))
        if current is not None:
            current.state = ProposalState.SUPERSEDED
            current.save(update_fields=["state"])
        try:
            with transaction.atomic():
                proposal = Proposal.objects.create(
                    evaluation=evaluation,
                    round=evaluation.round,
                    winner=winner,
                    reserve1=reserves[0] if reserves else None,
                    reserve2=reserves[1] if len(reserves) > 1 else None,
                    ranking=[_ranking_row(row) for row in rows],
                    proposed_by=user,
                )
        except IntegrityError:
            raise EvaluationRefused(_("Another member has just proposed a result.")) from None
        ProposalApproval.objects.create(proposal=proposal, user=user)
        record(
            locked,
            actor=user,
            verb="evaluation.proposed",
            payload={"winner": winner.pk, "reserves": [p.pk for p in reserves]},
            context=context,
        )
        _decide_if_quorum(locked, proposal, context=context)
    return proposal


def _ranking_row(row) -> dict:
    return {
        "rank": row.rank,
        "participation": row.participation.pk,
        "npwp": row.company.npwp,
        "price": str(row.price) if row.price is not None else None,
        "technical": str(row.technical_score) if row.technical_score is not None else None,
        "total": str(row.total) if row.total is not None else None,
        "negotiated": str(row.negotiated_price) if row.negotiated_price is not None else None,
    }


def proposal_approve(
    *, package: Package, user: User, context: AuditContext | None = None
) -> Proposal:
    """`user` approves the current proposal; at the quorum the result is decided. A
    member approves once; approving a decided result is refused (two members deciding
    at once give one result)."""
    with transaction.atomic():
        locked, evaluation = locked_evaluation(package, user)
        proposal = (
            Proposal.objects.select_for_update()
            .filter(
                evaluation=evaluation, state__in=[ProposalState.PROPOSED, ProposalState.DECIDED]
            )
            .first()
        )
        if proposal is None:
            raise EvaluationRefused(_("No result has been proposed."))
        if proposal.state == ProposalState.DECIDED:
            raise EvaluationRefused(_("The result is already decided."))
        try:
            with transaction.atomic():
                ProposalApproval.objects.create(proposal=proposal, user=user)
        except IntegrityError:
            raise EvaluationRefused(_("You have already approved this result.")) from None
        record(
            locked,
            actor=user,
            verb="evaluation.approved",
            payload={"proposal": proposal.pk},
            context=context,
        )
        _decide_if_quorum(locked, proposal, context=context)
    return proposal


def _decide_if_quorum(package: Package, proposal: Proposal, *, context) -> None:
    approvals = approvals_counted(package, proposal)
    if len(approvals) < approvals_needed(package):
        return
    updated = Proposal.objects.filter(pk=proposal.pk, state=ProposalState.PROPOSED).update(
        state=ProposalState.DECIDED, decided_at=timezone.now()
    )
    if not updated:  # decided already: the conditional update keeps it once
        return
    proposal.refresh_from_db()
    record(
        package,
        actor=None,
        verb="tender.evaluation_decided",
        payload={"proposal": proposal.pk, "approvals": [a.user.get_username() for a in approvals]},
        log={
            "round": proposal.round,
            "decided_at": utc_iso(proposal.decided_at) if proposal.decided_at else None,
            "approvals": len(approvals),
            "ranking": [
                {
                    **{k: row[k] for k in ("rank", "npwp", "price", "technical", "total")},
                    **({"negotiated": row["negotiated"]} if row.get("negotiated") else {}),
                }
                for row in proposal.ranking
            ],
            "candidates": [p.company.npwp for p in proposal.candidates()],
        },
        context=context,
    )
