"""What the public sees of sealed bids: the tender keys (to seal offline), the
participants, and after each opening the opening record, the prices and the private key."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from inaproc.bids.models import BidOpening, OpeningStatus, TenderKey
from inaproc.bids.slots import slots_for
from inaproc.tenders.models import Package, Participation
from inaproc.tenders.selectors.participation import bid_deadline


@dataclass(frozen=True)
class PublicParticipant:
    name: str
    npwp: str
    bid_received: bool
    offer_price: Decimal | None
    opened: bool | None


def public_keys(package: Package) -> list[TenderKey]:
    return list(TenderKey.objects.filter(package=package).order_by("envelope"))


def slots_of_envelope(package: Package, envelope: int) -> list[str]:
    return [slot.code for slot in slots_for(package) if slot.envelope == envelope]


def participants_public(package: Package, *, now: datetime) -> tuple[int, list[PublicParticipant]]:
    """How many take part; their names only after the bid deadline (before it a list of
    competitors would only help collusion), and their prices once the price envelope is
    opened."""
    participations = list(
        Participation.objects.filter(package=package)
        .select_related("company")
        .order_by("joined_at", "pk")
    )
    deadline = bid_deadline(package)
    if deadline is None or now < deadline:
        return len(participations), []
    openings: dict[int, BidOpening] = {}
    for opening in (
        BidOpening.objects.filter(tender_key__package=package, tender_key__opened_at__isnull=False)
        .select_related("bid_version", "tender_key")
        .order_by("tender_key__envelope")
    ):
        earlier = openings.get(opening.bid_version.participation_id)
        if earlier is None or opening.offer_price is not None:
            openings[opening.bid_version.participation_id] = opening
    rows = []
    for participation in participations:
        found = openings.get(participation.pk)
        rows.append(
            PublicParticipant(
                name=participation.company.name,
                npwp=participation.company.npwp,
                bid_received=participation.bid_versions.filter(state="submitted").exists(),
                offer_price=found.offer_price if found else None,
                opened=(found.status == OpeningStatus.OPENED) if found else None,
            )
        )
    return len(participations), rows
