"""A company's own view of a tender's result: once a result is announced, whether it
won, and the evaluation notes about its own bid (never another company's)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from inaproc.evaluation.models import (
    Announcement,
    AnnouncementKind,
    Entry,
    Evaluation,
    ProofInvitation,
)
from inaproc.evaluation.selectors.board import candidates, standing_announcement
from inaproc.evaluation.selectors.public import AnnouncedResult, announced_result
from inaproc.tenders.models import Participation


@dataclass
class OwnResult:
    result: AnnouncedResult | None
    file_one: Announcement | None
    entries: list[Entry] = field(default_factory=list)
    offer_price: Decimal | None = None
    corrected_price: Decimal | None = None
    proof: ProofInvitation | None = None
    won: bool = False
    reserve: bool = False
    passed_file_one: bool | None = None

    @property
    def announced(self) -> bool:
        return self.result is not None or self.file_one is not None


def own_result(participation: Participation) -> OwnResult:
    package = participation.package
    evaluation = Evaluation.objects.filter(package=package).first()
    result = announced_result(package)
    file_one = standing_announcement(evaluation, AnnouncementKind.FILE_ONE)
    own = OwnResult(result=result, file_one=file_one)
    if evaluation is None or not own.announced:
        return own
    row = next(
        (r for r in candidates(package, evaluation) if r.participation.pk == participation.pk),
        None,
    )
    if row is not None:
        own.entries = sorted(row.entries.values(), key=lambda entry: entry.step)
        own.offer_price, own.corrected_price = row.offer_price, row.corrected_price
    if file_one is not None:
        own.passed_file_one = participation.pk in {int(pk) for pk in file_one.passed}
    if result is not None:
        own.won = result.winner.pk == participation.pk
        own.reserve = any(p.pk == participation.pk for p in result.reserves)
        if result.announcement.proposal is not None:
            own.proof = ProofInvitation.objects.filter(
                proposal=result.announcement.proposal, participation=participation
            ).first()
    return own


def result_labels(participations: list[Participation]) -> dict[int, str]:
    """A short result per participation once one is announced ("My tenders", through
    settings.PARTICIPATION_RESULTS): winner, reserve, not the winner; or file I passed
    or not; nothing before an announcement."""
    labels: dict[int, str] = {}
    # One query for all: the tenders with an announcement standing; only those (few
    # of a company's tenders at a time) are read further.
    announced = set(
        Announcement.objects.filter(
            evaluation__package__in={p.package_id for p in participations},
            kind__in=(AnnouncementKind.WINNER, AnnouncementKind.FILE_ONE),
            withdrawn_at__isnull=True,
        ).values_list("evaluation__package", flat=True)
    )
    for participation in participations:
        if participation.package_id not in announced:
            continue
        result = announced_result(participation.package)
        if result is not None:
            if result.winner.pk == participation.pk:
                labels[participation.pk] = str(_("Winner"))
            elif any(p.pk == participation.pk for p in result.reserves):
                labels[participation.pk] = str(_("Reserve"))
            else:
                labels[participation.pk] = str(_("Not the winner"))
            continue
        evaluation = Evaluation.objects.filter(package=participation.package).first()
        file_one = standing_announcement(evaluation, AnnouncementKind.FILE_ONE)
        if file_one is not None:
            passed = participation.pk in {int(pk) for pk in file_one.passed}
            labels[participation.pk] = str(
                _("Passed file I") if passed else _("Did not pass file I")
            )
    return labels
