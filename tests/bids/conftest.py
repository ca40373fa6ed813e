from datetime import timedelta

import pytest
from django.utils import timezone

from inaproc.tenders.models import Participation
from tests.tenders.participation_factories import make_vendor, published_tender


@pytest.fixture
def tender(portal_a):
    """A published one-file tender, bids received now (the clarification is over, the
    deadline in two days)."""
    now = timezone.now()
    return published_tender(
        portal_a, clarification=(now - timedelta(hours=1), now - timedelta(minutes=30))
    )


@pytest.fixture
def bidder(portal_a, tender):
    """A vendor's admin whose company takes part in `tender`: (member, participation)."""
    member = make_vendor(portal_a)
    participation = Participation.objects.create(
        package=tender,
        company=member.company,
        joined_by=member.user,
        integrity_pact_agreed_at=tender.published_at,
    )
    return member, participation
