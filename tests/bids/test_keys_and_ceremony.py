"""Opening keys and the tender key ceremony: what the server accepts from the browser,
and what blocks publication until the keys are right."""

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone

from inaproc.audit.models import AuditEvent
from inaproc.bids.models import KeyShare, OpeningKey, TenderKey
from inaproc.bids.selectors.keys import key_holders
from inaproc.bids.services.ceremony import (
    CeremonyRefused,
    EnvelopeIn,
    ShareIn,
    ceremony_payload_parse,
    tender_keys_record,
)
from inaproc.bids.services.keys import KeyRefused, opening_key_register
from inaproc.seal.encoding import b64u_encode, fingerprint, public_raw
from inaproc.seal.tender_keys import make_tender_key, split_tender_key, wrap_share
from inaproc.tenders.services.publication import publication_blockers
from tests.bids.factories import make_opening_key
from tests.factories import make_user
from tests.tenders.participation_factories import make_package, make_pokja

pytestmark = pytest.mark.django_db


def _raw() -> bytes:
    return public_raw(ec.generate_private_key(ec.SECP256R1()))


def _ceremony(package, *, leave_out: int | None = None, envelopes=(1,)) -> list[EnvelopeIn]:
    """What a browser sends: a fresh key per envelope, shares for the current holders."""
    holders = [holder for holder in key_holders(package) if holder.key is not None]
    result = []
    for envelope in envelopes:
        private, raw = make_tender_key()
        shares = split_tender_key(private, len(holders), 2)
        items = []
        for index, (holder, share) in enumerate(zip(holders, shares, strict=True)):
            if index == leave_out:
                continue
            epk, ct = wrap_share(
                bytes(holder.key.public_key), share, tender=str(package.code), envelope=envelope
            )
            items.append(ShareIn(holder.key.fingerprint, epk, ct))
        result.append(EnvelopeIn(envelope, raw, tuple(items)))
    return result


@pytest.fixture
def package(portal_a):
    pokja, _members = make_pokja(portal_a)
    return make_package(portal_a, pokja=pokja, tender_keys=False)


def test_an_official_registers_one_opening_key_and_replaces_it_only_on_purpose(portal_a):
    user = make_user(portal_a, role="pokja")
    first = opening_key_register(user=user, public_key=_raw())
    with pytest.raises(KeyRefused):
        opening_key_register(user=user, public_key=_raw())
    second = opening_key_register(user=user, public_key=_raw(), replace=True)
    first.refresh_from_db()
    assert first.replaced_at is not None and second.replaced_at is None
    verbs = AuditEvent.objects.filter(verb__startswith="bids.opening_key").order_by("pk")
    assert list(verbs.values_list("verb", flat=True)) == [
        "bids.opening_key_created",
        "bids.opening_key_replaced",
    ]


@pytest.mark.parametrize("raw", [b"", b"\x04" + b"\x00" * 64, b"\x02" + b"\x01" * 32])
def test_a_key_that_is_not_a_p256_point_is_refused(portal_a, raw):
    user = make_user(portal_a, role="pokja")
    with pytest.raises(KeyRefused):
        opening_key_register(user=user, public_key=raw)
    assert not OpeningKey.objects.exists()


def test_only_pokja_members_and_pejabat_pengadaan_hold_opening_keys(portal_a):
    with pytest.raises(KeyRefused):
        opening_key_register(user=make_user(portal_a, role="ppk"), public_key=_raw())


def test_publication_waits_for_enough_opening_keys_then_for_the_tender_keys(package, english):
    holders = key_holders(package)
    assert publication_blockers(package) == [
        "Only 0 officials have an opening key; 2 are needed to open the bids. Each member "
        "creates one on the Opening key page."
    ]
    make_opening_key(holders[0].user)
    make_opening_key(holders[1].user)
    assert publication_blockers(package) == [
        "The tender keys are not made yet: a runner makes them on the Tender keys page."
    ]
    tender_keys_record(package=package, user=holders[0].user, envelopes=_ceremony(package))
    assert publication_blockers(package) == []
    key = TenderKey.objects.get(package=package)
    assert key.threshold == 2 and key.private_scalar is None
    assert KeyShare.objects.filter(tender_key=key).count() == 2


def test_keys_made_before_a_member_changed_key_must_be_made_again(package, english):
    holders = key_holders(package)
    for holder in holders:
        make_opening_key(holder.user)
    tender_keys_record(package=package, user=holders[0].user, envelopes=_ceremony(package))
    opening_key_register(user=holders[2].user, public_key=_raw(), replace=True)
    assert publication_blockers(package) == [
        "The officials or their opening keys changed after the tender keys were made: make "
        "the tender keys again."
    ]
    tender_keys_record(package=package, user=holders[1].user, envelopes=_ceremony(package))
    assert publication_blockers(package) == []
    assert TenderKey.objects.filter(package=package).count() == 1


def test_the_ceremony_refuses_shares_missing_a_holder_or_wrong_envelopes(package):
    holders = key_holders(package)
    for holder in holders:
        make_opening_key(holder.user)
    user = holders[0].user
    for envelopes in (_ceremony(package, leave_out=1), _ceremony(package, envelopes=(1, 2))):
        with pytest.raises(CeremonyRefused):
            tender_keys_record(package=package, user=user, envelopes=envelopes)
    bad_point = [EnvelopeIn(1, b"\x04" + b"\x01" * 64, _ceremony(package)[0].shares)]
    with pytest.raises(CeremonyRefused):
        tender_keys_record(package=package, user=user, envelopes=bad_point)
    assert not TenderKey.objects.exists()


def test_only_a_runner_of_an_unpublished_package_makes_its_keys(package, portal_a):
    holders = key_holders(package)
    for holder in holders:
        make_opening_key(holder.user)
    outsider = make_user(portal_a, role="pokja")
    with pytest.raises(CeremonyRefused):
        tender_keys_record(package=package, user=outsider, envelopes=_ceremony(package))
    package.publish(at=timezone.now())
    package.save()
    with pytest.raises(CeremonyRefused):
        tender_keys_record(package=package, user=holders[0].user, envelopes=_ceremony(package))


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        {"envelopes": "x"},
        {"envelopes": [{"envelope": "a"}]},
        {"envelopes": [{"envelope": 1, "public_key": "!!", "shares": []}]},
    ],
)
def test_an_unreadable_payload_is_refused_not_a_crash(payload):
    with pytest.raises(CeremonyRefused):
        ceremony_payload_parse(payload)


def test_a_readable_payload_is_parsed():
    raw = _raw()
    envelopes = ceremony_payload_parse(
        {
            "envelopes": [
                {
                    "envelope": 1,
                    "public_key": b64u_encode(raw),
                    "shares": [
                        {
                            "fingerprint": fingerprint(raw),
                            "epk": b64u_encode(raw),
                            "ciphertext": "AAAA",
                        }
                    ],
                }
            ]
        }
    )
    assert envelopes[0].public_key == raw and envelopes[0].shares[0].ciphertext == b"\x00\x00\x00"
