"""A bid deadline is followed by a signed tree head even when the log did not grow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inaproc.translog.models import TreeHead
from inaproc.translog.services import append_entry, sign_tree_head, sign_tree_heads_due
from tests.tenders.participation_factories import published_tender

pytestmark = pytest.mark.django_db


def test_a_bid_deadline_since_the_last_head_gets_a_head_of_its_own(portal_a):
    now = timezone.now()
    tender = published_tender(portal_a, bid_deadline=now + timedelta(minutes=40))
    append_entry(portal=portal_a, kind="test", body={"n": 1})
    sign_tree_head(portal=portal_a)
    assert sign_tree_heads_due(now + timedelta(minutes=30)) == []  # nothing new, young head
    deadline = tender.stages.get(key="upload_penawaran").ends_at
    signed = sign_tree_heads_due(deadline + timedelta(minutes=1))
    assert [head.portal_id for head in signed] == [portal_a.pk]
    assert TreeHead.objects.filter(portal=portal_a).count() == 2
