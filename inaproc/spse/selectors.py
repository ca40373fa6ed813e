"""Reads of the SPSE-compatible endpoints. The lists reuse the public tender list's
selector (`tenders.selectors.public.public_tender_list`: the same search, year,
category and institution filters) and add what SPSE has and our list has not: tender
or non-tender, SPSE's column sorts, the vendor filter. Only packages that were
published are ever read: a draft, a package with its Pokja, or one cancelled before
publication never appears."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum

from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import Http404

from inaproc.award.selectors import public_contract
from inaproc.evaluation.selectors.public import (
    corrected_prices,
    public_evaluation,
    public_winner,
)
from inaproc.portals.models import Portal
from inaproc.spse.datatables import ListQuery
from inaproc.tenders.models import Package, Participation, ScheduleStage
from inaproc.tenders.models.choices import NON_TENDER_METHODS
from inaproc.tenders.selectors.public import (
    TenderFilters,
    TenderRow,
    access_public_package,
    public_packages,
    public_tender_list,
    tender_rows,
)
from inaproc.tenders.stages import BID_UPLOAD

# A bigint: larger numbers cannot be a package code.
MAX_CODE = 2**63 - 1

# The columns a list row needs (the selector loads fewer).
ROW_FIELDS = (
    "pk",
    "portal_id",
    "code",
    "name",
    "institution",
    "hps",
    "pagu",
    "state",
    "repeat_of_id",
    "published_at",
    "procurement_type",
    "selection_method",
    "qualification_method",
    "document_method",
    "evaluation_method",
    "budget_year",
)


class Kind(Enum):
    TENDER = "tender"
    NON_TENDER = "nontender"


def kind_of(package: Package) -> Kind:
    if package.selection_method in NON_TENDER_METHODS:
        return Kind.NON_TENDER
    return Kind.TENDER


def _of_kind(packages: QuerySet[Package], kind: Kind) -> QuerySet[Package]:
    packages = packages.filter(published_at__isnull=False)
    if kind is Kind.NON_TENDER:
        return packages.filter(selection_method__in=NON_TENDER_METHODS)
    return packages.exclude(selection_method__in=NON_TENDER_METHODS)


def _taken_part_by(vendor: str, now: datetime) -> Exists:
    """Tenders in which a company whose name contains `vendor` takes part, once the bid
    deadline has passed: before it the participants are not public (bids.selectors.public)."""
    deadline_passed = ScheduleStage.objects.filter(
        package=OuterRef("package_id"), key=BID_UPLOAD, ends_at__lte=now
    )
    return Exists(
        Participation.objects.filter(package=OuterRef("pk"), company__name__icontains=vendor)
        .filter(Exists(deadline_passed))
        .values("pk")
    )


@dataclass(frozen=True)
class ListPage:
    total: int
    filtered: int
    rows: list[TenderRow]


def spse_list(*, portal: Portal, kind: Kind, query: ListQuery, now: datetime) -> ListPage:
    """One page of the portal's published tenders (or non-tender packages) for
    `dt/lelang` (`dt/pl`), with the real counts: all of that kind, and those matching."""
    total = _of_kind(public_packages(portal=portal), kind).count()
    if query.category is None:
        return ListPage(total=total, filtered=0, rows=[])
    filters = TenderFilters(
        q=query.search,
        budget_year=query.year,
        procurement_type=query.category,
        institution=query.institution,
    )
    packages = _of_kind(public_tender_list(portal=portal, filters=filters, now=now), kind)
    if query.vendor:
        packages = packages.filter(_taken_part_by(query.vendor, now))
    filtered = packages.count()
    if query.order_column:
        field = F(query.order_column)
        packages = packages.order_by(
            field.desc() if query.descending else field.asc(),
            F("pk").desc() if query.descending else F("pk").asc(),
        )
    if query.length == 0 or query.start >= filtered:
        return ListPage(total=total, filtered=filtered, rows=[])
    # The contract's value for the row's contract cell, in the same query.
    packages = packages.only(*ROW_FIELDS).annotate(contract_value=F("contract__value"))
    page: list[Package] = list(packages[query.start : query.start + query.length])
    return ListPage(total=total, filtered=filtered, rows=tender_rows(page, now=now))


def spse_package(*, portal: Portal, code: str, kind: Kind) -> Package | None:
    """A published package of this portal by the code in the address, of `kind`; None
    for anything else (not a number, unknown, a draft, another portal's, the other kind):
    the reader is told "not found" alike."""
    if not code.isascii() or not code.isdigit() or len(code) > 19:
        return None
    number = int(code)
    if not 0 < number <= MAX_CODE:
        return None
    try:
        package = access_public_package(portal=portal, code=number)
    except Http404:
        return None
    if package.published_at is None or kind_of(package) is not kind:
        return None
    return package


# --- Evaluation, winner and contract: issue 13 fills these; the pages are ready. ---

# SPSE's evaluation columns after No and Nama Peserta (SPSE-COMPAT.md): `p` twice, the
# first for the offer (penawaran), the second for the winner (pemenang).
EVALUATION_CODES = (
    "a",
    "t",
    "st",
    "p",
    "pt",
    "hn",
    "sh",
    "sa",
    "b",
    "k",
    "sk",
    "sb",
    "h",
    "p",
    "pk",
)


class Mark(Enum):
    """A pass/fail cell: its Font Awesome icon."""

    PASSED = "fa-check"
    FAILED = "fa-close"
    NOT_EVALUATED = "fa-minus"


@dataclass(frozen=True)
class EvaluationRow:
    """One participant's row, a cell per code of EVALUATION_CODES: a Mark, a score
    (Decimal, a plain number), a price (`prices` says which codes are money) or None."""

    name: str
    npwp: str
    cells: tuple[Mark | Decimal | None, ...]
    winner: bool = False
    contracted: bool = False


@dataclass(frozen=True)
class Winner:
    name: str
    address: str
    npwp: str
    offer_price: Decimal | None
    corrected_price: Decimal | None
    negotiated_price: Decimal | None


def _mark(passed: bool | None) -> Mark:
    if passed is None:
        return Mark.NOT_EVALUATED
    return Mark.PASSED if passed else Mark.FAILED


def evaluation_rows(package: Package) -> list[EvaluationRow]:
    """The evaluation results once the winner is announced (inaproc.evaluation); before,
    none: the page shows SPSE's header row and no participant row."""
    return [
        EvaluationRow(
            name=row.name,
            npwp=row.npwp,
            cells=(
                _mark(row.administrasi),  # a
                _mark(row.teknis),  # t
                row.technical_score,  # st
                row.offer_price,  # p
                row.corrected_price,  # pt
                row.negotiated_price,  # hn: the negotiated price (non-tender)
                row.price_score,  # sh
                row.total,  # sa
                _mark(row.proof),  # b
                _mark(row.kualifikasi),  # k
                None,  # sk
                None,  # sb
                _mark(row.harga),  # h
            ),
            winner=row.winner,
        )
        for row in public_evaluation(package)
    ]


def winners(package: Package, *, contracted: bool) -> list[Winner]:
    """The announced winner (inaproc.evaluation); `contracted`: the winner once its
    contract is recorded (inaproc.award)."""
    if contracted and public_contract(package) is None:
        return []
    winner = public_winner(package)
    if winner is None:
        return []
    return [
        Winner(
            name=winner.name,
            address=winner.address,
            npwp=winner.npwp,
            offer_price=winner.offer_price,
            corrected_price=winner.corrected_price,
            negotiated_price=winner.negotiated_price,
        )
    ]


def participants_corrected(package: Package) -> dict[str, Decimal]:
    """The corrected prices by NPWP for the participants page, once announced."""
    return corrected_prices(package)
