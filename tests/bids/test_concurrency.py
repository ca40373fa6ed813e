"""Fifty companies submitting at once on PostgreSQL, each in its own connection: every bid
is committed once, for the right company, with its own log entry, the log without gaps;
and one company submitting twice at once gets two versions in order, never two current."""

from django.db import connections

from inaproc.bids.models import BidState, BidVersion
from inaproc.bids.services.bids import BidRefused, bid_submit
from inaproc.seal.entries import verify_signed_entry
from inaproc.tenders.models import Participation
from inaproc.translog.models import LogEntry, SigningKey
from tests.bids.factories import fill_draft
from tests.helpers import POSTGRESQL_CONCURRENT, all_at_once
from tests.tenders.participation_factories import make_vendor

pytestmark = POSTGRESQL_CONCURRENT

COMPANIES = 50


def test_fifty_companies_submitting_at_once_each_get_their_own_receipt(portal_a, tender):
    bidders = []
    for _ in range(COMPANIES):
        member = make_vendor(portal_a)
        participation = Participation.objects.create(
            package=tender,
            company=member.company,
            joined_by=member.user,
            integrity_pact_agreed_at=tender.published_at,
        )
        fill_draft(participation, member.user, price=1_000_000 + len(bidders))
        bidders.append((member, participation))
    connections.close_all()

    results = all_at_once(
        [
            lambda member=member, participation=participation: bid_submit(
                participation=participation, user=member.user
            )
            for member, participation in bidders
        ]
    )

    assert all(isinstance(result, BidVersion) for result in results)
    keys = {key.key_id: bytes(key.public_key) for key in SigningKey.objects.all()}
    for (member, participation), version in zip(bidders, results, strict=True):
        body = verify_signed_entry(version.receipt, keys)
        assert body["company_npwp"] == member.company.npwp
        assert version.participation_id == participation.pk
        assert set(version.files.values_list("participation", flat=True)) == {participation.pk}
    indexes = sorted(LogEntry.objects.filter(portal=portal_a).values_list("index", flat=True))
    assert indexes == list(range(len(indexes)))
    assert len({version.log_index for version in results}) == COMPANIES


def test_one_company_submitting_twice_at_once_keeps_one_current_version(tender, bidder):
    member, participation = bidder
    fill_draft(participation, member.user)
    connections.close_all()

    results = all_at_once(
        [lambda: bid_submit(participation=participation, user=member.user)] * 2,
        refusals=(BidRefused,),
    )

    # The second finds the same files already submitted and is refused.
    assert sorted(type(result).__name__ for result in results) == ["BidRefused", "BidVersion"]
    assert (
        BidVersion.objects.filter(participation=participation, state=BidState.SUBMITTED).count()
        == 1
    )
