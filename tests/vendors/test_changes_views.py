"""The company administrator's change request page `perusahaan/perubahan/`: who may use it,
the form pre-filled with the approved data, what a submit saves (or refuses), the pending
request with "withdraw", and the company page while a change waits."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.files.models import HeldUpload
from inaproc.notifications.models import Email
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import ChangeRequest, ChangeRequestStatus, CompanyRole
from tests.factories import make_user
from tests.helpers import signed_in
from tests.vendors.builders import pdf_bytes, upload
from tests.vendors.change_builders import (
    NEW_NAME,
    approved,
    licence,
    member,
    submit_change,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CHANGE_URL = "/lpse-a/perusahaan/perubahan/"
COMPANY_URL = "/lpse-a/perusahaan/"


def form_data(company, **changes) -> dict:
    """The form as the page fills it, with `changes`."""
    data = {
        "form_key": "k" * 32,
        "name": company.name,
        "legal_form": company.legal_form,
        "npwp": company.npwp,
        "nib": company.nib,
        "sectors": "41011, 43211",
        "representative_name": company.representative_name,
        "representative_nik": company.representative_nik,
        "representative_position": company.representative_position,
        "message": "",
    }
    data.update(changes)
    return data


def change_emails():
    return Email.objects.filter(template__startswith="vendors/email/company_change")


# --- Who may use it -----------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, registration):
    response = client.get(CHANGE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/lpse-a/masuk/?next=")


@pytest.mark.parametrize("role", [CompanyRole.VIEWER, CompanyRole.BID_PREPARER])
def test_company_users_who_are_not_admins_are_forbidden_and_change_nothing(registration, role):
    client = signed_in(member(registration.company, role=role))

    assert client.get(CHANGE_URL).status_code == 403
    assert (
        client.post(CHANGE_URL, form_data(registration.company, name=NEW_NAME)).status_code == 403
    )
    assert not ChangeRequest.objects.exists()
    assert not change_emails().exists()


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.HELPDESK, Role.PORTAL_ADMIN])
def test_staff_are_forbidden(portal_a, registration, role):
    client = signed_in(make_user(portal_a, role=role))

    assert client.get(CHANGE_URL).status_code == 403


def test_vendor_without_an_approved_company_gets_404(portal_a):
    assert signed_in(make_user(portal_a)).get(CHANGE_URL).status_code == 404


def test_admin_of_another_portal_is_anonymous_here(portal_b, registration):
    other = approved(portal_b)
    client = signed_in(other.applicant)

    response = client.post(CHANGE_URL, form_data(registration.company, name=NEW_NAME))

    assert response.status_code == 302
    assert response["Location"].startswith("/lpse-a/masuk/")
    assert not ChangeRequest.objects.exists()


def test_posting_without_a_csrf_token_is_refused(registration):
    client = Client(enforce_csrf_checks=True)

    signed_in(registration.applicant, client=client)

    response = client.post(CHANGE_URL, form_data(registration.company, name=NEW_NAME))

    assert response.status_code == 403
    assert not ChangeRequest.objects.exists()


# --- The form -----------------------------------------------------------------------------


def test_the_form_is_pre_filled_with_the_approved_data(admin, registration):
    company = registration.company

    page = admin.get(CHANGE_URL)

    assert page.status_code == 200
    assert len(re.findall(r"<h1[\s>]", page.text)) == 1
    assert "no-store" in page["Cache-Control"]
    assert f'value="{company.name}"' in page.text
    assert f'value="{company.npwp}"' in page.text
    assert 'value="41011, 43211"' in page.text
    assert 'name="licence_valid_until"' in page.text and 'type="date"' in page.text
    for document in company.documents.all():
        assert f'name="remove_document" value="{document.pk}"' in page.text
    # Contact data are not part of it.
    assert 'name="phone"' not in page.text
    assert 'name="email"' not in page.text


def test_submitting_saves_only_the_changes_and_shows_awaiting_verification(admin, registration):
    company = registration.company
    valid_until = timezone.localdate() + timedelta(days=400)
    data = form_data(
        company,
        name=NEW_NAME,
        sectors="43211",
        licence_valid_until=valid_until.isoformat(),
        document_business_licence=upload("izin-usaha.pdf"),
    )

    response = admin.post(CHANGE_URL, data)

    assert response.status_code == 302
    assert response["Location"] == CHANGE_URL
    change = ChangeRequest.objects.get()
    assert change.proposed == {"name": NEW_NAME, "sectors": ["43211"]}
    [proposed] = change.proposed_documents.all()
    assert (proposed.kind, proposed.valid_until) == (DocumentKind.BUSINESS_LICENCE, valid_until)
    page = admin.get(CHANGE_URL)
    assert "Awaiting verification" in page.text
    assert NEW_NAME in page.text
    assert "izin-usaha.pdf" in page.text
    assert 'name="action" value="withdraw"' in page.text
    assert change_emails().get().to == company.email


def test_a_new_single_file_replaces_the_current_one_in_the_request(admin, registration):
    old_nib = registration.company.documents.get(kind=DocumentKind.NIB)

    admin.post(CHANGE_URL, form_data(registration.company, document_nib=upload("nib-2026.pdf")))

    change = ChangeRequest.objects.get()
    assert list(change.documents_removed.all()) == [old_nib]
    assert change.proposed == {}


def test_nothing_changed_says_so_and_saves_nothing(admin, registration):
    response = admin.post(CHANGE_URL, form_data(registration.company))

    assert response.status_code == 200
    assert "Nothing was changed" in response.text
    assert not ChangeRequest.objects.exists()
    assert not change_emails().exists()


def test_npwp_of_another_company_is_shown_next_to_the_field_and_the_file_is_held(
    portal_a, admin, registration
):
    other = approved(portal_a)

    response = admin.post(
        CHANGE_URL,
        form_data(
            registration.company,
            npwp=other.company.npwp,
            document_business_licence=upload("izin.pdf"),
        ),
    )

    assert response.status_code == 200
    assert 'id="id_npwp_errors"' in response.text
    assert "already registered on this portal" in response.text
    assert not ChangeRequest.objects.exists()
    assert HeldUpload.objects.get().original_name == "izin.pdf"
    assert "Already uploaded: izin.pdf" in response.text


def test_withdrawing_a_required_document_is_refused_next_to_it(admin, registration):
    nib = registration.company.documents.get(kind=DocumentKind.NIB)

    response = admin.post(
        CHANGE_URL, {**form_data(registration.company), "remove_document": [str(nib.pk)]}
    )

    assert response.status_code == 200
    assert 'id="id_document_nib_errors"' in response.text
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "PT \x00 Nol"),
        ("npwp", "\x00" * 16),
        ("sectors", "99999"),
        ("legal_form", "bukan"),
        ("representative_nik", "123"),
        ("message", "x" * 5000),
        ("licence_valid_until", "\x00"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(admin, registration, field, value):
    response = admin.post(CHANGE_URL, form_data(registration.company, **{field: value}))

    assert response.status_code == 200
    assert f'id="id_{field}_errors"' in response.text
    assert not ChangeRequest.objects.exists()


def test_a_licence_end_date_in_the_past_is_refused(admin, registration):
    yesterday = timezone.localdate() - timedelta(days=1)

    response = admin.post(
        CHANGE_URL,
        form_data(
            registration.company,
            licence_valid_until=yesterday.isoformat(),
            document_business_licence=upload("izin.pdf"),
        ),
    )

    assert "This date has passed" in response.text
    assert not ChangeRequest.objects.exists()


def test_a_licence_end_date_without_a_licence_file_is_refused(admin, registration):
    future = timezone.localdate() + timedelta(days=30)

    response = admin.post(
        CHANGE_URL,
        form_data(registration.company, name=NEW_NAME, licence_valid_until=future.isoformat()),
    )

    assert "Choose the new licence file this date belongs to" in response.text
    assert not ChangeRequest.objects.exists()


def test_a_file_that_is_not_a_document_is_refused(admin, registration):
    response = admin.post(
        CHANGE_URL,
        form_data(
            registration.company,
            document_business_licence=upload("izin.pdf", b"MZ\x90\x00 not a pdf"),
        ),
    )

    assert 'id="id_document_business_licence_errors"' in response.text
    assert not ChangeRequest.objects.exists()


# --- While a request waits ----------------------------------------------------------------


def test_a_pending_request_is_shown_instead_of_the_form_and_a_new_post_is_refused(
    admin, registration
):
    submit_change(registration, name=NEW_NAME)

    page = admin.get(CHANGE_URL)
    again = admin.post(CHANGE_URL, form_data(registration.company, nib="9120000000999"))

    assert 'name="name"' not in page.text
    assert "Change request awaiting verification" in page.text
    assert again.status_code == 409
    assert "already waiting for the verifiers" in again.text
    assert ChangeRequest.objects.count() == 1


def test_withdrawing_the_pending_request(admin, registration):
    change = submit_change(registration, name=NEW_NAME)

    response = admin.post(CHANGE_URL, {"action": "withdraw"})

    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.WITHDRAWN
    assert AuditEvent.objects.filter(verb="company_change.withdrawn").count() == 1
    assert 'name="name"' in admin.get(CHANGE_URL).text


def test_after_withdrawing_the_form_holds_the_withdrawn_data_once(admin, registration):
    """Withdrawing to correct a request does not mean typing it all again; the company
    itself keeps its approved name."""
    submit_change(registration, name=NEW_NAME)
    admin.post(CHANGE_URL, {"action": "withdraw"})

    form = admin.get(CHANGE_URL).text

    assert f'value="{NEW_NAME}"' in form
    registration.company.refresh_from_db()
    assert registration.company.name != NEW_NAME
    assert f'value="{NEW_NAME}"' not in admin.get(CHANGE_URL).text


def test_withdrawing_with_nothing_pending_changes_nothing(admin):
    response = admin.post(CHANGE_URL, {"action": "withdraw"}, follow=True)

    assert "nothing to withdraw" in response.text
    assert not AuditEvent.objects.filter(verb="company_change.withdrawn").exists()


def test_a_viewer_cannot_withdraw(registration):
    change = submit_change(registration, name=NEW_NAME)
    client = signed_in(member(registration.company))

    assert client.post(CHANGE_URL, {"action": "withdraw"}).status_code == 403
    change.refresh_from_db()
    assert change.is_pending


# --- The company page ---------------------------------------------------------------------


def test_company_page_shows_the_approved_data_and_a_notice_while_a_change_waits(
    admin, registration
):
    company = registration.company
    submit_change(registration, name=NEW_NAME, uploads=[licence("izin-baru.pdf")])

    page = admin.get(COMPANY_URL)

    assert f"<h1>{company.name}</h1>" in page.text
    assert 'id="pending-change"' in page.text
    assert "Awaiting verification" in page.text
    assert NEW_NAME not in page.text
    assert "izin-baru.pdf" not in page.text
    assert 'href="/lpse-a/perusahaan/perubahan/"' in page.text


def test_company_page_offers_the_edit_links_to_admins_only(admin, registration):
    viewer = signed_in(member(registration.company))

    as_admin = admin.get(COMPANY_URL).text
    as_viewer = viewer.get(COMPANY_URL)

    assert 'href="/lpse-a/perusahaan/kontak/"' in as_admin
    assert 'href="/lpse-a/perusahaan/perubahan/"' in as_admin
    assert as_viewer.status_code == 200
    assert 'href="/lpse-a/perusahaan/kontak/"' not in as_viewer.text
    assert 'href="/lpse-a/perusahaan/perubahan/"' not in as_viewer.text
    assert "Your company's administrator can change them." in as_viewer.text


def test_company_history_lists_decided_changes(portal_a, admin, registration):
    from inaproc.vendors.companies.services.changes import change_request_reject

    change = submit_change(registration, name=NEW_NAME)
    verifier = make_user(portal_a, role=Role.VERIFIER)
    change_request_reject(
        change_id=change.pk, portal=portal_a, verifier=verifier, reason="Akta belum ada."
    )

    page = admin.get(COMPANY_URL)

    assert "Changes of company data" in page.text
    assert "Rejected" in page.text
    assert "Akta belum ada." in page.text
    assert "Company name" in page.text
    assert NEW_NAME not in page.text


def test_files_of_a_pending_request_open_for_the_company_and_are_no_company_documents(
    admin, registration
):
    change = submit_change(registration, uploads=[licence()])
    proposed = change.proposed_documents.get()

    response = admin.get(f"/lpse-a/dokumen/{proposed.public_id}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert not registration.company.documents.filter(kind=DocumentKind.BUSINESS_LICENCE).exists()


def test_garbage_never_gives_a_server_error_on_the_change_and_contact_pages(portal_a, registration):
    from tests.core.test_no_server_errors import GARBAGE

    change = submit_change(registration, name=NEW_NAME, uploads=[licence()])
    proposed = change.proposed_documents.get()
    clients = {
        "admin": signed_in(registration.applicant),
        "verifier": signed_in(make_user(portal_a, role=Role.VERIFIER)),
    }
    paths = [
        f"/lpse-a/staf/verifikasi/perubahan/{change.pk}/",
        f"/lpse-a/dokumen/{proposed.public_id}/?download=%00",
        "/lpse-a/staf/verifikasi/?kind=%00&status=%00",
        "/lpse-a/perusahaan/kontak/",
        "/lpse-a/perusahaan/kontak/email/",
        "/lpse-a/perusahaan/email/konfirmasi/",
        COMPANY_URL,
        CHANGE_URL,  # last: "withdraw" in the garbage withdraws the request
    ]
    for who, client in clients.items():
        for path in paths:
            for response in (client.get(path), client.post(path, GARBAGE)):
                assert response.status_code < 500, (who, path, response.status_code)
    registration.company.refresh_from_db()
    assert registration.company.name != NEW_NAME
