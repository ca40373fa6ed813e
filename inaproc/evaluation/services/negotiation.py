"""Negotiation (Klarifikasi dan Negosiasi) in a non-tender package: the Pejabat
Pengadaan records, per participant whose bid opened and failed no step, the negotiated
price (a whole number of rupiah, zero or more, not above the corrected price nor the
HPS) with a note. Audited and appended to the transparency log; the winner's
negotiated price is public once the winner is announced."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.core.context import AuditContext
from inaproc.evaluation.models import Negotiation, ProposalState
from inaproc.evaluation.selectors.board import candidates, evaluation_refusal, negotiates
from inaproc.evaluation.services.common import EvaluationRefused, locked_evaluation, record
from inaproc.evaluation.services.entries import MAX_PRICE
from inaproc.tenders.models import Package, Participation
from inaproc.tenders.money import rupiah
from inaproc.translog.services import utc_iso


def negotiation_record(
    *,
    package: Package,
    user: User,
    participation: Participation,
    price: Decimal,
    note: str = "",
    context: AuditContext | None = None,
) -> Negotiation:
    """`user`, the package's Pejabat Pengadaan, records the price negotiated with
    `participation`. Refused for a tender run by a Pokja, before the opening, for a bid
    that did not open or failed a step, and once the result is decided; a price below
    zero, above the corrected price (the offer when not corrected) or above the HPS is
    a ValidationError. A proposal not yet decided is set aside."""
    if not isinstance(price, Decimal) or not price.is_finite() or price != price.to_integral():
        raise ValidationError(
            {"negotiated_price": [_("The negotiated price is a whole number of rupiah.")]}
        )
    if not (0 <= price <= MAX_PRICE):
        raise ValidationError(
            {
                "negotiated_price": [
                    _("The negotiated price is a whole number of rupiah, zero or more.")
                ]
            }
        )
    with transaction.atomic():
        locked, evaluation = locked_evaluation(package, user)
        if not negotiates(locked):
            raise EvaluationRefused(_("Only a non-tender package has a negotiation."))
        refusal = evaluation_refusal(locked)
        if refusal:
            raise EvaluationRefused(refusal)
        candidate = next(
            (
                row
                for row in candidates(locked, evaluation)
                if row.participation.pk == participation.pk
            ),
            None,
        )
        if candidate is None:
            raise EvaluationRefused(_("This participant's bid was not opened."))
        if candidate.failed:
            raise EvaluationRefused(
                _("A bid that failed a step of the evaluation is not negotiated.")
            )
        proposal = evaluation.proposals.filter(
            state__in=[ProposalState.PROPOSED, ProposalState.DECIDED]
        ).first()
        if proposal is not None and proposal.state == ProposalState.DECIDED:
            raise EvaluationRefused(
                _("The result is decided; the negotiation can no longer change.")
            )
        errors = []
        ceiling = candidate.price
        if ceiling is not None and price > ceiling:
            errors.append(
                _("The negotiated price may not be above the corrected price (%(price)s).")
                % {"price": rupiah(ceiling)}
            )
        if price > locked.hps:
            errors.append(
                _("The negotiated price may not be above the HPS (%(hps)s).")
                % {"hps": rupiah(locked.hps)}
            )
        if errors:
            raise ValidationError({"negotiated_price": errors})
        negotiation = Negotiation.objects.create(
            evaluation=evaluation,
            participation=participation,
            negotiated_price=price,
            note=note.strip(),
            entered_by=user,
        )
        if proposal is not None:
            proposal.state = ProposalState.SUPERSEDED
            proposal.save(update_fields=["state"])
        record(
            locked,
            actor=user,
            verb="tender.negotiated",
            payload={"participation": participation.pk, "negotiated_price": str(price)},
            log={
                "npwp": participation.company.npwp,
                "negotiated_price": str(price),
                "negotiated_at": utc_iso(negotiation.entered_at),
            },
            context=context,
        )
    return negotiation
