"""A company's bid: sealed files checked at upload, versions with signed receipts in the
transparency log, replacing and withdrawing until the deadline, never after."""

import hashlib
import io
import json
from datetime import timedelta

import pytest
from django.core import mail

from inaproc.bids.models import BidState, BidVersion, SealedFile
from inaproc.bids.services.bids import (
    BidRefused,
    bid_submit,
    bid_withdraw,
    draft_file_remove,
    sealed_file_store,
)
from inaproc.notifications.models import Email
from inaproc.seal.entries import LogVerificationError, public_keys_from, verify_signed_entry
from inaproc.translog.models import LogEntry, SigningKey
from tests.bids.factories import fill_draft, letter_bytes, sealed_bytes
from tests.helpers import run_tasks_until_idle
from tests.tenders.participation_factories import published_tender

pytestmark = pytest.mark.django_db


def _store(participation, user, slot, data, **options):
    return sealed_file_store(
        participation=participation,
        user_id=user.pk,
        slot_code=slot,
        source=io.BytesIO(data),
        **options,
    )


def test_a_sealed_file_for_this_tender_and_slot_enters_the_draft(tender, bidder):
    member, participation = bidder
    data = sealed_bytes(tender, "penawaran", b"%PDF-1.4 offer")
    sealed = _store(participation, member.user, "penawaran", data)
    assert sealed.in_draft and sealed.envelope == 1 and sealed.size == len(data)
    assert sealed.sha256 == hashlib.sha256(data).hexdigest()


def test_a_file_sealed_for_another_slot_or_tender_or_cut_short_is_refused(
    portal_a, tender, bidder, english
):
    member, participation = bidder
    other = published_tender(portal_a)
    good = sealed_bytes(tender, "penawaran", b"x" * 5000)
    cases = {
        "other slot": sealed_bytes(tender, "kualifikasi", b"x"),
        "other tender": sealed_bytes(other, "penawaran", b"x"),
        "records cut off": good[:-5010],
        "not sealed": b"%PDF-1.4 plain",
    }
    for name, data in cases.items():
        with pytest.raises(BidRefused):
            _store(participation, member.user, "penawaran", data)
        assert not SealedFile.objects.exists(), name
    # Cut inside its last record the framing still fits: the hash the browser computed
    # tells (the opening would, too).
    with pytest.raises(BidRefused):
        _store(
            participation,
            member.user,
            "penawaran",
            good[:-10],
            claimed_sha256=hashlib.sha256(good).hexdigest(),
        )
    assert not SealedFile.objects.exists()


def test_a_hash_that_differs_from_the_browsers_is_refused(tender, bidder):
    member, participation = bidder
    data = sealed_bytes(tender, "penawaran", b"abc")
    with pytest.raises(BidRefused, match="SHA-256"):
        _store(participation, member.user, "penawaran", data, claimed_sha256="0" * 64)
    assert not SealedFile.objects.exists()


def test_a_new_bid_letter_replaces_the_one_in_the_draft(tender, bidder):
    member, participation = bidder
    first = _store(participation, member.user, "surat_penawaran", letter_bytes(tender, price=1))
    second = _store(participation, member.user, "surat_penawaran", letter_bytes(tender, price=2))
    first.refresh_from_db()
    assert not first.in_draft and second.in_draft


def test_uploads_after_the_deadline_are_refused(tender, bidder):
    member, participation = bidder
    deadline = tender.stages.get(key="upload_penawaran").ends_at
    data = sealed_bytes(tender, "penawaran", b"late")
    with pytest.raises(BidRefused):
        _store(participation, member.user, "penawaran", data, now=deadline)


def test_a_bid_needs_every_part(tender, bidder, english):
    member, participation = bidder
    _store(participation, member.user, "penawaran", sealed_bytes(tender, "penawaran", b"x"))
    with pytest.raises(BidRefused, match="Missing: Qualification documents, Bid letter"):
        bid_submit(participation=participation, user=member.user)


def test_submitting_gives_a_signed_receipt_in_the_log_and_an_email(
    tender, bidder, client, django_capture_on_commit_callbacks
):
    member, participation = bidder
    fill_draft(participation, member.user)
    version = bid_submit(participation=participation, user=member.user)
    assert version.number == 1 and version.state == BidState.SUBMITTED
    entry = LogEntry.objects.get(portal=tender.portal, index=version.log_index)
    assert entry.kind == "bid.received"
    keys = public_keys_from(
        json.loads(client.get(f"/{tender.portal.slug}/.well-known/inaproc-keys.json").content)
    )
    body = verify_signed_entry(version.receipt, keys)
    assert body["tender"] == str(tender.code)
    assert body["company_npwp"] == participation.company.npwp
    assert sorted(f["slot"] for f in body["files"]) == [
        "kualifikasi",
        "penawaran",
        "surat_penawaran",
    ]
    assert {f["sha256"] for f in body["files"]} == set(
        version.files.values_list("sha256", flat=True)
    )
    assert not Email.objects.exists()  # the worker writes it: the submit does not wait
    run_tasks_until_idle(django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.to == [member.user.email] and str(tender.code) in email.subject
    assert version.receipt["signature"] in email.body


def test_a_receipt_with_a_changed_byte_does_not_verify(tender, bidder):
    member, participation = bidder
    fill_draft(participation, member.user)
    version = bid_submit(participation=participation, user=member.user)
    keys = {key.key_id: bytes(key.public_key) for key in SigningKey.objects.all()}
    forged = dict(
        version.receipt, body=version.receipt["body"].replace('"bid_version":1', '"bid_version":2')
    )
    with pytest.raises(LogVerificationError):
        verify_signed_entry(forged, keys)


def test_replacing_keeps_the_earlier_version_superseded(tender, bidder, english):
    member, participation = bidder
    fill_draft(participation, member.user)
    first = bid_submit(participation=participation, user=member.user)
    with pytest.raises(BidRefused, match="already submitted"):
        bid_submit(participation=participation, user=member.user)
    old = SealedFile.objects.get(participation=participation, in_draft=True, slot="penawaran")
    draft_file_remove(participation=participation, file_id=old.pk)
    _store(participation, member.user, "penawaran", sealed_bytes(tender, "penawaran", b"v2"))
    second = bid_submit(participation=participation, user=member.user)
    first.refresh_from_db()
    old.refresh_from_db()
    assert first.state == BidState.SUPERSEDED and second.state == BidState.SUBMITTED
    assert second.number == 2 and second.log_index > first.log_index
    assert old in first.files.all() and old not in second.files.all()


def test_withdrawing_is_recorded_and_the_company_may_submit_again(tender, bidder):
    member, participation = bidder
    fill_draft(participation, member.user)
    first = bid_submit(participation=participation, user=member.user)
    withdrawn = bid_withdraw(participation=participation, user=member.user)
    assert withdrawn.state == BidState.WITHDRAWN and withdrawn.withdrawn_at
    assert LogEntry.objects.filter(kind="bid.withdrawn").count() == 1
    with pytest.raises(BidRefused):
        bid_withdraw(participation=participation, user=member.user)
    again = bid_submit(participation=participation, user=member.user)
    assert again.number == first.number + 1


def test_nothing_is_submitted_or_withdrawn_at_or_after_the_deadline(tender, bidder):
    member, participation = bidder
    fill_draft(participation, member.user)
    deadline = tender.stages.get(key="upload_penawaran").ends_at
    with pytest.raises(BidRefused):
        bid_submit(participation=participation, user=member.user, now=deadline)
    bid_submit(participation=participation, user=member.user, now=deadline - timedelta(seconds=1))
    with pytest.raises(BidRefused):
        bid_withdraw(participation=participation, user=member.user, now=deadline)
    assert BidVersion.objects.count() == 1
