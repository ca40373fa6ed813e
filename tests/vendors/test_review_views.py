"""The verifiers' queue and review page: who may see them, what they list and show, and
the three decisions (approve, reject, request changes), including a decision that comes
too late."""

import re
import secrets
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.vendors.companies.data import CompanyData
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import EventKind, Registration, RegistrationStatus
from inaproc.vendors.registrations.services.confirmation import registration_confirm_email
from inaproc.vendors.registrations.services.registration import (
    registration_create,
    registration_resubmit,
)
from inaproc.vendors.registrations.services.verification import (
    registration_approve,
    registration_reject,
    registration_request_changes,
)
from inaproc.vendors.templatetags.vendors import npwp
from tests.factories import make_user
from tests.helpers import signed_in
from tests.vendors.builders import (
    checked,
    company_data,
    confirmation_token_of,
    kbli_sample,
    png_bytes,
    register,
    register_submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

QUEUE = "/lpse-a/staf/verifikasi/"
START = timezone.datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))
ALL_CHECKS = ["npwp", "nib", "deed", "representative", "sectors", "contact"]
DECISION_TEMPLATES = (
    "vendors/email/registration_approved",
    "vendors/email/registration_rejected",
    "vendors/email/registration_changes_requested",
)


def review_url(registration, slug: str = "lpse-a") -> str:
    return f"/{slug}/staf/verifikasi/{registration.pk}/"


def approve(client, registration, checks=ALL_CHECKS):
    return client.post(review_url(registration), {"decision": "approve", "checks": checks})


def reject(client, registration, reason="Dokumen NIB palsu."):
    return client.post(review_url(registration), {"decision": "reject", "reason": reason})


def request_changes(client, registration, **fields):
    return client.post(review_url(registration), {"decision": "request_changes", **fields})


def decision_emails():
    return Email.objects.filter(template__in=DECISION_TEMPLATES)


def decision_audits():
    return AuditEvent.objects.filter(verb__startswith="registration.").exclude(
        verb__in=["registration.created", "registration.email_confirmed"]
    )


def assert_undecided(registration) -> None:
    """Nothing changed: still submitted, account inactive, no decision event, no email,
    no audit row."""
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.decided_by is None
    assert registration.applicant.is_active is False
    decided = (EventKind.APPROVED, EventKind.REJECTED, EventKind.CHANGES_REQUESTED)
    assert not registration.events.filter(kind__in=decided).exists()
    assert not decision_emails().exists()
    assert not decision_audits().exists()


def row_order(html: str, names: list[str]) -> list[str]:
    """`names` in the order they appear in the page's table."""
    positions = {name: html.index(f">{name}</a>") for name in names}
    return sorted(names, key=positions.__getitem__)


@pytest.fixture
def verifier_a(portal_a):
    return make_user(portal_a, role=Role.VERIFIER, username="verifier-a", full_name="Vera Verif")


@pytest.fixture
def verifier_b(portal_b):
    return make_user(portal_b, role=Role.VERIFIER, username="verifier-b")


@pytest.fixture
def submitted(portal_a):
    return register_submitted(portal_a, company=company_data(name="PT Sinar Terang"))


# --- Permissions --------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page_and_cannot_decide(client, submitted):
    for url in (QUEUE, review_url(submitted)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/lpse-a/masuk/?next=")

    response = approve(client, submitted)

    assert response.status_code == 302
    assert response["Location"].startswith("/lpse-a/masuk/?next=")
    assert_undecided(submitted)


@pytest.mark.parametrize("role", [Role.VENDOR, Role.HELPDESK, Role.PORTAL_ADMIN])
def test_other_roles_of_the_portal_are_forbidden_and_cannot_decide(portal_a, submitted, role):
    client = signed_in(make_user(portal_a, role=role, username=f"staff-{role}"))

    assert client.get(QUEUE).status_code == 403
    assert client.get(review_url(submitted)).status_code == 403
    assert approve(client, submitted).status_code == 403
    assert reject(client, submitted).status_code == 403
    assert request_changes(client, submitted, note_nib="x").status_code == 403
    assert_undecided(submitted)


def test_verifier_of_another_portal_neither_lists_nor_opens_nor_decides(
    portal_b, submitted, verifier_b
):
    register_submitted(portal_b, company=company_data(name="PT Beta Sentosa"))
    client = signed_in(verifier_b)

    queue = client.get("/lpse-b/staf/verifikasi/")
    page = client.get(review_url(submitted, "lpse-b"))
    post = client.post(
        review_url(submitted, "lpse-b"), {"decision": "approve", "checks": ALL_CHECKS}
    )
    # Their session is worth nothing on portal A: the login page.
    on_portal_a = client.get(review_url(submitted))

    assert queue.status_code == 200
    assert "PT Beta Sentosa" in queue.text
    assert "PT Sinar Terang" not in queue.text
    assert page.status_code == 404
    assert post.status_code == 404
    assert on_portal_a.status_code == 302
    assert on_portal_a["Location"].startswith("/lpse-a/masuk/")
    assert_undecided(submitted)


def test_verifier_sees_the_queue_and_the_review_page(submitted, verifier_a):
    client = signed_in(verifier_a)

    queue = client.get(QUEUE)
    page = client.get(review_url(submitted))

    assert queue.status_code == 200
    assert page.status_code == 200
    for response in (queue, page):
        assert len(re.findall(r"<h1[\s>]", response.text)) == 1
        assert "no-store" in response["Cache-Control"]
    assert f'href="{review_url(submitted)}"' in queue.text


def test_unknown_registration_is_404_for_a_verifier(verifier_a):
    client = signed_in(verifier_a)

    assert client.get("/lpse-a/staf/verifikasi/999999/").status_code == 404
    assert client.post("/lpse-a/staf/verifikasi/999999/", {"decision": "x"}).status_code == 404


# --- Queue ------------------------------------------------------------------------------


def test_queue_lists_pending_registrations_oldest_first_with_days_waiting(portal_a, verifier_a):
    with time_machine.travel(START - timedelta(days=1), tick=False):
        register_submitted(portal_a, company=company_data(name="PT Kemarin"))
    with time_machine.travel(START - timedelta(days=3), tick=False):
        register_submitted(portal_a, company=company_data(name="PT Tiga Hari"))
    with time_machine.travel(START - timedelta(hours=1), tick=False):
        register_submitted(portal_a, company=company_data(name="PT Hari Ini"))
        register(portal_a, company=company_data(name="PT Belum Konfirmasi"))
        decided = register_submitted(portal_a, company=company_data(name="PT Sudah Disetujui"))
        registration_approve(registration_id=decided.pk, portal=portal_a, verifier=verifier_a)

    with time_machine.travel(START, tick=False):
        response = signed_in(verifier_a).get(QUEUE)

    html = response.text
    names = ["PT Kemarin", "PT Tiga Hari", "PT Hari Ini"]
    assert row_order(html, names) == ["PT Tiga Hari", "PT Kemarin", "PT Hari Ini"]
    assert "PT Belum Konfirmasi" not in html
    assert "PT Sudah Disetujui" not in html
    assert "3 registrations." in html
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)[1:]
    assert "22 November 2026 09:00 WIB" in rows[0] and "<td>3 days</td>" in rows[0]
    assert "24 November 2026 09:00 WIB" in rows[1] and "<td>1 day</td>" in rows[1]
    assert "25 November 2026 08:00 WIB" in rows[2] and "<td>0 days</td>" in rows[2]


def test_queue_row_shows_npwp_formatted_and_legal_form(portal_a, verifier_a):
    data = company_data(name="PT Format", legal_form="cv")
    register_submitted(portal_a, company=data)

    html = signed_in(verifier_a).get(QUEUE).text

    assert f'<td class="nowrap">{npwp(data.npwp)}</td>' in html
    assert re.fullmatch(r"\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}", npwp(data.npwp))
    assert "<td>Limited partnership (CV)</td>" in html
    assert "<td>Waiting for verification</td>" in html


def test_queue_empty_state(verifier_a):
    html = signed_in(verifier_a).get(QUEUE).text

    assert "No registration is waiting for verification." in html
    assert "<table" not in html


def test_queue_filters_by_status(portal_a, verifier_a, submitted):
    register(portal_a, company=company_data(name="PT Belum Konfirmasi"))
    approved = register_submitted(portal_a, company=company_data(name="PT Disetujui"))
    registration_approve(registration_id=approved.pk, portal=portal_a, verifier=verifier_a)
    client = signed_in(verifier_a)

    by_status = {
        status: client.get(QUEUE, {"status": status}).text
        for status in ("approved", "email_unconfirmed", "submitted", "rejected")
    }

    assert "PT Disetujui" in by_status["approved"]
    assert "PT Sinar Terang" not in by_status["approved"]
    assert "PT Belum Konfirmasi" in by_status["email_unconfirmed"]
    assert "PT Disetujui" not in by_status["email_unconfirmed"]
    assert "PT Sinar Terang" in by_status["submitted"]
    assert "PT Disetujui" not in by_status["submitted"]
    assert "No registration matches these filters." in by_status["rejected"]
    assert '<option value="approved" selected>' in by_status["approved"]


def test_queue_with_an_unknown_status_says_so_and_lists_the_pending_ones(submitted, verifier_a):
    response = signed_in(verifier_a).get(QUEUE, {"status": "nonsense\x00"})

    assert response.status_code == 200
    assert 'id="id_status_errors"' in response.text
    assert "Select a valid choice." in response.text
    assert "PT Sinar Terang" in response.text


def test_queue_search_by_npwp_with_punctuation_and_by_name(portal_a, verifier_a):
    first = company_data(name="PT Cahaya Abadi")
    register_submitted(portal_a, company=first)
    register_submitted(portal_a, company=company_data(name="CV Bintang Timur"))
    client = signed_in(verifier_a)

    by_punctuated_npwp = client.get(QUEUE, {"q": npwp(first.npwp)}).text
    by_spaced_digits = client.get(QUEUE, {"q": " ".join(first.npwp[1:])}).text
    by_name = client.get(QUEUE, {"q": "bintang"}).text
    nothing = client.get(QUEUE, {"q": "PT Tidak Ada"}).text

    assert "." in npwp(first.npwp) and "-" in npwp(first.npwp)
    assert "PT Cahaya Abadi" in by_punctuated_npwp
    assert "CV Bintang Timur" not in by_punctuated_npwp
    assert "PT Cahaya Abadi" in by_spaced_digits
    assert "CV Bintang Timur" in by_name
    assert "PT Cahaya Abadi" not in by_name
    assert "No registration matches these filters." in nothing


def test_queue_paginates_and_keeps_the_filters(portal_a, verifier_a, monkeypatch):
    monkeypatch.setattr("inaproc.vendors.registrations.views.review.PAGE_SIZE", 2)
    for n, name in enumerate(["PT Satu", "PT Dua", "PT Tiga"]):
        with time_machine.travel(START + timedelta(minutes=n), tick=False):
            register_submitted(portal_a, company=company_data(name=name))
    client = signed_in(verifier_a)

    first = client.get(QUEUE, {"status": "submitted", "q": "PT"}).text
    second = client.get(QUEUE, {"status": "submitted", "q": "PT", "page": "2"}).text
    garbage = client.get(QUEUE, {"page": "-1\x00"})

    assert "PT Satu" in first and "PT Dua" in first and "PT Tiga" not in first
    assert "Page 1 of 2" in first
    assert 'href="?status=submitted&amp;q=PT&amp;page=2"' in first
    assert "PT Tiga" in second and "PT Satu" not in second
    assert "Page 2 of 2" in second
    assert 'href="?status=submitted&amp;q=PT&amp;page=1"' in second
    assert garbage.status_code == 200


def test_queue_of_registrations_and_changes_counts_and_pages_both(
    portal_a, verifier_a, monkeypatch
):
    """The list's count is its parts' counts added (no COUNT of their UNION); a row of
    either kind reads nothing more (its shown columns only, whatever the rows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.vendors.change_builders import approved, submit_change

    monkeypatch.setattr("inaproc.vendors.registrations.views.review.PAGE_SIZE", 2)
    with time_machine.travel(START, tick=False):
        register_submitted(portal_a, company=company_data(name="PT Satu"))
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        submit_change(approved(portal_a, company=company_data(name="PT Dua")), name="PT Dua Baru")
    client = signed_in(verifier_a, english=True)
    client.get(QUEUE)

    with CaptureQueriesContext(connection) as few:
        first = client.get(QUEUE).text
    with time_machine.travel(START + timedelta(minutes=2), tick=False):
        register_submitted(portal_a, company=company_data(name="PT Tiga"))
        submit_change(approved(portal_a, company=company_data(name="PT Empat")), name="PT Lima")
    with CaptureQueriesContext(connection) as more:
        second = client.get(QUEUE, {"page": "2"}).text

    assert "PT Satu" in first and "PT Dua" in first and "Data change" in first
    assert "1 registration." in first and "1 change of company data." in first
    assert "Page 1 of 2" not in first
    assert "2 registrations." in second and "2 changes of company data." in second
    assert "Page 2 of 2" in second and "PT Tiga" in second and "PT Empat" in second
    assert len(more) == len(few)
    assert not any("UNION" in query["sql"] and "COUNT(" in query["sql"] for query in more)


# --- Review page ------------------------------------------------------------------------


def register_with_id_card_image(portal) -> Registration:
    """A submitted registration whose ID card is a PNG (the others PDFs)."""
    kbli_sample()
    company = company_data(name="PT Gambar KTP")
    pdfs = [DocumentKind.NIB, DocumentKind.NPWP_CARD, DocumentKind.DEED_OF_ESTABLISHMENT]
    registration_create(
        portal=portal,
        company=company,
        username=company.npwp,
        password="correct-horse-battery-staple-42",
        uploads=[checked(kind, f"{kind}.pdf") for kind in pdfs]
        + [checked(DocumentKind.REPRESENTATIVE_ID, "ktp.png", png_bytes())],
        held=[],
        form_key=secrets.token_urlsafe(16),
    )
    body = Email.objects.filter(template="vendors/email/registration_confirm").latest("pk").body
    _outcome, registration = registration_confirm_email(
        portal=portal, token=confirmation_token_of(body)
    )
    return registration


def test_review_page_shows_the_data_beside_the_documents(portal_a, verifier_a):
    registration = register_with_id_card_image(portal_a)
    company = registration.company

    response = signed_in(verifier_a).get(review_url(registration))

    html = response.text
    assert response.status_code == 200
    assert "<h1>Registration of PT Gambar KTP</h1>" in html
    for text in (
        f"<dd>{npwp(company.npwp)}</dd>",
        f"<dd>{company.nib}</dd>",
        "<dd>Limited liability company (PT)</dd>",
        "<dd>Jl. Asia Afrika No. 1</dd>",
        "<dd>Kota Bandung</dd>",
        "<dd>Jawa Barat</dd>",
        "<dd>40111</dd>",
        "<dd>+6281234567890</dd>",
        f"<dd>{company.email}</dd>",
        "<li><code>41011</code> Konstruksi Gedung Hunian</li>",
        "<li><code>43211</code> Instalasi Listrik</li>",
        "<dd>Budi Santoso</dd>",
        "<dd>3171011708450001</dd>",
        "<dd>Direktur Utama</dd>",
        f"<dd><code>{registration.applicant.username}</code></dd>",
        f"<dd>{registration.applicant.email}</dd>",
        "<dd>Not active</dd>",
        "Waiting for verification",
        "<td>Email confirmed; waiting for verification</td>",
    ):
        assert text in html, text
    documents = list(company.documents.all())
    assert len(documents) == 4
    for document in documents:
        url = f"/lpse-a/dokumen/{document.public_id}/"
        if document.is_pdf:
            assert f'<iframe class="document-preview" src="{url}"' in html
        else:
            assert f'<img class="document-image" src="{url}"' in html
        assert f'href="{url}" target="_blank" rel="noopener"' in html
        assert f'href="{url}?download=1"' in html
        assert document.sha256 in html
    assert html.count("<iframe") == 3
    assert html.count('<img class="document-image"') == 1
    assert "No file of this type." in html  # no business licence
    assert "frame-src 'self'" in response["Content-Security-Policy"]


def test_only_the_review_page_allows_framing_documents(submitted, verifier_a):
    client = signed_in(verifier_a)

    assert "frame-src" not in client.get(QUEUE)["Content-Security-Policy"]


def test_review_page_of_a_decided_registration_shows_the_decision_and_no_forms(
    portal_a, submitted, verifier_a
):
    registration_reject(
        registration_id=submitted.pk, portal=portal_a, verifier=verifier_a, reason="NIB palsu."
    )

    html = signed_in(verifier_a).get(review_url(submitted)).text

    assert "Decided: Rejected, by Vera Verif at" in html
    assert "<dd>NIB palsu.</dd>" in html
    assert 'name="decision"' not in html


# --- Approve ----------------------------------------------------------------------------


def test_approving_needs_every_check(submitted, verifier_a):
    client = signed_in(verifier_a)

    some = approve(client, submitted, checks=ALL_CHECKS[:-1])
    none = client.post(review_url(submitted), {"decision": "approve"})
    bogus = approve(client, submitted, checks=[*ALL_CHECKS, "bogus"])

    for response in (some, none, bogus):
        assert response.status_code == 200
        assert (
            '<div class="field-errors" id="approve-checks_errors">'
            "<p>Tick every check before approving.</p></div>"
        ) in response.text
        assert 'aria-describedby="approve-checks_errors"' in response.text
    assert 'value="npwp" id="approve-checks_0" aria-invalid="true" checked>' in some.text
    assert 'value="contact" id="approve-checks_5" aria-invalid="true">' in some.text
    assert_undecided(submitted)


def test_approving_activates_the_account_emails_audits_and_records_it(
    client, submitted, verifier_a, django_capture_on_commit_callbacks
):
    signed_in(verifier_a, client=client)

    response = approve(client, submitted)

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.APPROVED
    assert submitted.decided_by == verifier_a
    assert submitted.applicant.is_active is True
    email = Email.objects.get(template="vendors/email/registration_approved")
    assert email.to == submitted.applicant.email
    assert "http://127.0.0.1:8000/lpse-a/masuk/" in email.body
    assert submitted.applicant.username in email.body
    audit = AuditEvent.objects.get(verb="registration.approved")
    assert audit.actor == verifier_a
    assert audit.target_id == str(submitted.pk)
    assert audit.ip_address == "127.0.0.1"
    event = submitted.events.get(kind=EventKind.APPROVED)
    assert event.actor == verifier_a
    queue = client.get(QUEUE)
    assert (
        "PT Sinar Terang is approved: its account is active and the vendor has been told."
        in queue.text
    )
    assert "No registration is waiting for verification." in queue.text
    page = client.get(review_url(submitted)).text
    assert "<td>Approved; account activated</td>" in page
    assert "<td>Vera Verif</td>" in page
    assert "Decided: Approved, by Vera Verif at" in page


# --- Reject -----------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_rejecting_needs_a_reason(submitted, verifier_a, reason):
    response = reject(signed_in(verifier_a), submitted, reason=reason)

    assert response.status_code == 200
    assert (
        '<div class="field-errors" id="reject-reason_errors">'
        "<p>Write the reason for the rejection.</p></div>"
    ) in response.text
    assert 'aria-invalid="true"' in response.text
    assert_undecided(submitted)


def test_rejecting_emails_the_reason(submitted, verifier_a):
    client = signed_in(verifier_a)

    response = reject(client, submitted, reason="  Dokumen NIB bukan milik perusahaan ini.  ")

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.REJECTED
    assert submitted.rejection_reason == "Dokumen NIB bukan milik perusahaan ini."
    assert submitted.applicant.is_active is False
    email = Email.objects.get(template="vendors/email/registration_rejected")
    assert email.to == submitted.applicant.email
    assert "Reason:\nDokumen NIB bukan milik perusahaan ini." in email.body
    audit = AuditEvent.objects.get(verb="registration.rejected")
    assert audit.actor == verifier_a
    assert audit.reason == "Dokumen NIB bukan milik perusahaan ini."
    assert "PT Sinar Terang is rejected; the vendor has been emailed the reason." in (
        client.get(QUEUE).text
    )


# --- Request changes --------------------------------------------------------------------


def test_requesting_changes_needs_at_least_one_note(submitted, verifier_a):
    response = request_changes(
        signed_in(verifier_a), submitted, note_nib="  ", note_document_npwp_card="", message=" "
    )

    assert response.status_code == 200
    assert (
        '<div class="form-errors" role="alert" id="request_changes-errors" tabindex="-1" '
        "autofocus><p>Write at least "
        "one note: on a field, on a document, or as a general message.</p></div>"
    ) in response.text
    assert_undecided(submitted)


def test_a_too_long_note_is_refused_next_to_its_field(submitted, verifier_a):
    response = request_changes(signed_in(verifier_a), submitted, note_city="x" * 1001)

    assert response.status_code == 200
    assert 'id="request_changes-note_city_errors"' in response.text
    assert "Ensure this value has at most 1000 characters (it has 1001)." in response.text
    assert "<details open>" in response.text
    assert_undecided(submitted)


def test_requesting_changes_stores_notes_per_field_emails_them_and_requeues_on_resubmit(
    portal_a, submitted, verifier_a
):
    client = signed_in(verifier_a)

    response = request_changes(
        client,
        submitted,
        note_nib="NIB tidak sesuai dokumen OSS.",
        note_document_npwp_card="Scan NPWP buram.",
        note_representative_nik="",
        message="Mohon perbaiki.",
    )

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.CHANGES_REQUESTED
    event = submitted.events.get(kind=EventKind.CHANGES_REQUESTED)
    assert event.notes == {
        "nib": "NIB tidak sesuai dokumen OSS.",
        "document:npwp_card": "Scan NPWP buram.",
    }
    assert event.message == "Mohon perbaiki."
    assert event.actor == verifier_a
    email = Email.objects.get(template="vendors/email/registration_changes_requested")
    assert "Mohon perbaiki." in email.body
    assert "- NIB: NIB tidak sesuai dokumen OSS." in email.body
    assert "- NPWP card: Scan NPWP buram." in email.body
    audit = AuditEvent.objects.get(verb="registration.changes_requested")
    assert audit.payload == {"fields": ["document:npwp_card", "nib"]}
    queue = client.get(QUEUE).text
    assert (
        "Changes were requested from PT Sinar Terang; the vendor has been emailed the notes."
        in queue
    )
    assert f'href="{review_url(submitted)}"' not in queue

    changed = CompanyData.from_company(submitted.company)
    changed = CompanyData.from_mapping({**changed.__dict__, "nib": "9129999999999"})
    registration_resubmit(
        registration_id=submitted.pk,
        portal=portal_a,
        company=changed,
        uploads=[checked(DocumentKind.BUSINESS_LICENCE, "izin.pdf")],
        remove_document_ids=set(),
    )

    queue = client.get(QUEUE).text
    assert f'href="{review_url(submitted)}"' in queue
    assert '<strong class="status-tag status-resubmitted">Resubmitted</strong>' in queue
    page = client.get(review_url(submitted)).text
    assert "<td>Changes requested</td>" in page
    assert "<dt>NIB</dt><dd>NIB tidak sesuai dokumen OSS.</dd>" in page
    assert "<dt>NPWP card</dt><dd>Scan NPWP buram.</dd>" in page
    assert "<td>Resubmitted with changes</td>" in page
    assert "Changed: NIB" in page
    assert "Documents added: Business licence" in page
    assert 'name="decision" value="approve"' in page


def test_request_changes_form_labels_fields_as_written():
    from inaproc.vendors.registrations.forms.review import RequestChangesForm

    form = RequestChangesForm()

    labels = {name: str(form.fields[name].label) for name in form.note_keys}
    assert labels["note_npwp"] == "NPWP"
    assert labels["note_representative_nik"] == "Representative's NIK"
    assert labels["note_sectors"] == "Business sectors (KBLI)"
    assert labels["note_document_representative_id"] == "Representative's ID card"
    assert list(form.fields)[-1] == "message"


# --- Late and concurrent decisions ------------------------------------------------------


def test_a_decision_on_a_decided_registration_is_refused_with_409(portal_a, submitted, verifier_a):
    other = make_user(portal_a, role=Role.VERIFIER, username="dewi", full_name="Dewi Lestari")
    with time_machine.travel(START, tick=False):
        registration_approve(registration_id=submitted.pk, portal=portal_a, verifier=other)
    client = signed_in(verifier_a)
    emails_before = Email.objects.count()

    responses = [
        reject(client, submitted),
        approve(client, submitted),
        request_changes(client, submitted, note_nib="x"),
        approve(client, submitted, checks=[]),  # an invalid form changes nothing either
    ]

    for response in responses:
        assert response.status_code == 409
        assert (
            "This registration was already decided by Dewi Lestari at 25 November 2026 "
            "09:00 WIB (Approved). Your decision was not recorded."
        ) in response.text
        assert 'name="decision"' not in response.text
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.APPROVED
    assert submitted.decided_by == other
    assert Email.objects.count() == emails_before
    assert list(decision_audits().values_list("verb", flat=True)) == ["registration.approved"]


def test_a_decision_on_an_unconfirmed_registration_is_refused_with_409(portal_a, verifier_a):
    registration = register(portal_a)

    response = approve(signed_in(verifier_a), registration)

    assert response.status_code == 409
    assert (
        "This registration is not waiting for a decision (Email not yet confirmed). "
        "Your decision was not recorded."
    ) in response.text
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.EMAIL_UNCONFIRMED
    assert not decision_emails().exists()


def test_of_two_verifiers_the_second_is_told_who_decided_first(portal_a, submitted, verifier_a):
    second = make_user(portal_a, role=Role.VERIFIER, username="budi", full_name="Budi Verif")
    first_client, second_client = signed_in(verifier_a), signed_in(second)
    assert first_client.get(review_url(submitted)).status_code == 200
    assert second_client.get(review_url(submitted)).status_code == 200

    first = approve(first_client, submitted)
    late = request_changes(second_client, submitted, note_nib="NIB salah.")

    assert first.status_code == 302
    assert late.status_code == 409
    assert "This registration was already decided by Vera Verif at " in late.text
    assert "(Approved). Your decision was not recorded." in late.text
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.APPROVED
    assert list(decision_emails().values_list("template", flat=True)) == [
        "vendors/email/registration_approved"
    ]
    assert not submitted.events.filter(kind=EventKind.CHANGES_REQUESTED).exists()


def test_a_decision_that_loses_the_race_inside_the_service_is_a_409(
    portal_a, submitted, verifier_a, monkeypatch
):
    """The page was loaded as pending; another verifier decides between the access check
    and the locked write."""
    other = make_user(portal_a, role=Role.VERIFIER, username="cepat", full_name="Cepat Sekali")
    from inaproc.vendors.registrations.views import review

    real_approve = review.registration_approve

    def decided_meanwhile(**kwargs):
        registration_request_changes(
            registration_id=submitted.pk, portal=portal_a, verifier=other, notes={"nib": "x"}
        )
        return real_approve(**kwargs)

    monkeypatch.setattr(review, "registration_approve", decided_meanwhile)

    response = approve(signed_in(verifier_a), submitted)

    assert response.status_code == 409
    assert "already decided by Cepat Sekali" in response.text
    assert "(Changes requested)" in response.text
    submitted.refresh_from_db()
    assert submitted.status == RegistrationStatus.CHANGES_REQUESTED
    assert not Email.objects.filter(template="vendors/email/registration_approved").exists()


# --- Garbage ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"decision": ""},
        {"decision": "approve_all"},
        {"decision": "\x00"},
        {"decision": ["approve", "reject"], "checks": "npwp"},
    ],
)
def test_a_post_without_a_known_decision_is_a_400_and_changes_nothing(submitted, verifier_a, data):
    response = signed_in(verifier_a).post(review_url(submitted), data)

    assert response.status_code == 400
    assert "Choose one of the decisions below and submit its form." in response.text
    assert_undecided(submitted)


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "approve", "checks": "\x00"},
        {"decision": "reject", "reason": "\x00"},
        {"decision": "reject", "reason": "x" * 10_000},
        {"decision": "request_changes", "note_nib": "\x00"},
        {"decision": "request_changes", "message": "y" * 10_000},
        {"decision": "request_changes", "note_unknown_field": "z"},
    ],
)
def test_garbage_in_a_decision_form_is_an_error_not_a_500(submitted, verifier_a, data):
    response = signed_in(verifier_a).post(review_url(submitted), data)

    assert response.status_code == 200
    assert "field-errors" in response.text or "form-errors" in response.text
    assert_undecided(submitted)


# --- Template filters -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("0012345674101000", "01.234.567.4-101.000"),
        ("3171011708450001", "3171 0117 0845 0001"),
        ("12345", "12345"),
        ("", ""),
        ("001234567410100x", "001234567410100x"),
    ],
)
def test_npwp_filter(value, shown):
    assert npwp(value) == shown
