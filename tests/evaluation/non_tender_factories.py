"""An opened Pengadaan Langsung for the negotiation tests: invited companies' bids
opened (rows made as the opening leaves them), its Pejabat Pengadaan."""

from datetime import timedelta

from django.utils import timezone

from inaproc.bids.models import TenderKey
from inaproc.tenders.models import Participation
from tests.evaluation.factories import bid_in
from tests.tenders.invitation_factories import invite, non_tender_package
from tests.tenders.participation_factories import make_vendor


def opened_non_tender(portal, *, prices=(90_000_000,), hps=None):
    """(package, its Pejabat Pengadaan, [(vendor member, participation)…]) of a
    Pengadaan Langsung whose bids at `prices` are opened (HPS 950 million unless
    `hps`)."""
    now = timezone.now()
    start = now - timedelta(days=12)
    package, official = non_tender_package(
        portal,
        tender_keys=True,
        start=start,
        clarification=(start + timedelta(days=1), start + timedelta(days=2)),
        bid_deadline=now - timedelta(days=5),
    )
    if hps is not None:
        package.hps = hps
        package.save(update_fields=["hps"])
    bidders = []
    for index, price in enumerate(prices):
        member = make_vendor(portal)
        invite(package, member.company)
        participation = Participation.objects.create(
            package=package,
            company=member.company,
            joined_by=member.user,
            integrity_pact_agreed_at=package.published_at,
        )
        bid_in(package, participation, price, submitted_at=now - timedelta(days=6, minutes=-index))
        bidders.append((member, participation))
    TenderKey.objects.filter(package=package, envelope=1).update(opened_at=now)
    return package, official, bidders
