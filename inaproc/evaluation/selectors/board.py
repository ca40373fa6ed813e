"""Where a package's evaluation stands: the bids to evaluate (those opened), each one's
latest entries per step, the ranking by the method, the current proposal, its approvals
and the qualification proofs."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from inaproc.bids.models import BidOpening, OpenedFile, OpeningStatus, TenderKey
from inaproc.bids.slots import BID_LETTER, slot_of
from inaproc.evaluation import ranking
from inaproc.evaluation.models import (
    Announcement,
    AnnouncementKind,
    Entry,
    Evaluation,
    Negotiation,
    ProofInvitation,
    ProofOutcome,
    Proposal,
    ProposalApproval,
    ProposalState,
    Step,
)
from inaproc.tenders.models import Package, Participation
from inaproc.tenders.models.choices import (
    NON_TENDER_METHODS,
    DocumentMethod,
    QualificationMethod,
)
from inaproc.tenders.selectors.pokja import pokja_active_members, pokja_quorum


def negotiates(package: Package) -> bool:
    """A non-tender package (Pengadaan Langsung, Penunjukan Langsung): its Pejabat
    Pengadaan negotiates the price with the participants."""
    return package.selection_method in NON_TENDER_METHODS


def is_two_file(package: Package) -> bool:
    return package.document_method in (DocumentMethod.DUA_FILE, DocumentMethod.DUA_TAHAP)


def required_steps(package: Package) -> tuple[str, ...]:
    """The steps every bid goes through: administrasi, teknis, harga, and kualifikasi
    for a Pascakualifikasi tender (a Prakualifikasi tender qualified its bidders before)."""
    steps = [Step.ADMINISTRASI, Step.TEKNIS, Step.HARGA]
    if package.qualification_method == QualificationMethod.PASCAKUALIFIKASI:
        steps.append(Step.KUALIFIKASI)
    return tuple(steps)


FILE_ONE_STEPS = (Step.ADMINISTRASI, Step.TEKNIS)


def _key(package: Package, envelope: int) -> TenderKey | None:
    return TenderKey.objects.filter(package=package, envelope=envelope).first()


def evaluation_refusal(package: Package) -> str | None:
    """Why the bids of `package` may not be evaluated now; None when they may: only after
    the opening (of file I, for a two-file tender)."""
    key = _key(package, 1)
    if key is None or key.opened_at is None:
        return _("The bids can be evaluated only after the opening.")
    return None


def price_envelope(package: Package) -> int:
    letter = slot_of(package, BID_LETTER)
    return letter.envelope if letter else 1


def price_opened(package: Package) -> bool:
    """Whether the envelope holding the price (file II of a two-file tender) is opened."""
    key = _key(package, price_envelope(package))
    return key is not None and key.opened_at is not None


@dataclass
class Candidate:
    """One opened bid with its latest entry per step."""

    participation: Participation
    offer_price: Decimal | None
    submitted_at: datetime
    bid_version_id: int | None = None
    entries: dict[str, Entry] = field(default_factory=dict)
    steps: tuple[str, ...] = ()
    rank: int | None = None
    price_score: Decimal | None = None
    total: Decimal | None = None
    # Non-tender packages: the latest negotiation with this participant.
    negotiation: Negotiation | None = None

    @property
    def negotiated_price(self) -> Decimal | None:
        return self.negotiation.negotiated_price if self.negotiation is not None else None

    @property
    def company(self):
        return self.participation.company

    @property
    def corrected_price(self) -> Decimal | None:
        entry = self.entries.get(Step.HARGA)
        if entry is not None and entry.corrected_price is not None:
            return entry.corrected_price
        return None

    @property
    def price(self) -> Decimal | None:
        """The price ranked: the corrected one, else the offer."""
        corrected = self.corrected_price
        return corrected if corrected is not None else self.offer_price

    @property
    def technical_score(self) -> Decimal | None:
        entry = self.entries.get(Step.TEKNIS)
        return entry.score if entry is not None else None

    def result(self, step: str) -> bool | None:
        entry = self.entries.get(step)
        return entry.passed if entry is not None else None

    @property
    def passed_all(self) -> bool:
        return all(self.result(step) is True for step in self.steps)

    @property
    def failed(self) -> bool:
        return any(entry.passed is False for entry in self.entries.values())

    @property
    def marks(self) -> list[tuple[str, str, bool | None]]:
        """(step, its name, passed / failed / None not evaluated) per required step."""
        return [(step, str(Step(step).label), self.result(step)) for step in self.steps]

    def passed_steps(self, steps) -> bool:
        return all(self.result(step) is True for step in steps)

    def failures(self) -> list[Entry]:
        return [entry for entry in self.entries.values() if not entry.passed]


def candidates(package: Package, evaluation: Evaluation | None) -> list[Candidate]:
    """Every bid whose file I opened, in joining order, with its offer (from the
    envelope holding the bid letter) and its latest entries."""
    opened = (
        BidOpening.objects.filter(
            tender_key__package=package, tender_key__envelope=1, status=OpeningStatus.OPENED
        )
        .select_related("bid_version__participation__company")
        .order_by("bid_version__participation__joined_at", "bid_version__participation_id")
    )
    prices = dict(
        BidOpening.objects.filter(
            tender_key__package=package,
            tender_key__envelope=price_envelope(package),
            status=OpeningStatus.OPENED,
        ).values_list("bid_version__participation_id", "offer_price")
    )
    latest: dict[tuple[int, str], Entry] = {}
    if evaluation is not None:
        for entry in Entry.objects.filter(evaluation=evaluation).select_related("entered_by"):
            latest[(entry.participation_id, entry.step)] = entry  # ordered: the last counts
    negotiations: dict[int, Negotiation] = {}
    if evaluation is not None and negotiates(package):
        for negotiation in Negotiation.objects.filter(evaluation=evaluation):
            negotiations[negotiation.participation_id] = negotiation  # the last counts
    steps = required_steps(package)
    rows = []
    for opening in opened:
        participation = opening.bid_version.participation
        rows.append(
            Candidate(
                participation=participation,
                offer_price=prices.get(participation.pk),
                submitted_at=opening.bid_version.submitted_at,
                bid_version_id=opening.bid_version_id,
                entries={
                    step: latest[(participation.pk, step)]
                    for step in Step.values
                    if (participation.pk, step) in latest
                },
                steps=steps,
                negotiation=negotiations.get(participation.pk),
            )
        )
    return rows


def opened_files(package: Package, candidate: Candidate) -> list[OpenedFile]:
    """The files of the candidate's bid that opened, in every envelope opened so far."""
    if candidate.bid_version_id is None:
        return []
    return list(
        OpenedFile.objects.filter(
            tender_key__package=package,
            sealed_file__versions__pk=candidate.bid_version_id,
            status=OpeningStatus.OPENED,
        )
        .exclude(stored_name="")
        .select_related("sealed_file")
        .order_by("pk")
    )


def ranked(
    package: Package, evaluation: Evaluation | None, rows: list[Candidate]
) -> list[Candidate]:
    """The candidates that passed every step, best first, with rank (1…), price score
    and total set (ranking.rank)."""
    by_pk = {row.participation.pk: row for row in rows}
    plain = [
        ranking.Row(
            key=row.participation.pk,
            passed=row.passed_all,
            price=row.price,
            submitted_at=row.submitted_at,
            order=index,
            technical=row.technical_score,
        )
        for index, row in enumerate(rows)
    ]
    result = ranking.rank(
        plain,
        method=package.evaluation_method,
        technical_weight=evaluation.technical_weight if evaluation else None,
        price_weight=evaluation.price_weight if evaluation else None,
        pagu=package.pagu,
    )
    out = []
    for position, item in enumerate(result, start=1):
        row = by_pk[item.key]
        row.rank, row.price_score, row.total = position, item.price_score, item.total
        out.append(row)
    return out


def current_proposal(evaluation: Evaluation | None) -> Proposal | None:
    if evaluation is None:
        return None
    return (
        Proposal.objects.filter(
            evaluation=evaluation, state__in=[ProposalState.PROPOSED, ProposalState.DECIDED]
        )
        .select_related("winner__company", "reserve1__company", "reserve2__company")
        .first()
    )


def approvals_needed(package: Package) -> int:
    """The quorum of the package's Pokja (the one that publishes and opens); 1 for a
    Pejabat Pengadaan."""
    return 1 if package.pokja is None else pokja_quorum(package.pokja)


def approvals_counted(package: Package, proposal: Proposal) -> list[ProposalApproval]:
    """The approvals that count: of members still active and holding the Pokja role (or
    of the Pejabat Pengadaan)."""
    approvals = list(proposal.approvals.select_related("user"))
    if package.pokja is None:
        return [a for a in approvals if a.user_id == package.pejabat_pengadaan_id]
    active = {user.pk for user in pokja_active_members(package.pokja)}
    return [approval for approval in approvals if approval.user_id in active]


def proofs_of(proposal: Proposal | None) -> dict[int, ProofInvitation]:
    if proposal is None:
        return {}
    return {
        proof.participation_id: proof
        for proof in ProofInvitation.objects.filter(proposal=proposal).select_related(
            "participation__company", "outcome_by", "invited_by"
        )
    }


def winner_by_proof(proposal: Proposal) -> tuple[Participation | None, Participation | None]:
    """(the winner, the candidate whose proof is awaited): the first candidate in order
    whose proof passed, skipping those whose proof failed. A failed proof moves to the
    next reserve; (None, None) when every candidate failed."""
    proofs = proofs_of(proposal)
    for candidate in proposal.candidates():
        proof = proofs.get(candidate.pk)
        if proof is None or proof.outcome == ProofOutcome.PENDING:
            return None, candidate
        if proof.outcome == ProofOutcome.PASSED:
            return candidate, None
    return None, None


def standing_announcement(evaluation: Evaluation | None, kind: str) -> Announcement | None:
    if evaluation is None:
        return None
    return (
        Announcement.objects.filter(evaluation=evaluation, kind=kind, withdrawn_at__isnull=True)
        .select_related("winner__company", "announced_by")
        .first()
    )


@dataclass
class Standing:
    """Everything the Pokja's evaluation page shows."""

    package: Package
    evaluation: Evaluation | None
    refusal: str | None
    candidates: list[Candidate]
    ranked: list[Candidate]
    proposal: Proposal | None
    approvals: list[ProposalApproval]
    needed: int
    proofs: dict[int, ProofInvitation]
    awaited: Participation | None
    proven_winner: Participation | None
    announcement: Announcement | None
    file_one: Announcement | None
    history: list[Announcement]

    @property
    def candidate_proofs(self) -> list[tuple[Participation, ProofInvitation | None]]:
        """The decided candidates in order, each with its proof invitation (or None)."""
        if self.proposal is None:
            return []
        return [(p, self.proofs.get(p.pk)) for p in self.proposal.candidates()]

    @property
    def two_file(self) -> bool:
        return is_two_file(self.package)

    @property
    def weighted(self) -> bool:
        return self.package.evaluation_method in ranking.WEIGHTED_METHODS

    @property
    def scored(self) -> bool:
        return self.package.evaluation_method in ranking.SCORED_METHODS


def evaluation_standing(package: Package) -> Standing:
    evaluation = Evaluation.objects.filter(package=package).first()
    rows = candidates(package, evaluation)
    proposal = current_proposal(evaluation)
    awaited = proven = None
    if proposal is not None and proposal.state == ProposalState.DECIDED:
        proven, awaited = winner_by_proof(proposal)
    return Standing(
        package=package,
        evaluation=evaluation,
        refusal=evaluation_refusal(package),
        candidates=rows,
        ranked=ranked(package, evaluation, rows),
        proposal=proposal,
        approvals=approvals_counted(package, proposal) if proposal else [],
        needed=approvals_needed(package),
        proofs=proofs_of(proposal),
        awaited=awaited,
        proven_winner=proven,
        announcement=standing_announcement(evaluation, AnnouncementKind.WINNER),
        file_one=standing_announcement(evaluation, AnnouncementKind.FILE_ONE),
        history=list(
            Announcement.objects.filter(evaluation=evaluation, withdrawn_at__isnull=False)
            if evaluation
            else []
        ),
    )
