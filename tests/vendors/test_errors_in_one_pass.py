"""Every error of a submit in the same pass: the documents' errors (a required type
without a file) come with the other fields' errors, not one submit later."""

import pytest

from inaproc.files.models import HeldUpload
from inaproc.notifications.models import Email
from inaproc.vendors.models import Company, Document, RegistrationStatus
from tests.helpers import signed_in
from tests.vendors.builders import kbli_sample, register_sent_back, upload
from tests.vendors.test_changes_views import CHANGE_URL
from tests.vendors.test_changes_views import form_data as change_form_data
from tests.vendors.test_registration_views import documents, field_errors, nothing_created, submit
from tests.vendors.test_registration_views import form_data as registration_data
from tests.vendors.test_status_views import RESUBMIT_URL, current, form_data, granted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

UPLOAD_THIS = "Upload this document (PDF, JPEG or PNG)."
WITHOUT_KTP = ("nib", "npwp_card", "deed_of_establishment")


@pytest.fixture(autouse=True)
def kbli(db):
    kbli_sample()


def test_bad_npwp_short_password_and_missing_ktp_are_reported_together(client, portal_a):
    data = registration_data(npwp="12345", password="pendek", password_again="pendek")

    response = submit(client, data, documents(WITHOUT_KTP))

    assert response.status_code == 200
    assert field_errors(response, "npwp")
    assert field_errors(response, "password")
    assert field_errors(response, "document_representative_id") == [UPLOAD_THIS]
    assert set(response.context["form"].errors) == {
        "npwp",
        "password",
        "document_representative_id",
    }
    assert '<a href="#id_document_representative_id">' in response.text
    assert nothing_created()
    assert not Document.objects.exists()
    # The files that passed are held for the next submit, as before.
    assert sorted(HeldUpload.objects.values_list("kind", flat=True)) == sorted(WITHOUT_KTP)


def test_the_held_files_count_and_only_the_missing_one_is_asked_again(client, portal_a):
    first = submit(client, registration_data(npwp="12345"), documents(WITHOUT_KTP))

    second = submit(client, registration_data(npwp="12345"), {}, page=first)

    assert field_errors(second, "document_representative_id") == [UPLOAD_THIS]
    assert field_errors(second, "document_nib") == []
    assert field_errors(second, "document_npwp_card") == []


def test_a_file_that_failed_its_checks_keeps_its_own_message_only(client, portal_a):
    files = {
        **documents(WITHOUT_KTP),
        "document_representative_id": upload("ktp.pdf", b"not a document"),
    }

    response = submit(client, registration_data(npwp="12345"), files)

    assert field_errors(response, "document_representative_id") == [
        "ktp.pdf: Only PDF, JPEG or PNG files are accepted; this file is none of them."
    ]


def test_without_a_valid_legal_form_only_what_every_legal_form_needs_is_asked(client, portal_a):
    response = submit(client, registration_data(legal_form="nope"), documents(("nib",)))

    assert field_errors(response, "legal_form")
    assert field_errors(response, "document_npwp_card") == [UPLOAD_THIS]
    assert field_errors(response, "document_representative_id") == [UPLOAD_THIS]
    # A sole proprietorship needs no deed: not asked while the legal form is unknown.
    assert field_errors(response, "document_deed_of_establishment") == []


def test_a_sole_proprietorship_is_not_asked_for_a_deed(client, portal_a):
    data = registration_data(legal_form="perorangan", npwp="12345")

    response = submit(client, data, documents(("nib", "npwp_card")))

    assert field_errors(response, "document_deed_of_establishment") == []
    assert field_errors(response, "document_representative_id") == [UPLOAD_THIS]


def test_a_complete_registration_still_goes_through(client, portal_a):
    response = submit(client, registration_data(), documents())

    assert response.status_code == 302
    assert Company.objects.count() == 1
    assert Email.objects.count() == 1


# ---------------------------------------------------------------------------
# Resubmission and change request
# ---------------------------------------------------------------------------


def test_resubmission_reports_a_bad_nib_and_a_removed_ktp_together(client, portal_a):
    asked = register_sent_back(portal_a, notes={"nib": "Wrong."}, message="Fix it.")
    granted(client, asked)
    page = client.get(RESUBMIT_URL)
    ktp = current(asked, "representative_id")[0]

    response = client.post(RESUBMIT_URL, form_data(page, nib="12", remove_document=[str(ktp.pk)]))

    assert response.status_code == 200
    assert response.context["form"].errors["nib"]
    assert response.context["documents_form"].errors == {
        "document_representative_id": [UPLOAD_THIS]
    }
    ktp.refresh_from_db()
    assert ktp.removed_at is None
    asked.refresh_from_db()
    assert asked.status == RegistrationStatus.CHANGES_REQUESTED


def test_change_request_reports_a_bad_npwp_and_a_removed_ktp_together(registration):
    company = registration.company
    client = signed_in(registration.applicant)
    ktp = Document.objects.get(company=company, kind="representative_id")

    response = client.post(
        CHANGE_URL, change_form_data(company, npwp="123", remove_document=[str(ktp.pk)])
    )

    assert response.status_code == 200
    assert response.context["form"].errors["npwp"]
    assert response.context["documents_form"].errors == {
        "document_representative_id": [UPLOAD_THIS]
    }
    ktp.refresh_from_db()
    assert ktp.removed_at is None
    assert not company.change_requests.exists()
