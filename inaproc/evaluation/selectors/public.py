"""What the evaluation makes public, and what other apps ask of it: the announced result
(objections, award), the public evaluation table and winner (the SPSE-compatible pages,
inaproc/spse), and the bids whose file I passed (the opening of file II)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from inaproc.evaluation.models import (
    Announcement,
    AnnouncementKind,
    Evaluation,
    ProofOutcome,
    Step,
)
from inaproc.evaluation.selectors.board import (
    candidates,
    proofs_of,
    ranked,
    standing_announcement,
)
from inaproc.tenders.models import Package, Participation


@dataclass(frozen=True)
class AnnouncedResult:
    """The standing winner announcement of a package."""

    winner: Participation
    reserves: list[Participation]
    announced_at: datetime
    announcement: Announcement


def _evaluation(package: Package) -> Evaluation | None:
    return Evaluation.objects.filter(package=package).first()


def announced_result(package: Package) -> AnnouncedResult | None:
    """None before the winner is announced (or after the announcement was withdrawn);
    else the winner's participation, the reserves (in order) and the time."""
    announcement = standing_announcement(_evaluation(package), AnnouncementKind.WINNER)
    if announcement is None or announcement.winner is None:
        return None
    reserves = []
    if announcement.proposal is not None:
        proofs = proofs_of(announcement.proposal)
        reserves = [
            candidate
            for candidate in announcement.proposal.candidates()
            if candidate.pk != announcement.winner_id
            and getattr(proofs.get(candidate.pk), "outcome", None) != ProofOutcome.FAILED
        ]
    return AnnouncedResult(
        winner=announcement.winner,
        reserves=reserves,
        announced_at=announcement.announced_at,
        announcement=announcement,
    )


def file_two_bidders(package: Package) -> set[int] | None:
    """The participations whose file I passed, once the result of file I is announced;
    None while it is not (settings.OPENING_FILE_TWO_BIDDERS: the opening of envelope 2
    opens only these bids)."""
    announcement = standing_announcement(_evaluation(package), AnnouncementKind.FILE_ONE)
    if announcement is None:
        return None
    return {int(pk) for pk in announcement.passed}


@dataclass(frozen=True)
class PublicRow:
    """One participant's public evaluation: a mark per step (True passed, False failed,
    None not evaluated), the scores and prices, the proof, the winner."""

    name: str
    npwp: str
    administrasi: bool | None
    teknis: bool | None
    technical_score: Decimal | None
    offer_price: Decimal | None
    corrected_price: Decimal | None
    price_score: Decimal | None
    total: Decimal | None
    proof: bool | None
    kualifikasi: bool | None
    harga: bool | None
    winner: bool
    # Non-tender packages: the price negotiated by the Pejabat Pengadaan (SPSE's "hn").
    negotiated_price: Decimal | None = None


def public_evaluation(package: Package) -> list[PublicRow]:
    """The evaluation table once the winner is announced; empty before."""
    result = announced_result(package)
    if result is None:
        return []
    evaluation = _evaluation(package)
    rows = candidates(package, evaluation)
    ranked(package, evaluation, rows)  # sets the scores
    proofs = proofs_of(result.announcement.proposal)
    out = []
    for row in rows:
        proof = proofs.get(row.participation.pk)
        out.append(
            PublicRow(
                name=row.company.name,
                npwp=row.company.npwp,
                administrasi=row.result(Step.ADMINISTRASI),
                teknis=row.result(Step.TEKNIS),
                technical_score=row.technical_score,
                offer_price=row.offer_price,
                corrected_price=row.corrected_price,
                price_score=row.price_score,
                total=row.total,
                proof=None
                if proof is None or proof.outcome == ProofOutcome.PENDING
                else proof.outcome == ProofOutcome.PASSED,
                kualifikasi=row.result(Step.KUALIFIKASI),
                harga=row.result(Step.HARGA),
                winner=row.participation.pk == result.winner.pk,
                negotiated_price=row.negotiated_price,
            )
        )
    return out


@dataclass(frozen=True)
class PublicWinner:
    name: str
    address: str
    npwp: str
    offer_price: Decimal | None
    corrected_price: Decimal | None
    negotiated_price: Decimal | None


def public_winner(package: Package) -> PublicWinner | None:
    """The announced winner as the public pages show it; None before the announcement."""
    result = announced_result(package)
    if result is None:
        return None
    company = result.winner.company
    row = next(
        (
            row
            for row in candidates(package, _evaluation(package))
            if row.participation.pk == result.winner.pk
        ),
        None,
    )
    address = ", ".join(
        part for part in (company.street, company.city, company.get_province_display()) if part
    )
    return PublicWinner(
        name=company.name,
        address=address,
        npwp=company.npwp,
        offer_price=row.offer_price if row else None,
        corrected_price=(row.corrected_price or row.offer_price) if row else None,
        negotiated_price=row.negotiated_price if row else None,
    )


def corrected_prices(package: Package) -> dict[str, Decimal]:
    """Each participant's corrected price by NPWP, once the winner is announced (the
    public participants list's Harga Terkoreksi); empty before."""
    return {
        row.npwp: row.corrected_price
        for row in public_evaluation(package)
        if row.corrected_price is not None
    }
