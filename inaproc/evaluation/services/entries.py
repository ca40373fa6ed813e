"""The members' entries: per participant and step a pass or fail (a fail with its
reason), the technical score, the corrected price with its note; and the weights of a
scored method."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.core.context import AuditContext
from inaproc.evaluation import ranking
from inaproc.evaluation.models import Entry, Evaluation, ProposalState, Step
from inaproc.evaluation.selectors.board import candidates, evaluation_refusal, price_opened
from inaproc.evaluation.services.common import EvaluationRefused, locked_evaluation, record
from inaproc.tenders.models import Package, Participation

MAX_PRICE = Decimal(10**15 - 1)


@dataclass(frozen=True)
class StepInput:
    step: str
    passed: bool
    reason: str = ""
    score: Decimal | None = None
    corrected_price: Decimal | None = None
    correction_note: str = ""


def _check(inputs: list[StepInput]) -> None:
    errors: dict[str, list[str]] = {}
    for item in inputs:
        if item.step not in Step.values:
            errors.setdefault("__all__", []).append(_("Unknown evaluation step."))
        if not item.passed and not item.reason.strip():
            errors.setdefault(f"{item.step}_reason", []).append(
                _("Write the reason why the bid fails this step.")
            )
        if item.score is not None and not (0 <= item.score <= 100):
            errors.setdefault(f"{item.step}_score", []).append(
                _("A score is a number from 0 to 100.")
            )
        if item.corrected_price is not None and not (0 <= item.corrected_price <= MAX_PRICE):
            errors.setdefault("corrected_price", []).append(
                _("The corrected price is a whole number of rupiah, zero or more.")
            )
    if errors:
        raise ValidationError(errors)


def entries_record(
    *,
    package: Package,
    user: User,
    participation: Participation,
    inputs: list[StepInput],
    context: AuditContext | None = None,
) -> int:
    """Record `user`'s entries for `participation`'s bid; returns how many changed. An
    entry equal to the latest one of its step is not repeated. Refused before the
    opening, for a bid that did not open, and once the result is decided (a reopened
    evaluation takes entries again). A proposal not yet decided is set aside: the
    ranking it came from may have changed."""
    _check(inputs)
    with transaction.atomic():
        locked, evaluation = locked_evaluation(package, user)
        refusal = evaluation_refusal(locked)
        if refusal:
            raise EvaluationRefused(refusal)
        if any(item.step == Step.HARGA for item in inputs) and not price_opened(locked):
            raise EvaluationRefused(_("The price can be evaluated only after file II is opened."))
        if participation.pk not in {row.participation.pk for row in candidates(locked, evaluation)}:
            raise EvaluationRefused(_("This participant's bid was not opened."))
        proposal = evaluation.proposals.filter(
            state__in=[ProposalState.PROPOSED, ProposalState.DECIDED]
        ).first()
        if proposal is not None and proposal.state == ProposalState.DECIDED:
            raise EvaluationRefused(_("The result is decided; the entries can no longer change."))
        changed = [item for item in inputs if _differs(evaluation, participation, item)]
        for item in changed:
            Entry.objects.create(
                evaluation=evaluation,
                participation=participation,
                step=item.step,
                passed=item.passed,
                reason=item.reason.strip(),
                score=item.score,
                corrected_price=item.corrected_price if item.step == Step.HARGA else None,
                correction_note=item.correction_note.strip() if item.step == Step.HARGA else "",
                entered_by=user,
            )
        if changed and proposal is not None:
            proposal.state = ProposalState.SUPERSEDED
            proposal.save(update_fields=["state"])
        if changed:
            record(
                locked,
                actor=user,
                verb="evaluation.entered",
                payload={
                    "participation": participation.pk,
                    "steps": {item.step: item.passed for item in changed},
                },
                context=context,
            )
    return len(changed)


def _differs(evaluation: Evaluation, participation: Participation, item: StepInput) -> bool:
    latest = (
        Entry.objects.filter(evaluation=evaluation, participation=participation, step=item.step)
        .order_by("-entered_at", "-pk")
        .first()
    )
    if latest is None:
        return True
    corrected = item.corrected_price if item.step == Step.HARGA else None
    note = item.correction_note.strip() if item.step == Step.HARGA else ""
    return (
        latest.passed,
        latest.reason,
        latest.score,
        latest.corrected_price,
        latest.correction_note,
    ) != (
        item.passed,
        item.reason.strip(),
        item.score,
        corrected,
        note,
    )


def weights_set(
    *,
    package: Package,
    user: User,
    technical: int,
    price: int,
    context: AuditContext | None = None,
) -> Evaluation:
    """Set the technical and price weights of a weighted method: each 0–100, together
    100 %. Not after the result is decided."""
    if package.evaluation_method not in ranking.WEIGHTED_METHODS:
        raise EvaluationRefused(_("This tender's evaluation method uses no weights."))
    if not (0 <= technical <= 100 and 0 <= price <= 100) or technical + price != 100:
        raise ValidationError(
            {"__all__": [_("The technical and price weights must add up to 100 %.")]}
        )
    with transaction.atomic():
        locked, evaluation = locked_evaluation(package, user)
        if evaluation.proposals.filter(state=ProposalState.DECIDED).exists():
            raise EvaluationRefused(_("The result is decided; the weights can no longer change."))
        evaluation.technical_weight, evaluation.price_weight = technical, price
        evaluation.save(update_fields=["technical_weight", "price_weight"])
        evaluation.proposals.filter(state=ProposalState.PROPOSED).update(
            state=ProposalState.SUPERSEDED
        )
        record(
            locked,
            actor=user,
            verb="evaluation.weights_set",
            payload={"technical": technical, "price": price},
            context=context,
        )
    return evaluation
