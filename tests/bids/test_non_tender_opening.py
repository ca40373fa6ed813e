"""A non-tender package is opened by its Pejabat Pengadaan alone: the tender key is
shared 1-of-1 to his opening key, and his one share rebuilds it and opens the bids."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inaproc.bids.models import BidOpening, KeyShare, OpeningStatus, TenderKey
from inaproc.bids.services.bids import bid_submit
from inaproc.bids.services.opening import OpeningRefused, envelope_open, opening_share_submit
from inaproc.tenders.services.participation import participation_join
from tests.bids.factories import fill_draft, my_share
from tests.factories import make_user
from tests.tenders.invitation_factories import invite, non_tender_package
from tests.tenders.participation_factories import make_vendor

pytestmark = pytest.mark.django_db


def test_the_pejabat_pengadaan_opens_alone_with_his_opening_key(portal_a):
    """k = 1: the official's single share rebuilds the key and opens the invited bid;
    nobody else holds a share."""
    now = timezone.now()
    package, official = non_tender_package(
        portal_a,
        tender_keys=True,
        clarification=(now - timedelta(hours=1), now - timedelta(minutes=30)),
    )
    key = TenderKey.objects.get(package=package, envelope=1)
    assert key.threshold == 1
    assert list(KeyShare.objects.filter(tender_key=key).values_list("member", flat=True)) == [
        official.pk
    ]
    vendor = make_vendor(portal_a)
    invite(package, vendor.company)
    participation = participation_join(package=package, member=vendor, integrity_pact=True)
    fill_draft(participation, vendor.user, price=95_000_000)
    bid_submit(participation=participation, user=vendor.user)
    opening = package.stages.get(key="evaluasi_negosiasi_pl")
    when = opening.starts_at + timedelta(minutes=1)
    stranger = make_user(portal_a, role="pejabat_pengadaan")
    with pytest.raises(OpeningRefused):
        opening_share_submit(key=key, member=stranger, share=bytes(32), now=when)
    assert opening_share_submit(key=key, member=official, share=my_share(key, official), now=when)
    envelope_open(key=TenderKey.objects.get(pk=key.pk))
    key.refresh_from_db()
    assert key.opened_at is not None
    assert BidOpening.objects.get(bid_version__participation=participation).status == (
        OpeningStatus.OPENED
    )
