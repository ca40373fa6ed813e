"""A company's documents reach only the company's own users and its portal's staff; every
other request gets the same 404. Staff views are audited."""

import hashlib

import pytest
from django.test import Client

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.files.responses import DOCUMENT_CSP
from inaproc.files.storage import document_delete
from inaproc.vendors.companies.data import CompanyData
from inaproc.vendors.registrations.services.registration import registration_resubmit
from inaproc.vendors.registrations.services.verification import (
    registration_approve,
)
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import login_post, signed_in
from tests.vendors.builders import (
    checked,
    png_bytes,
    register,
    register_sent_back,
    register_submitted,
)
from tests.vendors.change_builders import approved

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def url(document, slug="lpse-a", query=""):
    return f"/{slug}/dokumen/{document.public_id}/{query}"


def body(response) -> bytes:
    # Reading the stream to its end closes the response (the test client's wrapper); a
    # second close() would send request_finished and close the database connection.
    return b"".join(response.streaming_content)


def nib_of(registration):
    return registration.company.documents.get(kind="nib")


def document_views():
    return AuditEvent.objects.filter(verb="document.viewed")


def test_owner_vendor_gets_the_file_with_strict_headers(portal_a):
    registration = approved(portal_a)
    document = nib_of(registration)

    response = signed_in(registration.applicant).get(url(document))

    assert response.status_code == 200
    content = body(response)
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert content.startswith(b"%PDF-")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Length"] == str(document.size)
    assert response.headers["Content-Disposition"] == (
        "inline; filename=\"nib.pdf\"; filename*=UTF-8''nib.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
        "frame-ancestors 'self'; sandbox"
    )
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Cache-Control"] == NEVER_CACHE
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert document_views().count() == 0


def test_download_asks_the_browser_to_save_the_file(portal_a):
    registration = approved(portal_a)
    document = nib_of(registration)

    response = signed_in(registration.applicant).get(url(document, query="?download=1"))

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"nib.pdf\"; filename*=UTF-8''nib.pdf"
    )
    body(response)


def test_a_name_outside_ascii_has_a_plain_fallback(portal_a):
    registration = approved(portal_a)
    document = nib_of(registration)
    document.original_name = 'Akta "Pendirian" – PT Ümit.pdf'
    document.save(update_fields=["original_name"])

    response = signed_in(registration.applicant).get(url(document))

    assert response.headers["Content-Disposition"] == (
        'inline; filename="Akta _Pendirian_ PT Umit.pdf"; '
        "filename*=UTF-8''Akta%20%22Pendirian%22%20%E2%80%93%20PT%20%C3%9Cmit.pdf"
    )
    body(response)


def test_the_saved_name_ends_with_the_extension_of_the_checked_content(portal_a):
    registration = register_sent_back(portal_a, notes={"nib": "x"})
    registration_resubmit(
        registration_id=registration.pk,
        portal=portal_a,
        company=CompanyData.from_company(registration.company),
        uploads=[checked("business_licence", "izin.pdf", png_bytes())],
        remove_document_ids=set(),
    )
    document = registration.company.documents.get(kind="business_licence")
    client = Client()
    login_post(client, "lpse-a", registration.applicant.username, DEFAULT_PASSWORD)

    response = client.get(url(document))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"] == (
        "inline; filename=\"izin.pdf.png\"; filename*=UTF-8''izin.pdf.png"
    )
    assert body(response) == png_bytes()


def test_another_vendor_of_the_same_portal_gets_404(portal_a):
    mine, theirs = approved(portal_a), approved(portal_a)

    response = signed_in(theirs.applicant).get(url(nib_of(mine)))

    assert response.status_code == 404


def test_anonymous_gets_404(client, portal_a):
    registration = approved(portal_a)

    response = client.get(url(nib_of(registration)))

    assert response.status_code == 404
    assert "sandbox" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.HELPDESK, Role.PORTAL_ADMIN])
def test_staff_of_another_portal_get_404(portal_a, portal_b, role):
    document = nib_of(approved(portal_a))
    client = signed_in(make_user(portal_b, role=role))

    on_b = client.get(url(document, slug="lpse-b"))
    on_a = client.get(url(document))

    assert on_b.status_code == 404
    assert on_a.status_code == 404
    assert document_views().count() == 0


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.HELPDESK, Role.PORTAL_ADMIN])
def test_staff_of_this_portal_get_the_file_and_are_audited(portal_a, role):
    registration = register_submitted(portal_a)
    document = nib_of(registration)
    staff = make_user(portal_a, role=role)

    response = signed_in(staff).get(url(document, query="?download=1"))

    assert response.status_code == 200
    assert hashlib.sha256(body(response)).hexdigest() == document.sha256
    event = document_views().get()
    assert event.actor == staff
    assert event.portal == portal_a
    assert (event.target_type, event.target_id) == ("vendors.document", str(document.pk))
    assert event.payload == {
        "company": registration.company_id,
        "kind": "nib",
        "removed": False,
        "download": True,
    }


def test_applicant_holding_the_grant_gets_the_file(client, portal_a):
    registration = register_submitted(portal_a)
    login_post(client, "lpse-a", registration.applicant.username, DEFAULT_PASSWORD)

    response = client.get(url(nib_of(registration)))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == NEVER_CACHE
    body(response)
    assert document_views().count() == 0


def test_the_grant_opens_no_other_companys_documents(client, portal_a):
    registration, other = register_submitted(portal_a), register_submitted(portal_a)
    login_post(client, "lpse-a", registration.applicant.username, DEFAULT_PASSWORD)

    response = client.get(url(nib_of(other)))

    assert response.status_code == 404


def test_removed_documents_stay_viewable_by_the_same_people(portal_a):
    verifier = make_user(portal_a, role=Role.VERIFIER)
    registration = register_sent_back(portal_a, verifier=verifier, notes={"nib": "x"})
    old = nib_of(registration)
    registration_resubmit(
        registration_id=registration.pk,
        portal=portal_a,
        company=CompanyData.from_company(registration.company),
        uploads=[checked("nib", "nib-baru.pdf")],
        remove_document_ids={old.pk},
    )
    approved_registration = registration_approve(
        registration_id=registration.pk, portal=portal_a, verifier=verifier
    )
    approved_registration.applicant.refresh_from_db()
    stranger = make_user(portal_a)

    owner = signed_in(approved_registration.applicant).get(url(old))
    staff = signed_in(verifier).get(url(old))
    other = signed_in(stranger).get(url(old))

    assert (owner.status_code, staff.status_code, other.status_code) == (200, 200, 404)
    body(owner), body(staff)
    assert document_views().get().payload["removed"] is True


@pytest.mark.parametrize(
    "path",
    [
        "/lpse-a/dokumen/not-a-uuid/",
        "/lpse-a/dokumen/%00/",
        "/lpse-a/dokumen/6284c00d-306e-46d1-b730-322988cbc8c2/",  # a UUID no document has
        "/lpse-a/dokumen/../../etc/passwd/",
    ],
)
def test_garbage_gets_404(portal_a, path):
    registration = approved(portal_a)

    response = signed_in(registration.applicant).get(path)

    assert response.status_code == 404


def test_only_get_and_head(portal_a):
    registration = approved(portal_a)
    client = signed_in(registration.applicant)

    assert client.post(url(nib_of(registration))).status_code == 405
    assert client.put(url(nib_of(registration))).status_code == 405
    assert client.delete(url(nib_of(registration))).status_code == 405


def test_head_gives_the_headers_without_the_file_and_is_not_audited(portal_a):
    registration = register_submitted(portal_a)
    document = nib_of(registration)

    response = signed_in(make_user(portal_a, role=Role.VERIFIER)).head(url(document))

    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["Content-Length"] == str(document.size)
    assert response.headers["Content-Security-Policy"] == DOCUMENT_CSP
    assert document_views().count() == 0


def test_a_lost_file_gives_404_not_500(portal_a):
    registration = approved(portal_a)
    document = nib_of(registration)
    document_delete(name=document.stored_name)

    response = signed_in(registration.applicant).get(url(document))

    assert response.status_code == 404


def test_the_document_of_an_unconfirmed_registration_reaches_only_its_applicant(portal_a):
    registration = register(portal_a)
    client = Client()
    login_post(client, "lpse-a", registration.applicant.username, DEFAULT_PASSWORD)

    assert client.get(url(nib_of(registration))).status_code == 200
    assert Client().get(url(nib_of(registration))).status_code == 404
