"""Registration and email confirmation, through the real services: all or nothing, files
included, and a confirmation link that is single-use, expiring and rate-limited."""

import hashlib
import smtplib
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from inaproc.accounts.models import Role, User
from inaproc.audit.models import AuditEvent
from inaproc.files.models import HeldUpload
from inaproc.files.services import held_uploads_add
from inaproc.files.storage import document_open
from inaproc.notifications.models import Email, EmailStatus
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import (
    Company,
    CompanyMember,
    CompanyRole,
    Document,
    EventKind,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)
from inaproc.vendors.registrations.selectors import pending_registration_count, registration_queue
from inaproc.vendors.registrations.services import registration as registration_services
from inaproc.vendors.registrations.services.confirmation import (
    ConfirmOutcome,
    confirmation_resend,
    confirmation_state,
    confirmation_token_hash,
    registration_confirm_email,
)
from inaproc.vendors.registrations.services.registration import registration_create
from tests.factories import DEFAULT_PASSWORD, make_portal, make_user
from tests.helpers import run_task_worker, run_tasks_until_idle
from tests.vendors.builders import (
    REQUIRED_KINDS,
    checked,
    company_data,
    confirmation_token_of,
    kbli_sample,
    pdf_bytes,
    png_bytes,
    register,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CONFIRM_TEMPLATE = "vendors/email/registration_confirm"
DOCUMENT_MISSING = "Upload this document (PDF, JPEG or PNG)."
ONLY_ONE_FILE = "Upload only one file of this type."
NPWP_TAKEN = (
    "A company with this NPWP is already registered on this portal. Sign in with its "
    "username, or reset the password if it is forgotten."
)
USERNAME_TAKEN = (
    "This username is already taken on this portal. Choose another one, or sign in "
    "if it is yours (you can reset a forgotten password)."
)


@pytest.fixture(autouse=True)
def sectors(db):
    kbli_sample()


def stored_files(root: Path) -> list[str]:
    """The files in the document storage, by their storage names."""
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def saved_rows() -> dict[str, int]:
    """How many rows each table a registration writes to holds."""
    models = (
        User,
        Company,
        CompanyMember,
        Registration,
        RegistrationEvent,
        Document,
        HeldUpload,
        Email,
        AuditEvent,
    )
    return {model.__name__: model.objects.count() for model in models}


def create(portal, company=None, *, username=None, kinds=REQUIRED_KINDS, **overrides):
    """registration_create with a complete, valid form unless `overrides` say otherwise."""
    company = company or company_data()
    arguments = {
        "portal": portal,
        "company": company,
        "username": company.npwp if username is None else username,
        "password": DEFAULT_PASSWORD,
        "uploads": [checked(kind, f"{kind}.pdf") for kind in kinds],
        "held": [],
        "form_key": f"form-{company.npwp}",
        **overrides,
    }
    return registration_create(**arguments)


def confirm_body(registration) -> str:
    return (
        Email.objects.filter(template=CONFIRM_TEMPLATE, to=registration.applicant.email)
        .latest("pk")
        .body
    )


def token_of(registration) -> str:
    return confirmation_token_of(confirm_body(registration))


def legacy_npwp(npwp: str) -> str:
    """The 16-digit NPWP as a person types the legacy 15 digits: 01.234.567.4-101.000."""
    d = npwp[1:]
    return f"{d[0:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:15]}"


# --- registration_create: what a registration consists of --------------------------------


def test_registration_creates_inactive_account_company_documents_and_confirmation(
    portal_a, document_root, settings
):
    company = company_data(name="PT Sinar Terang", email="Direksi@Sinar.example.id")
    contents = {
        DocumentKind.NIB: pdf_bytes(),
        DocumentKind.NPWP_CARD: pdf_bytes(),
        DocumentKind.DEED_OF_ESTABLISHMENT: pdf_bytes(),
        DocumentKind.REPRESENTATIVE_ID: png_bytes(),
    }
    uploads = [checked(kind, f"{kind}.bin", content) for kind, content in contents.items()]

    result = registration_create(
        portal=portal_a,
        company=company,
        username=company.npwp,
        password=DEFAULT_PASSWORD,
        uploads=uploads,
        held=[],
        form_key="kunci-formulir",
    )

    registration = result.registration
    assert result.created is True
    user = User.objects.get(portal=portal_a, username=company.npwp)
    assert registration.applicant == user
    assert user.role == Role.VENDOR
    assert user.is_active is False
    assert user.check_password(DEFAULT_PASSWORD)
    assert user.email == "Direksi@sinar.example.id"  # the domain part normalised
    assert user.full_name == "Budi Santoso"
    record = Company.objects.get(portal=portal_a, npwp=company.npwp)
    assert registration.company == record
    assert record.name == "PT Sinar Terang"
    assert record.street == "Jl. Asia Afrika No. 1"
    assert sorted(record.sectors.values_list("code", flat=True)) == ["41011", "43211"]
    member = CompanyMember.objects.get(user=user)
    assert (member.company, member.role) == (record, CompanyRole.ADMIN)
    assert registration.portal == portal_a
    assert registration.status == RegistrationStatus.EMAIL_UNCONFIRMED
    assert registration.queued_at is None
    assert registration.email_confirmed_at is None
    documents = {d.kind: d for d in Document.objects.filter(company=record)}
    assert sorted(documents) == sorted(contents)
    for kind, content in contents.items():
        document = documents[kind]
        assert document.sha256 == hashlib.sha256(content).hexdigest()
        assert document.size == len(content)
        assert document.original_name == f"{kind}.bin"
        assert document.uploaded_by == user
        assert document.removed_at is None
        with document_open(name=document.stored_name) as stored:
            assert stored.read() == content
    assert documents[DocumentKind.REPRESENTATIVE_ID].content_type == "image/png"
    assert documents[DocumentKind.NIB].content_type == "application/pdf"
    assert stored_files(document_root) == sorted(d.stored_name for d in documents.values())
    events = list(registration.events.order_by("pk").values_list("kind", "actor"))
    assert events == [(EventKind.REGISTERED, user.pk), (EventKind.CONFIRMATION_SENT, None)]
    audit = AuditEvent.objects.get(verb="registration.created")
    assert audit.portal == portal_a
    assert audit.actor is None
    assert audit.actor_label == "system"
    assert (audit.target_type, audit.target_id) == ("vendors.registration", str(registration.pk))
    assert audit.payload == {"npwp": company.npwp, "username": company.npwp}
    email = Email.objects.get()
    assert email.template == CONFIRM_TEMPLATE
    assert email.to == "Direksi@sinar.example.id"
    assert email.portal == portal_a
    token = confirmation_token_of(email.body)
    assert f"{settings.SITE_URL}/lpse-a/pendaftaran/konfirmasi/{token}/" in email.body
    assert registration.confirmation_token_hash == confirmation_token_hash(token)
    assert "Your username: " + company.npwp in email.body
    assert "expires after 48 hours" in email.body


def test_the_username_defaults_to_the_npwp_as_typed_and_is_stored_normalised(portal_a):
    company = company_data()

    registration = create(
        portal_a, company, username=f"  {legacy_npwp(company.npwp)} "
    ).registration

    assert registration.applicant.username == company.npwp
    assert AuditEvent.objects.get(verb="registration.created").payload["username"] == company.npwp


def test_a_chosen_username_is_kept_as_typed(portal_a):
    registration = create(portal_a, username="Sinar.Terang").registration

    assert registration.applicant.username == "Sinar.Terang"


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("C:\\Users\\budi\\Scan KTP.png", "Scan KTP.png"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("akta\x00\x07 pendirian\u202e.pdf", "akta pendirian.pdf"),
        ("\x1b\x1b", "dokumen"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_original_file_names_lose_directories_and_control_characters(portal_a, name, cleaned):
    uploads = [checked(kind, f"{kind}.pdf") for kind in REQUIRED_KINDS[1:]]
    uploads.append(checked(DocumentKind.NIB, name))

    registration = create(portal_a, uploads=uploads).registration

    document = registration.company.documents.get(kind=DocumentKind.NIB)
    assert document.original_name == cleaned


# --- registration_create: refusals save nothing ------------------------------------------


def assert_refused(call, errors: dict[str, list[str]], document_root: Path) -> None:
    before, files_before = saved_rows(), stored_files(document_root)

    with pytest.raises(ValidationError) as refused:
        call()

    assert refused.value.message_dict == errors
    assert saved_rows() == before
    assert stored_files(document_root) == files_before
    assert mail.outbox == []


def test_an_npwp_registered_on_the_portal_is_refused(portal_a, document_root):
    first = register(portal_a)
    again = company_data(npwp=first.company.npwp)

    assert_refused(
        lambda: create(portal_a, again, username="pendaftar-kedua"),
        {"npwp": [NPWP_TAKEN]},
        document_root,
    )


@pytest.mark.parametrize("typed", ["budi", "BUDI", "  Budi "])
def test_a_taken_username_is_refused_whatever_its_case(portal_a, document_root, typed):
    make_user(portal_a, username="Budi")

    assert_refused(
        lambda: create(portal_a, username=typed), {"username": [USERNAME_TAKEN]}, document_root
    )


def test_npwp_and_username_both_taken_are_both_reported(portal_a, document_root):
    first = register(portal_a)

    assert_refused(
        lambda: create(portal_a, company_data(npwp=first.company.npwp)),
        {"npwp": [NPWP_TAKEN], "username": [USERNAME_TAKEN]},
        document_root,
    )


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        ("pendek-sekali", ["This password is too short. It must contain at least 15 characters."]),
        (
            "LPSE Kabupaten Sukamaju",
            ["The password contains 'lpse', a word of the portal's name."],
        ),
        ("Budi Santoso 123", ["The password contains 'budi', a word of the full name."]),
    ],
)
def test_a_password_against_the_policy_is_refused(document_root, password, messages):
    portal = make_portal("sukamaju", name="LPSE Kabupaten Sukamaju")

    assert_refused(lambda: create(portal, password=password), {"password": messages}, document_root)


def test_a_password_with_a_word_of_the_companys_name_or_its_npwp_is_refused(
    portal_a, document_root
):
    company = company_data(name="CV Cahaya Pagi")

    assert_refused(
        lambda: create(portal_a, company, password="cahaya bulan di atas laut"),
        {"password": ["The password contains 'cahaya', a word of the company's name."]},
        document_root,
    )
    assert_refused(
        lambda: create(
            portal_a, company, username="budi.rekanan", password=f"pajak {company.npwp} kami"
        ),
        {"password": ["The password contains the company's NPWP."]},
        document_root,
    )


def test_a_missing_required_document_is_refused(portal_a, document_root):
    kinds = [DocumentKind.NIB, DocumentKind.NPWP_CARD, DocumentKind.BUSINESS_LICENCE]

    assert_refused(
        lambda: create(portal_a, kinds=kinds),
        {
            "document:deed_of_establishment": [DOCUMENT_MISSING],
            "document:representative_id": [DOCUMENT_MISSING],
        },
        document_root,
    )


def test_a_sole_proprietorship_needs_no_deed_but_a_company_does(portal_a, document_root):
    kinds = [DocumentKind.NIB, DocumentKind.NPWP_CARD, DocumentKind.REPRESENTATIVE_ID]

    assert_refused(
        lambda: create(portal_a, company_data(legal_form="cv"), kinds=kinds),
        {"document:deed_of_establishment": [DOCUMENT_MISSING]},
        document_root,
    )
    result = create(portal_a, company_data(legal_form="perorangan"), kinds=kinds)

    assert result.created is True
    assert sorted(result.registration.company.documents.values_list("kind", flat=True)) == sorted(
        kinds
    )


def test_two_files_for_a_single_file_type_are_refused(portal_a, document_root):
    kinds = [*REQUIRED_KINDS, DocumentKind.NIB, DocumentKind.REPRESENTATIVE_ID]

    assert_refused(
        lambda: create(portal_a, kinds=kinds),
        {"document:nib": [ONLY_ONE_FILE], "document:representative_id": [ONLY_ONE_FILE]},
        document_root,
    )


def test_a_held_file_counts_towards_the_one_file_limit(portal_a, document_root):
    held = held_uploads_add(portal=portal_a, key="k", items=[checked(DocumentKind.NIB)])

    assert_refused(
        lambda: create(portal_a, held=held),
        {"document:nib": [ONLY_ONE_FILE]},
        document_root,
    )


def test_several_licences_and_deeds_are_accepted(portal_a):
    kinds = [
        *REQUIRED_KINDS,
        DocumentKind.DEED_OF_ESTABLISHMENT,
        DocumentKind.BUSINESS_LICENCE,
        DocumentKind.BUSINESS_LICENCE,
    ]

    registration = create(portal_a, kinds=kinds).registration

    assert registration.company.documents.count() == 7


def test_the_same_npwp_and_username_on_another_portal_are_fine(portal_a, portal_b):
    first = register(portal_a)

    second = create(portal_b, company_data(npwp=first.company.npwp)).registration

    assert second.portal == portal_b
    assert second.applicant.username == first.applicant.username
    assert second.company.npwp == first.company.npwp
    assert second.company != first.company


# --- registration_create: repeated forms, held files, failures and races -----------------


def test_the_same_form_submitted_twice_returns_the_first_registration(portal_a, document_root):
    company = company_data()
    first = create(portal_a, company, form_key="sekali-saja")
    rows, files = saved_rows(), stored_files(document_root)

    again = create(portal_a, company, form_key="sekali-saja")

    assert (first.created, again.created) == (True, False)
    assert again.registration == first.registration
    assert saved_rows() == rows
    assert stored_files(document_root) == files
    assert User.objects.filter(portal=portal_a, username=company.npwp).count() == 1


def test_held_uploads_become_the_registrations_documents(portal_a, document_root):
    held = held_uploads_add(
        portal=portal_a,
        key="kunci",
        items=[
            checked(DocumentKind.NIB, "nib-lama.pdf"),
            checked(DocumentKind.REPRESENTATIVE_ID, "ktp.png", png_bytes()),
        ],
    )
    held_fields = {h.kind: (h.stored_name, h.sha256, h.size, h.original_name) for h in held}
    kinds = [DocumentKind.NPWP_CARD, DocumentKind.DEED_OF_ESTABLISHMENT]

    registration = create(portal_a, kinds=kinds, held=held).registration

    assert HeldUpload.objects.count() == 0
    documents = {
        d.kind: (d.stored_name, d.sha256, d.size, d.original_name)
        for d in registration.company.documents.all()
    }
    assert sorted(documents) == sorted(REQUIRED_KINDS)
    assert documents[DocumentKind.NIB] == held_fields[DocumentKind.NIB]
    assert documents[DocumentKind.REPRESENTATIVE_ID] == held_fields[DocumentKind.REPRESENTATIVE_ID]
    assert stored_files(document_root) == sorted(name for name, *_ in documents.values())


def test_a_refused_registration_keeps_its_held_uploads(portal_a, document_root):
    held = held_uploads_add(portal=portal_a, key="kunci", items=[checked(DocumentKind.NIB)])
    make_user(portal_a, username="diambil")

    with pytest.raises(ValidationError):
        create(portal_a, kinds=REQUIRED_KINDS[1:], held=held, username="diambil")

    assert list(HeldUpload.objects.all()) == held
    assert stored_files(document_root) == [held[0].stored_name]


def test_a_failure_after_the_files_were_written_leaves_no_file_and_no_row(
    portal_a, document_root, monkeypatch
):
    def audit_down(**kwargs):
        assert len(stored_files(document_root)) == 4  # the files were written by now
        raise RuntimeError("audit database unavailable")

    monkeypatch.setattr(registration_services, "audit_record", audit_down)
    before = saved_rows()

    with pytest.raises(RuntimeError, match="audit database unavailable"):
        create(portal_a)

    assert saved_rows() == before
    assert stored_files(document_root) == []


def race_before_insert(monkeypatch, conflict) -> None:
    """Run `conflict()` after registration_create's checks passed, before its inserts: what
    a concurrent request committing in between looks like."""
    real_files_store = registration_services.files_store
    done = []

    def files_store(**kwargs):
        if not done:
            done.append(True)
            conflict()
        return real_files_store(**kwargs)

    monkeypatch.setattr(registration_services, "files_store", files_store)


def test_a_company_created_concurrently_with_the_same_npwp_is_refused_cleanly(
    portal_a, document_root, monkeypatch
):
    company = company_data()
    race_before_insert(
        monkeypatch,
        lambda: Company.objects.create(
            portal=portal_a, **company_data(npwp=company.npwp).model_values()
        ),
    )

    with pytest.raises(ValidationError) as refused:
        create(portal_a, company, username="pemenang-balapan")

    assert refused.value.message_dict == {"npwp": [NPWP_TAKEN]}
    assert Company.objects.filter(portal=portal_a, npwp=company.npwp).count() == 1
    assert not User.objects.filter(username="pemenang-balapan").exists()
    assert Registration.objects.count() == 0
    assert Email.objects.count() == 0
    assert stored_files(document_root) == []


def test_an_account_created_concurrently_with_the_same_username_is_refused_cleanly(
    portal_a, document_root, monkeypatch
):
    race_before_insert(monkeypatch, lambda: make_user(portal_a, username="Rebutan"))

    with pytest.raises(ValidationError) as refused:
        create(portal_a, username="rebutan")

    assert refused.value.message_dict == {
        "username": ["This username is already taken on this portal."]
    }
    assert Company.objects.count() == 0
    assert Registration.objects.count() == 0
    assert stored_files(document_root) == []


def test_the_same_form_submitted_twice_at_once_returns_the_first_registration(
    portal_a, document_root, monkeypatch
):
    company = company_data()
    first = []
    race_before_insert(
        monkeypatch, lambda: first.append(create(portal_a, company, form_key="dobel-klik"))
    )

    second = create(portal_a, company, form_key="dobel-klik")

    assert first[0].created is True
    assert second.created is False
    assert second.registration == first[0].registration
    assert Registration.objects.count() == 1
    assert User.objects.filter(portal=portal_a).count() == 1
    assert Email.objects.count() == 1
    assert stored_files(document_root) == sorted(
        first[0].registration.company.documents.values_list("stored_name", flat=True)
    )


# --- The confirmation email when the mail server is down ---------------------------------


class MailServerDown(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("connection refused")


def test_the_registration_is_saved_while_the_mail_server_is_down_and_mailed_later(
    portal_a, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            registration = register(portal_a)
        run_tasks_until_idle(django_capture_on_commit_callbacks)

    email = Email.objects.get()
    assert Registration.objects.get() == registration
    assert email.status == EmailStatus.QUEUED
    assert email.attempts == 1
    assert email.last_error == "SMTPServerDisconnected: connection refused"
    assert mail.outbox == []
    token = confirmation_token_of(email.body)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(start + timedelta(minutes=1, seconds=5), tick=False):
        run_tasks_until_idle(django_capture_on_commit_callbacks)

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [registration.applicant.email]
    assert f"/lpse-a/pendaftaran/konfirmasi/{token}/" in mail.outbox[0].body


# --- Email confirmation ------------------------------------------------------------------


def test_the_link_is_valid_for_48_hours(portal_a):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        registration = register(portal_a)
    token = token_of(registration)

    with time_machine.travel(start + timedelta(hours=47, minutes=59), tick=False):
        state = confirmation_state(portal=portal_a, token=token)
    with time_machine.travel(start + timedelta(hours=48), tick=False):
        expired = registration_confirm_email(portal=portal_a, token=token)

    assert state == (ConfirmOutcome.CONFIRMED, registration)
    assert expired == (ConfirmOutcome.EXPIRED, registration)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.EMAIL_UNCONFIRMED
    assert registration.email_confirmed_at is None
    assert not registration.events.filter(kind=EventKind.EMAIL_CONFIRMED).exists()


def test_a_link_confirmed_just_before_it_expires_works(portal_a):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        registration = register(portal_a)
    at = start + timedelta(hours=47, minutes=59)

    with time_machine.travel(at, tick=False):
        outcome, confirmed = registration_confirm_email(
            portal=portal_a, token=token_of(registration)
        )

    assert outcome == ConfirmOutcome.CONFIRMED
    assert confirmed.status == RegistrationStatus.SUBMITTED
    assert confirmed.email_confirmed_at == at


def test_a_confirmed_registration_enters_the_queue(portal_a):
    registration = register(portal_a)
    token = token_of(registration)
    at = timezone.now() + timedelta(hours=2)

    with time_machine.travel(at, tick=False):
        outcome, confirmed = registration_confirm_email(portal=portal_a, token=token)

    assert outcome == ConfirmOutcome.CONFIRMED
    confirmed.refresh_from_db()
    assert confirmed.status == RegistrationStatus.SUBMITTED
    assert confirmed.email_confirmed_at == at
    assert confirmed.queued_at == at
    assert list(registration_queue(portal=portal_a)) == [confirmed]
    assert pending_registration_count(portal=portal_a) == 1
    event = confirmed.events.get(kind=EventKind.EMAIL_CONFIRMED)
    assert event.actor == confirmed.applicant
    audit = AuditEvent.objects.get(verb="registration.email_confirmed")
    assert (audit.portal, audit.actor_label, audit.target_id) == (
        portal_a,
        "system",
        str(confirmed.pk),
    )
    assert confirmed.applicant.is_active is False  # active only once approved


def test_a_link_works_once(portal_a):
    registration = register(portal_a)
    token = token_of(registration)
    first = registration_confirm_email(portal=portal_a, token=token)
    confirmed_at = Registration.objects.get().email_confirmed_at
    rows = saved_rows()

    second = registration_confirm_email(portal=portal_a, token=token)

    assert first[0] == ConfirmOutcome.CONFIRMED
    assert second == (ConfirmOutcome.ALREADY_CONFIRMED, registration)
    assert confirmation_state(portal=portal_a, token=token)[0] == ConfirmOutcome.ALREADY_CONFIRMED
    assert saved_rows() == rows
    assert Registration.objects.get().email_confirmed_at == confirmed_at


def test_a_new_link_replaces_the_old_one(portal_a):
    registration = register(portal_a)
    old = token_of(registration)

    wait = confirmation_resend(registration_id=registration.pk)

    new = token_of(registration)
    assert wait == 0
    assert new != old
    assert Email.objects.filter(template=CONFIRM_TEMPLATE).count() == 2
    assert registration.events.filter(kind=EventKind.CONFIRMATION_SENT).count() == 2
    assert registration_confirm_email(portal=portal_a, token=old) == (ConfirmOutcome.INVALID, None)
    assert registration_confirm_email(portal=portal_a, token=new)[0] == ConfirmOutcome.CONFIRMED


def test_an_expired_link_can_be_replaced_by_a_working_one(portal_a):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        registration = register(portal_a)

    with time_machine.travel(start + timedelta(hours=50), tick=False):
        assert confirmation_resend(registration_id=registration.pk) == 0
        outcome, confirmed = registration_confirm_email(
            portal=portal_a, token=token_of(registration)
        )

    assert outcome == ConfirmOutcome.CONFIRMED
    assert confirmed.status == RegistrationStatus.SUBMITTED


def test_links_are_limited_per_hour_counting_the_first(portal_a, settings):
    settings.REGISTRATION_CONFIRMATIONS_PER_HOUR = 3
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        registration = register(portal_a)

    waits = []
    for minutes in (10, 20, 30, 59):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            waits.append(confirmation_resend(registration_id=registration.pk))
    with time_machine.travel(start + timedelta(hours=1, seconds=1), tick=False):
        waits.append(confirmation_resend(registration_id=registration.pk))

    assert waits == [0, 0, 30 * 60 + 1, 60 + 1, 0]
    assert Email.objects.filter(template=CONFIRM_TEMPLATE).count() == 4
    assert registration.events.filter(kind=EventKind.CONFIRMATION_SENT).count() == 4


def test_the_hourly_limit_follows_the_setting(portal_a, settings):
    settings.REGISTRATION_CONFIRMATIONS_PER_HOUR = 1
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        registration = register(portal_a)

    with time_machine.travel(start + timedelta(minutes=45), tick=False):
        wait = confirmation_resend(registration_id=registration.pk)

    assert wait == 15 * 60 + 1
    assert Email.objects.count() == 1


def test_no_link_is_sent_for_a_confirmed_registration(portal_a):
    registration = register(portal_a)
    registration_confirm_email(portal=portal_a, token=token_of(registration))
    rows = saved_rows()

    wait = confirmation_resend(registration_id=registration.pk)

    assert wait == 0
    assert saved_rows() == rows


def test_a_link_of_another_portal_is_invalid(portal_a, portal_b):
    registration = register(portal_a)
    token = token_of(registration)

    assert confirmation_state(portal=portal_b, token=token) == (ConfirmOutcome.INVALID, None)
    assert registration_confirm_email(portal=portal_b, token=token) == (
        ConfirmOutcome.INVALID,
        None,
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.EMAIL_UNCONFIRMED


@pytest.mark.parametrize(
    "token",
    ["", " ", "x", "a" * 43, "a" * 101, "../../masuk", "\x00", "ä" * 50, "%00", "None"],
)
def test_garbage_tokens_are_invalid(portal_a, token):
    registration = register(portal_a)
    rows = saved_rows()

    state = confirmation_state(portal=portal_a, token=token)
    used = registration_confirm_email(portal=portal_a, token=token)

    assert state == used == (ConfirmOutcome.INVALID, None)
    assert saved_rows() == rows
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.EMAIL_UNCONFIRMED


def test_an_overlong_token_is_refused_before_any_lookup(portal_a, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert confirmation_state(portal=portal_a, token="a" * 10_000) == (
            ConfirmOutcome.INVALID,
            None,
        )


def test_the_confirmation_email_is_delivered_by_the_worker(
    portal_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(portal_a)
    run_task_worker()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [registration.applicant.email]
    assert (
        mail.outbox[0].subject == "Confirm your email to complete your registration on LPSE Alpha"
    )
