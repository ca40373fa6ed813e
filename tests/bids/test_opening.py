"""The opening: shares only after the deadline and from members who hold one, the key
rebuilt at k shares and checked, every bid opened once (a re-run opens nothing twice), a
damaged bid recorded as failed, the record and the private key published."""

import hashlib
import io
import json
from decimal import Decimal

import pytest

from inaproc.bids.models import (
    BidOpening,
    OpenedFile,
    OpeningShare,
    OpeningStatus,
    SealedFile,
    SlotRule,
    TenderKey,
)
from inaproc.bids.services import opening as opening_service
from inaproc.bids.services.bids import bid_submit
from inaproc.bids.services.opening import OpeningRefused, envelope_open, opening_share_submit
from inaproc.files.storage import document_open, document_storage
from inaproc.seal.encoding import b64u_decode, private_from_scalar
from inaproc.seal.sealed_file import open_stream
from inaproc.tenders.models import Participation
from inaproc.translog.models import LogEntry
from tests.bids.factories import after_deadline, fill_draft, my_share
from tests.factories import make_user
from tests.tenders.participation_factories import make_vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def bids(portal_a, tender, bidder):
    """Two companies' submitted bids: (member, participation, price) each."""
    rows = []
    second = make_vendor(portal_a)
    participations = [
        bidder,
        (
            second,
            Participation.objects.create(
                package=tender,
                company=second.company,
                joined_by=second.user,
                integrity_pact_agreed_at=tender.published_at,
            ),
        ),
    ]
    for price, (member, participation) in zip(
        (900_000_000, 875_500_000), participations, strict=True
    ):
        fill_draft(participation, member.user, price=price)
        bid_submit(participation=participation, user=member.user)
        rows.append((member, participation, price))
    return rows


def _members(tender):
    return [member.user for member in tender.pokja.members.order_by("pk")]


def test_a_share_before_the_deadline_is_refused_and_not_stored(tender, bids, english):
    key = TenderKey.objects.get(package=tender)
    member = _members(tender)[0]
    with pytest.raises(OpeningRefused, match="after the bid deadline"):
        opening_share_submit(key=key, member=member, share=my_share(key, member))
    assert not OpeningShare.objects.exists()


def test_shares_from_outsiders_twice_or_malformed_are_refused(portal_a, tender, bids):
    key = TenderKey.objects.get(package=tender)
    when = after_deadline(tender)
    first = _members(tender)[0]
    with pytest.raises(OpeningRefused):
        opening_share_submit(
            key=key, member=make_user(portal_a, role="pokja"), share=b"x" * 33, now=when
        )
    with pytest.raises(OpeningRefused):
        opening_share_submit(key=key, member=first, share=b"short", now=when)
    assert (
        opening_share_submit(key=key, member=first, share=my_share(key, first), now=when) is False
    )
    with pytest.raises(OpeningRefused):
        opening_share_submit(key=key, member=first, share=my_share(key, first), now=when)
    assert OpeningShare.objects.count() == 1


def test_k_shares_open_every_bid_and_publish_the_record_and_the_key(tender, bids):
    key = TenderKey.objects.get(package=tender)
    when = after_deadline(tender)
    first, second, _third = _members(tender)
    opening_share_submit(key=key, member=first, share=my_share(key, first), now=when)
    assert opening_share_submit(key=key, member=second, share=my_share(key, second), now=when)
    opened = envelope_open(key=key)
    assert opened.opened_at is not None and opened.private_scalar is not None
    results = {o.bid_version.participation_id: o for o in BidOpening.objects.all()}
    for _member, participation, price in bids:
        assert results[participation.pk].status == OpeningStatus.OPENED
        assert results[participation.pk].offer_price == Decimal(price)
    assert OpenedFile.objects.filter(status=OpeningStatus.OPENED).count() == 6
    kinds = list(LogEntry.objects.filter(portal=tender.portal).values_list("kind", flat=True))
    assert kinds[-2:] == ["tender.opening_record", "tender.private_key_published"]
    record = json.loads(LogEntry.objects.get(kind="tender.opening_record").body)
    assert {row["offer_price"] for row in record["bids"]} == {"900000000", "875500000"}


def test_anyone_reopens_every_sealed_file_with_the_published_key_and_finds_the_same_bytes(
    tender, bids
):
    key = TenderKey.objects.get(package=tender)
    when = after_deadline(tender)
    for member in _members(tender)[:2]:
        opening_share_submit(key=key, member=member, share=my_share(key, member), now=when)
    envelope_open(key=key)
    published = json.loads(LogEntry.objects.get(kind="tender.private_key_published").body)
    private = private_from_scalar(b64u_decode(published["private_key"]))
    for opened in OpenedFile.objects.select_related("sealed_file"):
        again = io.BytesIO()
        with document_open(name=opened.sealed_file.stored_name) as sealed:
            open_stream(sealed, again, private_key=private)
        with document_open(name=opened.stored_name) as kept:
            assert kept.read() == again.getvalue()


def test_a_wrong_share_does_not_stop_the_others_from_opening(portal_a, tender, bids):
    key = TenderKey.objects.get(package=tender)
    when = after_deadline(tender)
    first, second, third = _members(tender)
    bad = bytes(33)
    assert opening_share_submit(key=key, member=first, share=bad, now=when) is False
    assert (
        opening_share_submit(key=key, member=second, share=my_share(key, second), now=when) is False
    )
    assert opening_share_submit(key=key, member=third, share=my_share(key, third), now=when) is True


def test_a_damaged_sealed_file_is_recorded_as_failed_and_the_others_open(tender, bids):
    key = TenderKey.objects.get(package=tender)
    _member, damaged_participation, _price = bids[0]
    victim = SealedFile.objects.filter(
        participation=damaged_participation, slot="penawaran"
    ).first()
    path = document_storage().path(victim.stored_name)
    with open(path, "r+b") as handle:
        handle.seek(-20, io.SEEK_END)
        byte = handle.read(1)
        handle.seek(-20, io.SEEK_END)
        handle.write(bytes([byte[0] ^ 1]))
    when = after_deadline(tender)
    for member in _members(tender)[:2]:
        opening_share_submit(key=key, member=member, share=my_share(key, member), now=when)
    envelope_open(key=key)
    failed = OpenedFile.objects.get(sealed_file=victim)
    assert failed.status == OpeningStatus.FAILED and failed.error_code == "record_failed"
    statuses = {o.bid_version.participation_id: o.status for o in BidOpening.objects.all()}
    assert statuses[damaged_participation.pk] == OpeningStatus.FAILED
    assert statuses[bids[1][1].pk] == OpeningStatus.OPENED


def test_an_opening_that_stopped_half_way_finishes_without_opening_twice(tender, bids, monkeypatch):
    key = TenderKey.objects.get(package=tender)
    when = after_deadline(tender)
    for member in _members(tender)[:2]:
        opening_share_submit(key=key, member=member, share=my_share(key, member), now=when)
    real = opening_service._open_bid
    calls = {"n": 0}

    def crash_on_second(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real(*args)

    monkeypatch.setattr(opening_service, "_open_bid", crash_on_second)
    with pytest.raises(RuntimeError):
        envelope_open(key=key)
    assert BidOpening.objects.count() == 1
    monkeypatch.setattr(opening_service, "_open_bid", real)
    envelope_open(key=key)
    envelope_open(key=key)
    assert BidOpening.objects.count() == 2
    assert OpenedFile.objects.count() == 6
    assert LogEntry.objects.filter(kind="tender.opening_record").count() == 1


def test_a_file_of_a_type_the_tender_does_not_allow_opens_and_is_flagged(tender, bids):
    SlotRule.objects.create(package=tender, slot="penawaran", max_file_mb=100, extensions="zip")
    key = TenderKey.objects.get(package=tender)
    when = after_deadline(tender)
    for member in _members(tender)[:2]:
        opening_share_submit(key=key, member=member, share=my_share(key, member), now=when)
    envelope_open(key=key)
    flagged = OpenedFile.objects.filter(sealed_file__slot="penawaran")
    assert {(f.status, f.error_code) for f in flagged} == {("opened", "type_not_allowed")}
    assert OpenedFile.objects.filter(sealed_file__slot="kualifikasi", error_code="").count() == 2


def test_bids_sealed_into_and_opened_from_the_object_store(s3_server, s3_documents, tender, bids):
    """With DOCUMENT_STORAGE=s3 (a real S3-compatible server) the sealed files go into the
    bucket, the opening reads them back as streams, and the opened files it stores are
    objects too, whose bytes are those the published key opens again."""
    key = TenderKey.objects.get(package=tender)
    when = after_deadline(tender)
    for member in _members(tender)[:2]:
        opening_share_submit(key=key, member=member, share=my_share(key, member), now=when)
    envelope_open(key=key)

    published = json.loads(LogEntry.objects.get(kind="tender.private_key_published").body)
    private = private_from_scalar(b64u_decode(published["private_key"]))
    listed = s3_server.client().list_objects_v2(Bucket=s3_documents)
    names = {item["Key"] for item in listed["Contents"]}
    opened_files = list(OpenedFile.objects.select_related("sealed_file"))
    assert len(opened_files) == 6
    assert {o.stored_name for o in opened_files} <= names
    assert {o.sealed_file.stored_name for o in opened_files} <= names
    for opened in opened_files:
        again = io.BytesIO()
        with document_open(name=opened.sealed_file.stored_name) as sealed:
            open_stream(sealed, again, private_key=private)
        assert hashlib.sha256(again.getvalue()).hexdigest() == opened.sha256
