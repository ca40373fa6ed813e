"""The bid page's upload capability (docs/sealed-bids.md, "Upload capability"): the tus
requests of a bid are authorised by it instead of the session, and every request still
checks what it names; and the submit's JSON answer, which is the receipt itself."""

import base64
import hashlib
import json
import uuid
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inaproc.accounts.models import SessionEndReason
from inaproc.accounts.services.sessions import session_end
from inaproc.bids.models import BidVersion, SealedFile
from inaproc.bids.selectors.bids import quota_owner_key
from inaproc.bids.upload_capability import HEADER as CAPABILITY
from inaproc.bids.upload_capability import SALT
from inaproc.files.storage import document_open
from inaproc.tenders.models import Package, PackageState
from inaproc.uploads.models import ResumableUpload, UploadState
from inaproc.vendors.models import Registration, RegistrationStatus
from tests.bids.factories import fill_draft, sealed_bytes, upload_capability
from tests.helpers import session_of, signed_in
from tests.tenders.participation_factories import make_vendor, published_tender

pytestmark = pytest.mark.django_db

TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


def _url(tender, rest=""):
    return f"/{tender.portal.slug}/perusahaan/tender/{tender.code}/penawaran/{rest}"


def _create(client, tender, data: bytes, capability: str | None, slot="penawaran"):
    """A tus creation carrying the whole sealed file."""
    meta = ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}"
        for key, value in {"slot": slot, "sha256": hashlib.sha256(data).hexdigest()}.items()
    )
    headers = {"HTTP_UPLOAD_CAPABILITY": capability} if capability is not None else {}
    return client.post(
        _url(tender, "unggah/"),
        data=data,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_LENGTH=str(len(data)),
        HTTP_UPLOAD_METADATA=meta,
        **TUS,
        **headers,
    )


def test_an_upload_is_authorised_by_the_capability_not_by_the_session(tender, bidder):
    """A browser without the session (no cookie at all) uploads with the capability; a
    signed-in browser without it is refused; the file is the uploader's."""
    member, _participation = bidder
    capability = upload_capability(signed_in(member.user), tender)
    data = sealed_bytes(tender, "penawaran", b"%PDF-1.4 capability")

    refused = _create(signed_in(member.user), tender, data, None)
    created = _create(Client(), tender, data, capability)

    assert refused.status_code == 403
    assert refused["Tus-Resumable"] == "1.0.0" and refused.content
    assert created.status_code == 201, created.content
    (sealed,) = SealedFile.objects.all()
    assert sealed.uploaded_by_id == member.user_id and sealed.in_draft


def test_an_upload_request_reads_no_session_and_few_rows(tender, bidder):
    """The point of the capability: a resumable-upload request of a deadline neither
    loads the session, the user nor the session record by itself (only the one check
    of what the capability names) and makes a handful of queries."""
    member, _participation = bidder
    client = signed_in(member.user)
    capability = upload_capability(client, tender)
    data = sealed_bytes(tender, "penawaran", b"%PDF-1.4 " + b"q" * 2000)
    meta = (
        f"slot {base64.b64encode(b'penawaran').decode()},sha256 "
        + base64.b64encode(hashlib.sha256(data).hexdigest().encode()).decode()
    )
    created = client.post(
        _url(tender, "unggah/"),
        HTTP_UPLOAD_LENGTH=str(len(data)),
        HTTP_UPLOAD_METADATA=meta,
        HTTP_UPLOAD_CAPABILITY=capability,
        **TUS,
    )
    assert created.status_code == 201

    with CaptureQueriesContext(connection) as queries:
        head = client.head(created["Location"], HTTP_UPLOAD_CAPABILITY=capability, **TUS)

    assert head.status_code == 200 and head["Upload-Offset"] == "0"
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [q for q in sql if "django_session" in q], sql
    assert not [q for q in sql if q.startswith('SELECT "accounts_user"')], sql
    assert len(sql) <= 5, sql


def test_a_forged_expired_or_foreign_capability_is_refused(portal_a, tender, bidder, time_machine):
    """A changed byte, a value signed for another purpose (another salt), one for another
    tender and one past its lifetime are all refused; none is a 500."""
    member, participation = bidder
    client = signed_in(member.user)
    capability = upload_capability(client, tender)
    data = sealed_bytes(tender, "penawaran", b"%PDF-1.4 x")
    other = published_tender(portal_a)
    forged = capability[:-2] + ("AA" if capability[-2:] != "AA" else "BB")
    payload = [portal_a.pk, tender.code, participation.pk, member.user_id, 1]
    other_salt = signing.TimestampSigner(salt=SALT + "-not").sign(
        signing.b64_encode(json.dumps(payload).encode()).decode()
    )

    assert _create(client, tender, data, forged).status_code == 403
    assert _create(client, tender, data, other_salt).status_code == 403
    assert _create(client, tender, data, "x" * 5000).status_code == 403
    assert _create(client, other, data, capability).status_code == 403
    time_machine.move_to(timedelta(minutes=31))
    assert _create(client, tender, data, capability).status_code == 403
    assert not SealedFile.objects.exists()


@pytest.mark.parametrize(
    "change",
    ["suspended", "viewer", "session_ended", "deactivated", "unapproved", "tender_draft"],
)
def test_what_the_capability_names_is_checked_on_every_request(tender, bidder, change):
    """Revocation that matters takes effect at the next request, however long the
    capability still runs: the member suspended or made a viewer, the account
    deactivated, the session it came from ended (signed out, or ended elsewhere), the
    company's registration no longer approved, the tender no longer public."""
    member, _participation = bidder
    client = signed_in(member.user)
    capability = upload_capability(client, tender)
    if change == "suspended":
        member.suspended_at = member.created_at
        member.save(update_fields=["suspended_at"])
    elif change == "viewer":
        member.role = "viewer"
        member.save(update_fields=["role"])
    elif change == "deactivated":
        member.user.is_active = False
        member.user.save(update_fields=["is_active"])
    elif change == "unapproved":
        Registration.objects.filter(company=member.company).update(
            status=RegistrationStatus.CHANGES_REQUESTED
        )
    elif change == "tender_draft":
        Package.objects.filter(pk=tender.pk).update(state=PackageState.DRAFT)
    else:
        session_end(user_session=session_of(client), reason=SessionEndReason.LOGOUT)

    refused = _create(Client(), tender, sealed_bytes(tender, "penawaran", b"x"), capability)

    assert refused.status_code == 403
    assert not SealedFile.objects.exists()


def test_no_capability_is_given_once_bids_are_closed(tender, bidder, time_machine):
    """The page's script asks for a fresh capability only while bids are received."""
    member, _participation = bidder
    time_machine.move_to(tender.stages.get(key="upload_penawaran").ends_at)
    answer = signed_in(member.user).get(_url(tender, "izin-unggah/"))
    assert answer.status_code == 409
    assert answer.json()["error"]


def test_the_bid_page_carries_a_capability_for_its_script(tender, bidder):
    """The page hands its script the first capability (no extra request) and the URL to
    renew it."""
    member, _participation = bidder
    page = signed_in(member.user).get(_url(tender))
    config = json.loads(page.context["sealing"])
    assert config["capability"] and config["expiresAt"]
    assert config["capabilityUrl"].endswith("/penawaran/izin-unggah/")


def test_a_script_submitting_gets_the_receipt_in_the_answer(tender, bidder):
    """Accept: application/json: the answer is the signed receipt itself (201, the
    receipt page in Location), the same as the JSON download; a refusal is a 409 with
    the reason."""
    member, participation = bidder
    fill_draft(participation, member.user)
    client = signed_in(member.user)

    answer = client.post(_url(tender, "kirim/"), HTTP_ACCEPT="application/json")
    again = client.post(_url(tender, "kirim/"), HTTP_ACCEPT="application/json")

    assert answer.status_code == 201, answer.content
    version = BidVersion.objects.get()
    assert answer.json() == version.receipt
    assert answer["Location"].endswith(f"/penawaran/tanda-terima/{version.number}/")
    # … and a fresh upload capability for the next bid, which uploads.
    renewed = _create(
        Client(), tender, sealed_bytes(tender, "penawaran", b"%PDF-1.4 v2"), answer[CAPABILITY]
    )
    assert renewed.status_code == 201, renewed.content
    assert answer[f"{CAPABILITY}-Expires"]
    download = client.get(_url(tender, f"tanda-terima/{version.number}.json"))
    assert json.loads(download.content) == answer.json()
    assert again.status_code == 409 and again.json()["error"]


def test_a_file_in_its_creation_request_is_hashed_as_it_arrives_and_a_mismatch_refused(
    tender, bidder, settings, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    """A creation that carries the whole file: the server hashes the bytes as it writes
    them (no second read) and that hash decides: the browser's claim differing from it
    is refused (422), nothing stored, the upload rejected and its file gone; the same
    bytes with the right claim are stored with that hash, re-read equal."""
    settings.UPLOAD_TEMP_ROOT = str(tmp_path / "uploads")

    def no_second_read(path):
        raise AssertionError(f"{path} read again for its hash")

    monkeypatch.setattr("inaproc.files.storage._hash_file", no_second_read)
    member, _participation = bidder
    capability = upload_capability(signed_in(member.user), tender)
    data = sealed_bytes(tender, "penawaran", b"%PDF-1.4 " + b"h" * 5000)
    wrong = ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}"
        for key, value in {"slot": "penawaran", "sha256": "0" * 64}.items()
    )

    with django_capture_on_commit_callbacks(execute=True):
        refused = Client().post(
            _url(tender, "unggah/"),
            data=data,
            content_type="application/offset+octet-stream",
            HTTP_UPLOAD_LENGTH=str(len(data)),
            HTTP_UPLOAD_METADATA=wrong,
            HTTP_UPLOAD_CAPABILITY=capability,
            **TUS,
        )
    assert refused.status_code == 422 and refused.content
    assert not SealedFile.objects.exists()
    assert ResumableUpload.objects.get().state == UploadState.REJECTED
    assert not list((tmp_path / "uploads").iterdir())

    created = _create(Client(), tender, data, capability)
    assert created.status_code == 201, created.content
    stored = SealedFile.objects.get()
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    with document_open(name=stored.stored_name) as file:
        assert hashlib.sha256(file.read()).hexdigest() == stored.sha256


def _receiving(portal, member, *, length: int, owner_key: str, **fields) -> ResumableUpload:
    """An unfinished upload row (no partial file: only its announced length counts)."""
    now = timezone.now()
    return ResumableUpload.objects.create(
        portal=portal,
        owner=member.user,
        owner_key=owner_key,
        purpose="bid",
        target="1",
        length=length,
        storage_name=f"{uuid.uuid4().hex}.part",
        expires_at=fields.pop("expires_at", now + timedelta(hours=1)),
        **fields,
    )


def test_the_company_upload_quota_is_counted_in_the_capability_check(
    portal_a, tender, bidder, settings
):
    """A creation counts the company's unfinished uploads (announced bytes, any of its
    users) in the query that checks the capability, not in one of its own: past
    BID_UPLOAD_QUOTA_MB it is refused (413); another company's uploads, expired and
    finished ones do not count."""
    settings.BID_UPLOAD_QUOTA_MB = 1
    member, participation = bidder
    capability = upload_capability(signed_in(member.user), tender)
    other = make_vendor(portal_a)
    mine = quota_owner_key(participation.company_id)
    _receiving(portal_a, other, length=900 * 1024, owner_key=quota_owner_key(other.company_id))
    _receiving(portal_a, member, length=900 * 1024, owner_key=mine, state=UploadState.CONSUMED)
    _receiving(
        portal_a,
        member,
        length=900 * 1024,
        owner_key=mine,
        expires_at=timezone.now() - timedelta(minutes=1),
    )

    def create(length: int):
        meta = (
            f"slot {base64.b64encode(b'penawaran').decode()},sha256 "
            + base64.b64encode(b"a" * 64).decode()
        )
        with CaptureQueriesContext(connection) as queries:
            answer = Client().post(
                _url(tender, "unggah/"),
                HTTP_UPLOAD_LENGTH=str(length),
                HTTP_UPLOAD_METADATA=meta,
                HTTP_UPLOAD_CAPABILITY=capability,
                **TUS,
            )
        return answer, [query["sql"] for query in queries.captured_queries]

    within, sql = create(600 * 1024)
    beyond, _sql = create(600 * 1024)  # 600 KiB receiving already: 1.2 MB > 1 MB

    assert within.status_code == 201, within.content
    assert not [q for q in sql if "SUM(" in q and q.startswith("SELECT SUM")], sql
    assert beyond.status_code == 413 and beyond.content
    assert ResumableUpload.objects.filter(target=str(tender.code)).count() == 1
