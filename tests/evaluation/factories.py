"""Opened tenders for the evaluation tests: a published tender whose bid deadline has
passed, bids submitted and opened (BidVersion and BidOpening rows made directly, as the
opening would leave them), its Pokja's members."""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from inaproc.bids.models import BidOpening, BidState, BidVersion, OpeningStatus, TenderKey
from inaproc.tenders.models import PackageState, Participation
from tests.tenders.participation_factories import make_package, make_pokja, make_vendor

_log = itertools.count(1)


def opened_tender(portal, *, prices=(900_000_000, 875_000_000, 880_000_000), opened=True, **fields):
    """(package, Pokja members, [(vendor member, participation)…]) of a tender whose bids
    at `prices` are opened (the tender key's opened_at set unless `opened` is False);
    `fields` change the package (e.g. evaluation_method)."""
    now = timezone.now()
    pokja, members = make_pokja(portal)
    start = now - timedelta(days=12)
    package = make_package(
        portal,
        pokja=pokja,
        state=PackageState.PUBLISHED,
        start=start,
        clarification=(start + timedelta(days=1), start + timedelta(days=2)),
        bid_deadline=now - timedelta(days=5),
    )
    if fields:
        for name, value in fields.items():
            setattr(package, name, value)
        package.save()
    if not TenderKey.objects.filter(package=package, envelope=2).exists() and fields.get(
        "document_method"
    ) in ("dua_file", "dua_tahap"):
        # The keys were made for one file; file II's key, as the ceremony would add it.
        TenderKey.objects.create(
            package=package,
            envelope=2,
            public_key=b"\x04" + bytes(64),
            fingerprint=f"evaluation-test-{package.pk}",
            threshold=2,
            created_by=members[0],
        )
    bidders = []
    for index, price in enumerate(prices):
        member = make_vendor(portal)
        participation = Participation.objects.create(
            package=package,
            company=member.company,
            joined_by=member.user,
            integrity_pact_agreed_at=package.published_at,
        )
        bid_in(package, participation, price, submitted_at=now - timedelta(days=6, minutes=-index))
        bidders.append((member, participation))
    if opened:
        TenderKey.objects.filter(package=package, envelope=1).update(opened_at=now)
    return package, members, bidders


def bid_in(package, participation, price, *, submitted_at, envelope: int = 1) -> BidOpening:
    version = BidVersion.objects.filter(participation=participation).first()
    if version is None:
        version = BidVersion.objects.create(
            participation=participation,
            number=1,
            state=BidState.SUBMITTED,
            submitted_at=submitted_at,
            log_index=next(_log),
            receipt={},
            receipt_sha256="0" * 64,
        )
    key = TenderKey.objects.get(package=package, envelope=envelope)
    return BidOpening.objects.create(
        tender_key=key,
        bid_version=version,
        status=OpeningStatus.OPENED,
        offer_price=Decimal(price) if price is not None else None,
    )
