"""The sealed-bid pages through HTTP: who reaches them, the tus upload of a bid, the
plain upload of a file sealed offline, submitting under the second-factor check, the
officials' keys and opening pages, and the public pages."""

import base64
import hashlib
import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from inaproc.bids.models import BidVersion, OpeningKey, SealedFile, TenderKey
from inaproc.seal.encoding import b64u_encode, public_raw
from inaproc.seal.tender_keys import parse_tender_key_file
from tests.bids.factories import fill_draft, my_share, sealed_bytes, upload_capability
from tests.factories import make_user
from tests.helpers import signed_in
from tests.tenders.participation_factories import make_vendor

pytestmark = pytest.mark.django_db


def _bid_url(tender, rest=""):
    return f"/{tender.portal.slug}/perusahaan/tender/{tender.code}/penawaran/{rest}"


def _capability(client, tender) -> dict[str, str]:
    """The bid page's upload capability, as the header the page's script sends."""
    return {"HTTP_UPLOAD_CAPABILITY": upload_capability(client, tender)}


def _tus_upload(client, tender, data: bytes, slot: str, *, sha256: str | None = None):
    """Create and send a tus upload in two pieces; the last PATCH's response."""
    digest = sha256 or hashlib.sha256(data).hexdigest()
    meta = ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}"
        for key, value in {"slot": slot, "sha256": digest}.items()
    )
    capability = _capability(client, tender)
    created = client.post(
        _bid_url(tender, "unggah/"),
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH=str(len(data)),
        HTTP_UPLOAD_METADATA=meta,
        **capability,
    )
    assert created.status_code == 201, created.content
    location = created["Location"]
    half = len(data) // 2
    response = None
    for offset, piece in ((0, data[:half]), (half, data[half:])):
        response = client.generic(
            "PATCH",
            location,
            piece,
            content_type="application/offset+octet-stream",
            HTTP_TUS_RESUMABLE="1.0.0",
            HTTP_UPLOAD_OFFSET=str(offset),
            **capability,
        )
    return response


def test_the_bid_page_is_for_the_companys_users_only(client, portal_a, tender, bidder):
    member, _participation = bidder
    client = signed_in(member.user)
    page = client.get(_bid_url(tender))
    assert page.status_code == 200
    assert tender.tender_keys.get().fingerprint[:4] in page.content.decode()
    outsider = make_vendor(portal_a)
    client = signed_in(outsider.user)
    assert client.get(_bid_url(tender)).status_code == 404


def test_a_bid_travels_by_resumable_upload_and_a_hash_mismatch_is_refused(client, tender, bidder):
    member, _participation = bidder
    data = sealed_bytes(tender, "penawaran", b"%PDF-1.4 " + b"x" * 3000)
    client = signed_in(member.user)
    done = _tus_upload(client, tender, data, "penawaran")
    assert done.status_code == 204
    refused = _tus_upload(
        client, tender, sealed_bytes(tender, "penawaran", b"y"), "penawaran", sha256="0" * 64
    )
    assert refused.status_code == 422
    (sealed,) = SealedFile.objects.all()
    assert sealed.sha256 == hashlib.sha256(data).hexdigest() and sealed.in_draft


def test_a_small_bid_travels_in_its_creation_request_and_is_linked_not_copied(
    client, tender, bidder, monkeypatch
):
    """tus creation-with-upload: one POST carries the whole sealed file and completes it;
    the checked file becomes the stored bid by a hard link of the finished upload (its
    bytes are not written a second time), with the hash the server computed."""
    member, _participation = bidder
    data = sealed_bytes(tender, "penawaran", b"%PDF-1.4 " + b"z" * 3000)
    meta = ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}"
        for key, value in {"slot": "penawaran", "sha256": hashlib.sha256(data).hexdigest()}.items()
    )
    links: list[tuple[str, str]] = []
    real_link = os.link

    def recording_link(source, target, *args, **kwargs):
        links.append((str(source), str(target)))
        return real_link(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "link", recording_link)
    client = signed_in(member.user)
    created = client.post(
        _bid_url(tender, "unggah/"),
        data=data,
        content_type="application/offset+octet-stream",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH=str(len(data)),
        HTTP_UPLOAD_METADATA=meta,
        **_capability(client, tender),
    )

    assert created.status_code == 201, created.content
    assert created["Upload-Offset"] == str(len(data))
    (sealed,) = SealedFile.objects.all()
    assert sealed.sha256 == hashlib.sha256(data).hexdigest() and sealed.in_draft
    [(source, target)] = links
    assert source.startswith(str(settings.UPLOAD_TEMP_ROOT))
    assert target.startswith(str(settings.DOCUMENT_ROOT))
    assert Path(target).read_bytes() == data


def test_a_viewer_may_not_upload_or_submit(client, portal_a, tender, bidder):
    member, _participation = bidder
    viewer = make_vendor(portal_a, role="viewer", company=member.company)
    data = sealed_bytes(tender, "penawaran", b"x")
    client = signed_in(viewer.user)
    assert client.get(_bid_url(tender)).status_code == 200
    assert client.get(_bid_url(tender, "izin-unggah/")).status_code == 403
    created = client.post(
        _bid_url(tender, "unggah/"), HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH="10"
    )
    assert created.status_code == 403
    posted = client.post(
        _bid_url(tender),
        {"slot": "penawaran", "file": io.BytesIO(data)},
    )
    assert posted.status_code == 403
    assert client.post(_bid_url(tender, "kirim/")).status_code == 403
    assert not SealedFile.objects.exists()


def test_a_file_sealed_offline_is_uploaded_without_javascript_and_the_bid_submitted(
    client, tender, bidder
):
    member, participation = bidder
    data = sealed_bytes(tender, "penawaran", b"%PDF-1.4 offline")
    upload = io.BytesIO(data)
    upload.name = "penawaran.pdf.inpseal"
    client = signed_in(member.user)
    response = client.post(_bid_url(tender), {"slot": "penawaran", "file": upload})
    assert response.status_code == 302
    fill_draft(participation, member.user)
    submitted = client.post(_bid_url(tender, "kirim/"))
    assert submitted.status_code == 302
    version = BidVersion.objects.get()
    assert submitted["Location"].endswith(f"tanda-terima/{version.number}/")
    receipt = client.get(submitted["Location"])
    assert receipt.status_code == 200
    download = client.get(_bid_url(tender, f"tanda-terima/{version.number}.json"))
    assert download["Content-Type"] == "application/json"
    assert version.receipt["signature"] in download.content.decode()


def test_a_bad_offline_upload_shows_the_reason_next_to_the_slot(client, tender, bidder, english):
    member, _participation = bidder
    upload = io.BytesIO(b"%PDF-1.4 not sealed")
    upload.name = "x.pdf"
    client = signed_in(member.user)
    response = client.post(_bid_url(tender), {"slot": "penawaran", "file": upload})
    assert response.status_code == 200
    assert "This is not a sealed file" in response.content.decode()


def test_the_public_get_the_tender_key_file_for_the_offline_tool(client, tender):
    response = client.get(f"/{tender.portal.slug}/tender/{tender.code}/kunci/1.pem")
    assert response.status_code == 200
    parsed = parse_tender_key_file(response.content.decode())
    assert parsed.tender == str(tender.code) and parsed.envelope == 1
    assert parsed.fingerprint == tender.tender_keys.get().fingerprint
    assert client.get(f"/{tender.portal.slug}/tender/{tender.code}/kunci/2.pem").status_code == 404
    page = client.get(f"/{tender.portal.slug}/tender/{tender.code}/")
    assert tender.tender_keys.get().fingerprint[:4] in page.content.decode()


def test_participants_are_named_after_the_deadline_and_priced_after_the_opening(
    client, tender, bidder, time_machine
):
    member, participation = bidder
    fill_draft(participation, member.user, price=123_456_789)
    from inaproc.bids.services.bids import bid_submit
    from inaproc.bids.services.opening import envelope_open, opening_share_submit

    bid_submit(participation=participation, user=member.user)
    url = f"/{tender.portal.slug}/tender/{tender.code}/peserta/"
    before = client.get(url).content.decode()
    assert member.company.name not in before
    opening = tender.stages.get(key="pembukaan_penawaran").starts_at + timedelta(minutes=5)
    time_machine.move_to(opening)
    assert member.company.name in client.get(url).content.decode()
    key = TenderKey.objects.get(package=tender)
    for user in [m.user for m in tender.pokja.members.order_by("pk")][:2]:
        opening_share_submit(key=key, member=user, share=my_share(key, user))
    envelope_open(key=key)
    assert "123.456.789" in client.get(url).content.decode()
    record = client.get(f"/{tender.portal.slug}/tender/{tender.code}/pembukaan/").content.decode()
    assert "BEGIN PRIVATE KEY" in record


def test_an_official_registers_an_opening_key_through_the_page(client, portal_a):
    user = make_user(portal_a, role="pokja")
    from cryptography.hazmat.primitives.asymmetric import ec

    raw = public_raw(ec.generate_private_key(ec.SECP256R1()))
    client = signed_in(user)
    assert client.get(f"/{portal_a.slug}/staf/kunci-pembukaan/").status_code == 200
    response = client.post(
        f"/{portal_a.slug}/staf/kunci-pembukaan/", {"public_key": b64u_encode(raw)}
    )
    assert response.status_code == 302
    bad = client.post(f"/{portal_a.slug}/staf/kunci-pembukaan/", {"public_key": "%%%"})
    assert bad.status_code == 200
    assert OpeningKey.objects.get(user=user).public_key == raw


def test_members_send_shares_through_the_opening_page(client, tender, bidder, time_machine):
    member, participation = bidder
    fill_draft(participation, member.user)
    from inaproc.bids.services.bids import bid_submit

    bid_submit(participation=participation, user=member.user)
    time_machine.move_to(
        tender.stages.get(key="pembukaan_penawaran").starts_at + timedelta(minutes=1)
    )
    key = TenderKey.objects.get(package=tender)
    url = f"/{tender.portal.slug}/staf/paket/{tender.pk}/pembukaan/"
    for official in [m.user for m in tender.pokja.members.order_by("pk")][:2]:
        client = signed_in(official)
        assert client.get(url).status_code == 200
        sent = client.post(
            url + "kirim/", {"envelope": 1, "share": b64u_encode(my_share(key, official))}
        )
        assert sent.status_code == 302
    key.refresh_from_db()
    assert key.opened_at is not None
    client = signed_in(official)
    page = client.get(url).content.decode()
    assert member.company.name in page
    assert timezone.now() >= key.opened_at


def test_a_runner_sets_the_rules_of_the_bid_until_bids_are_received(client, portal_a, english):
    from inaproc.bids.selectors.bids import slot_rules
    from tests.tenders.participation_factories import make_package, make_pokja

    pokja, members = make_pokja(portal_a)
    package = make_package(portal_a, pokja=pokja)
    url = f"/{portal_a.slug}/staf/paket/{package.pk}/aturan-penawaran/"
    client = signed_in(members[0])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"penawaran-max_file_mb": "0", "penawaran-extensions": "pdf"})
    assert bad.status_code == 200 and slot_rules(package)["penawaran"][0] == 100
    data = {
        "penawaran-max_file_mb": "250",
        "penawaran-extensions": ".PDF, zip, pdf",
        "kualifikasi-max_file_mb": "20",
        "kualifikasi-extensions": "pdf",
    }
    assert client.post(url, data).status_code == 302
    assert slot_rules(package)["penawaran"] == (250, ("pdf", "zip"))
    outsider = signed_in(make_user(portal_a, role="pokja"))
    assert outsider.get(url).status_code == 404


def test_an_upload_begun_before_the_deadline_and_finished_after_it_is_refused(
    client, tender, bidder, time_machine
):
    member, _participation = bidder
    data = sealed_bytes(tender, "penawaran", b"%PDF-1.4 " + b"z" * 4000)
    meta = ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}"
        for key, value in {"slot": "penawaran", "sha256": hashlib.sha256(data).hexdigest()}.items()
    )
    deadline = tender.stages.get(key="upload_penawaran").ends_at
    time_machine.move_to(deadline - timedelta(minutes=5))
    client = signed_in(member.user)
    capability = _capability(client, tender)
    created = client.post(
        _bid_url(tender, "unggah/"),
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH=str(len(data)),
        HTTP_UPLOAD_METADATA=meta,
        **capability,
    )
    first = client.generic(
        "PATCH",
        created["Location"],
        data[:1000],
        content_type="application/offset+octet-stream",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_OFFSET="0",
        **capability,
    )
    assert first.status_code == 204
    time_machine.move_to(deadline)
    last = client.generic(
        "PATCH",
        created["Location"],
        data[1000:],
        content_type="application/offset+octet-stream",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_OFFSET="1000",
        **capability,
    )
    assert last.status_code in (403, 422)
    assert not SealedFile.objects.exists()
