"""Correcting and resubmitting a registration after the verifiers asked for changes."""

from dataclasses import asdict
from unittest import mock

import pytest

from inaproc.files.models import HeldUpload
from inaproc.notifications.models import Email
from inaproc.vendors.companies.data import CompanyData
from inaproc.vendors.models import Company, Document, EventKind, RegistrationStatus
from inaproc.vendors.registrations.services.registration import RegistrationNotEditable
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import login_post
from tests.vendors.builders import (
    SECTORS,
    company_data,
    pdf_bytes,
    png_bytes,
    register,
    register_sent_back,
    register_submitted,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

RESUBMIT_URL = "/lpse-a/pendaftaran/perbaiki/"
STATUS_URL = "/lpse-a/pendaftaran/status/"
NOTES = {
    "nib": "The NIB does not match the OSS record.",
    "document:npwp_card": "The scan is blurred; upload a sharper one.",
}


@pytest.fixture
def asked(portal_a):
    """A registration the verifiers sent back with notes."""
    return register_sent_back(portal_a, notes=NOTES, message="Two corrections, please.")


def granted(client, registration):
    response = login_post(client, "lpse-a", registration.applicant.username, DEFAULT_PASSWORD)
    assert response.headers["Location"] == STATUS_URL
    return client


def form_data(page, **overrides):
    """The data of the resubmission form as the page pre-fills it, plus `overrides`."""
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    if isinstance(data["sectors"], list | tuple):
        data["sectors"] = ", ".join(data["sectors"])
    data["form_key"] = page.context["form_key"]
    data.update(overrides)
    return data


def current(registration, kind=None):
    documents = Document.objects.filter(company=registration.company, removed_at__isnull=True)
    return list(documents.filter(kind=kind) if kind else documents)


def test_form_is_prefilled_with_notes_next_to_the_fields_and_the_email_read_only(client, asked):
    granted(client, asked)

    page = client.get(RESUBMIT_URL)

    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    form = page.context["form"]
    company = asked.company
    assert form["name"].value() == company.name
    assert form["npwp"].value() == company.npwp
    assert form["sectors"].value() == ", ".join(SECTORS)
    assert "email" not in form.fields
    assert 'name="email"' not in page.text
    assert f'value="{company.email}" readonly' in page.text
    assert (
        '<p class="help" id="id_nib_help"><span class="verifier-note"><strong>Verifier&#x27;s '
        "note:</strong> The NIB does not match the OSS record.</span>" in page.text
    )
    assert 'aria-describedby="id_nib_help"' in page.text
    assert "The scan is blurred; upload a sharper one." in page.text
    assert '<a href="#id_document_npwp_card">NPWP card</a>' in page.text
    assert "Two corrections, please." in page.text
    assert (
        page.headers["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    )


def test_resubmit_changes_a_field_removes_and_adds_documents(client, asked):
    granted(client, asked)
    page = client.get(RESUBMIT_URL)
    old_card = current(asked, "npwp_card")[0]
    licence = current(asked, "business_licence")
    data = form_data(
        page,
        nib="9120000000999",
        remove_document=[str(old_card.pk)],
        document_npwp_card=upload("kartu-npwp-baru.png", png_bytes()),
        document_business_licence=[upload("izin-1.pdf"), upload("izin-2.pdf")],
    )

    response = client.post(RESUBMIT_URL, data)

    assert response.status_code == 302
    assert response.headers["Location"] == STATUS_URL
    asked.refresh_from_db()
    asked.company.refresh_from_db()
    assert asked.status == RegistrationStatus.RESUBMITTED
    assert asked.company.nib == "9120000000999"
    old_card.refresh_from_db()
    assert old_card.removed_at is not None
    assert [d.original_name for d in current(asked, "npwp_card")] == ["kartu-npwp-baru.png"]
    assert licence == []
    assert sorted(d.original_name for d in current(asked, "business_licence")) == [
        "izin-1.pdf",
        "izin-2.pdf",
    ]
    event = asked.events.get(kind=EventKind.RESUBMITTED)
    assert event.notes == {
        "changed_fields": ["nib"],
        "documents_added": ["npwp_card", "business_licence", "business_licence"],
        "documents_removed": ["npwp_card"],
    }
    status = client.get(STATUS_URL)
    assert "Resubmitted, waiting for verification" in status.text
    assert "Your corrections were sent." in status.text
    assert "Waiting for verification since" in status.text


def test_a_new_file_of_a_single_file_type_replaces_the_current_one(client, asked):
    granted(client, asked)
    page = client.get(RESUBMIT_URL)
    old_nib = current(asked, "nib")[0]

    response = client.post(RESUBMIT_URL, form_data(page, document_nib=upload("nib-baru.pdf")))

    assert response.status_code == 302
    assert [d.original_name for d in current(asked, "nib")] == ["nib-baru.pdf"]
    old_nib.refresh_from_db()
    assert old_nib.removed_at is not None


def test_errors_keep_the_typed_values_and_the_files_that_passed(client, asked):
    granted(client, asked)
    page = client.get(RESUBMIT_URL)
    data = form_data(
        page,
        city="Kota Cimahi",
        nib="12",
        document_npwp_card=upload("kartu-npwp-baru.pdf"),
        document_business_licence=upload("bukan-pdf.pdf", b"not a document"),
    )

    failed = client.post(RESUBMIT_URL, data)

    assert failed.status_code == 200
    assert failed.context["form"]["city"].value() == "Kota Cimahi"
    assert failed.context["form"].errors["nib"]
    assert failed.context["documents_form"].errors["document_business_licence"] == [
        "bukan-pdf.pdf: Only PDF, JPEG or PNG files are accepted; this file is none of them."
    ]
    assert 'class="form-errors error-summary" role="alert"' in failed.text
    held = HeldUpload.objects.get()
    assert held.original_name == "kartu-npwp-baru.pdf"
    assert "Already uploaded: kartu-npwp-baru.pdf" in failed.text
    asked.refresh_from_db()
    assert asked.status == RegistrationStatus.CHANGES_REQUESTED
    assert asked.company.city == "Kota Bandung"

    fixed = client.post(RESUBMIT_URL, form_data(failed, nib="9120000000999"))

    assert fixed.status_code == 302
    assert HeldUpload.objects.count() == 0
    assert [d.original_name for d in current(asked, "npwp_card")] == ["kartu-npwp-baru.pdf"]
    assert Company.objects.get(pk=asked.company_id).city == "Kota Cimahi"


def test_a_held_file_can_be_taken_out_again(client, asked):
    granted(client, asked)
    page = client.get(RESUBMIT_URL)
    failed = client.post(
        RESUBMIT_URL, form_data(page, nib="12", document_npwp_card=upload("salah.pdf"))
    )
    held = HeldUpload.objects.get()

    response = client.post(
        RESUBMIT_URL, form_data(failed, nib=asked.company.nib, remove_held=[str(held.pk)])
    )

    assert response.status_code == 302
    assert HeldUpload.objects.count() == 0
    assert [d.original_name for d in current(asked, "npwp_card")] == ["npwp_card.pdf"]


def test_duplicate_npwp_is_refused_next_to_the_field(client, portal_a, asked):
    other = register(portal_a, company=company_data())
    granted(client, asked)
    page = client.get(RESUBMIT_URL)
    emails = Email.objects.count()

    response = client.post(
        RESUBMIT_URL,
        form_data(page, npwp=other.company.npwp, document_nib=upload("nib-baru.pdf")),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["npwp"] == [
        "A company with this NPWP is already registered on this portal. Sign in with its "
        "username, or reset the password if it is forgotten."
    ]
    asked.refresh_from_db()
    assert asked.status == RegistrationStatus.CHANGES_REQUESTED
    assert CompanyData.from_company(asked.company).npwp != other.company.npwp
    assert [d.original_name for d in current(asked, "nib")] == ["nib.pdf"]
    assert [h.original_name for h in HeldUpload.objects.all()] == ["nib-baru.pdf"]
    assert Email.objects.count() == emails


def test_removing_a_required_document_is_refused_next_to_its_field(client, asked):
    granted(client, asked)
    page = client.get(RESUBMIT_URL)
    deed = current(asked, "deed_of_establishment")[0]

    response = client.post(RESUBMIT_URL, form_data(page, remove_document=[str(deed.pk)]))

    assert response.status_code == 200
    assert response.context["documents_form"].errors["document_deed_of_establishment"] == [
        "Upload this document (PDF, JPEG or PNG)."
    ]
    assert f'name="remove_document" value="{deed.pk}" checked' in response.text
    deed.refresh_from_db()
    assert deed.removed_at is None


def test_ids_of_another_companys_documents_are_ignored(client, portal_a, asked):
    other = register(portal_a)
    theirs = current(other, "nib")[0]
    granted(client, asked)
    page = client.get(RESUBMIT_URL)

    response = client.post(RESUBMIT_URL, form_data(page, remove_document=[str(theirs.pk)]))

    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.removed_at is None
    assert len(current(asked)) == 4


def test_garbage_in_the_checkbox_lists_does_not_break_the_form(client, asked):
    granted(client, asked)
    page = client.get(RESUBMIT_URL)
    garbage = ["²", "-1", "x", "9" * 40, "", "\x00"]

    response = client.post(
        RESUBMIT_URL,
        form_data(page, remove_document=garbage, remove_held=garbage, form_key="../../x"),
    )

    assert response.status_code == 302
    assert len(current(asked)) == 4


@pytest.mark.parametrize("method", ["get", "post"])
def test_not_editable_unless_changes_are_requested(client, portal_a, method):
    registration = register_submitted(portal_a)
    granted(client, registration)

    response = getattr(client, method)(RESUBMIT_URL)

    assert response.status_code == 302
    assert response.headers["Location"] == STATUS_URL
    status = client.get(STATUS_URL)
    assert "can be corrected only while the verifiers are asking for changes" in status.text
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_decided_meanwhile_sends_back_to_the_status(client, asked):
    granted(client, asked)
    page = client.get(RESUBMIT_URL)
    refusal = RegistrationNotEditable(asked)

    with mock.patch(
        "inaproc.vendors.registrations.views.registration_status.registration_resubmit",
        side_effect=refusal,
    ):
        response = client.post(RESUBMIT_URL, form_data(page))

    assert response.status_code == 302
    assert response.headers["Location"] == STATUS_URL


def test_without_grant_the_form_sends_to_the_login(client, asked):
    for response in (client.get(RESUBMIT_URL), client.post(RESUBMIT_URL, {"name": "x"})):
        assert response.status_code == 302
        assert response.headers["Location"] == "/lpse-a/masuk/"
    asked.refresh_from_db()
    assert asked.status == RegistrationStatus.CHANGES_REQUESTED


def test_the_grant_of_one_registration_corrects_only_that_one(client, portal_a, asked):
    granted(client, asked)
    page = client.get(RESUBMIT_URL)

    client.post(RESUBMIT_URL, form_data(page, name="PT Baru Sekali"))

    assert Company.objects.filter(name="PT Baru Sekali").get() == asked.company


def test_prefilled_values_resubmit_unchanged(client, asked):
    granted(client, asked)
    page = client.get(RESUBMIT_URL)
    before = asdict(CompanyData.from_company(asked.company))

    response = client.post(RESUBMIT_URL, form_data(page))

    assert response.status_code == 302
    asked.company.refresh_from_db()
    assert asdict(CompanyData.from_company(asked.company)) == before
    assert asked.events.get(kind=EventKind.RESUBMITTED).notes["changed_fields"] == []


def test_pdf_upload_for_a_multiple_type_keeps_the_current_files(client, asked):
    granted(client, asked)
    page = client.get(RESUBMIT_URL)
    deed = current(asked, "deed_of_establishment")[0]

    response = client.post(
        RESUBMIT_URL,
        form_data(page, document_deed_of_establishment=upload("perubahan.pdf", pdf_bytes())),
    )

    assert response.status_code == 302
    assert sorted(d.original_name for d in current(asked, "deed_of_establishment")) == [
        deed.original_name,
        "perubahan.pdf",
    ]
