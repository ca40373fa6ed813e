"""The public registration pages: the form, "check your email", sending the link again,
the confirmation link, the KBLI search and the privacy notice."""

import html
import re
import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from inaproc.accounts.models import Role, User
from inaproc.audit.models import AuditEvent
from inaproc.core.text import email_mask
from inaproc.files.models import HeldUpload
from inaproc.notifications.models import Email, EmailStatus
from inaproc.vendors.models import (
    Company,
    Document,
    EventKind,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import captcha_answer, run_task_worker, signed_in
from tests.vendors.builders import (
    company_data,
    confirmation_token_of,
    kbli_sample,
    npwp_make,
    pdf_bytes,
    png_bytes,
    register,
    registration_form,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REGISTER = "/lpse-a/pendaftaran/"
REGISTERED = "/lpse-a/pendaftaran/terkirim/"
RESEND = "/lpse-a/pendaftaran/kirim-ulang/"
CONFIRM = "/lpse-a/pendaftaran/konfirmasi/"
STATUS = "/lpse-a/pendaftaran/status/"
CONFIRM_TEMPLATE = "vendors/email/registration_confirm"
NPWP = npwp_make(900)
# The same NPWP as a vendor types it: the legacy 15 digits with dots and a dash.
NPWP_TYPED = f"{NPWP[1:3]}.{NPWP[3:6]}.{NPWP[6:9]}.{NPWP[9]}-{NPWP[10:13]}.{NPWP[13:]}"
START = timezone.datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))
REQUIRED = ("nib", "npwp_card", "deed_of_establishment", "representative_id")


@pytest.fixture(autouse=True)
def kbli(db):
    kbli_sample()


@pytest.fixture
def portal(portal_a):
    portal_a.helpdesk_email = "helpdesk@lpse-a.go.id"
    portal_a.helpdesk_phone = "021 555 0100"
    portal_a.save()
    return portal_a


def form_data(**overrides) -> dict:
    company = {
        "name": "PT Maju Jaya",
        "npwp": NPWP_TYPED,
        "nib": "9120000000901",
        "email": "budi@example.id",
    }
    return registration_form(**{**company, **overrides})


def pdf(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content)


def documents(kinds=REQUIRED) -> dict:
    return {f"document_{kind}": pdf(f"{kind}.pdf") for kind in kinds}


def form_key_of(response) -> str:
    return re.search(r'name="form_key" value="([^"]+)"', response.text).group(1)


def submit(client, data=None, files=None, *, page=None, captcha=None, **extra):
    """Open the form (or use the page it came back on), answer its CAPTCHA and send it."""
    page = page or client.get(REGISTER)
    payload = {
        **(form_data() if data is None else data),
        **(captcha or captcha_answer(page)),
        "form_key": form_key_of(page),
        **(documents() if files is None else files),
        **extra,
    }
    return client.post(REGISTER, payload)


def field_errors(response, name: str) -> list[str]:
    """The messages shown next to the field `name`."""
    match = re.search(
        rf'<div class="field-errors" id="id_{name}_errors">(.*?)</div>', response.text, re.S
    )
    if match is None:
        return []
    return [html.unescape(text) for text in re.findall(r"<p>(.*?)</p>", match.group(1), re.S)]


def latest_token() -> str:
    return confirmation_token_of(Email.objects.filter(template=CONFIRM_TEMPLATE).latest("pk").body)


def nothing_created() -> bool:
    return not (User.objects.exists() or Company.objects.exists() or Email.objects.exists())


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------


def test_the_form_is_grouped_and_says_what_is_needed(client, portal, settings):
    settings.DOCUMENT_MAX_BYTES = 5 * 1024 * 1024

    response = client.get(REGISTER)
    text = response.text

    assert response.status_code == 200
    assert len(re.findall(r"<h1[\s>]", text)) == 1
    assert 'enctype="multipart/form-data"' in text
    assert re.findall(r"<legend>(.*?)</legend>", text) == [
        "Company",
        "Address and contact",
        "Business sectors",
        "Representative",
        "Documents",
        "Account",
        "Privacy and security check",
    ]
    assert "PDF, JPEG or PNG, at most 5 MB per file and 20 files in all." in text
    assert '<p class="help" id="id_document_nib_help">Required.</p>' in text
    assert (
        '<p class="help" id="id_document_deed_of_establishment_help">Required, except for: '
        "Sole proprietorship (Perorangan). You may upload several files.</p>"
    ) in text
    assert (
        '<p class="help" id="id_document_business_licence_help">Optional. '
        "You may upload several files.</p>"
    ) in text
    assert " multiple " not in re.search(r'<input type="file" name="document_nib"[^>]*>', text)[0]
    assert (
        " multiple " in re.search(r'<input type="file" name="document_business_lic[^>]*>', text)[0]
    )
    assert "Leave it blank to sign in with the company&#x27;s NPWP" in text
    assert text.index("Choosing a password") < text.index('for="id_password"')
    assert 'href="/lpse-a/pendaftaran/privasi/"' in text
    assert 'name="captcha_0"' in text
    assert 'href="/lpse-a/pendaftaran/kbli/" target="_blank"' in text
    assert 'data-search-url="/lpse-a/pendaftaran/kbli/"' in text
    assert '<script src="/static/js/kbli-picker.js" defer></script>' in text


def test_the_captcha_is_asked_even_where_login_has_none(client, portal):
    portal.captcha_mode = "off"
    portal.save()

    assert 'name="captcha_0"' in client.get(REGISTER).text


def test_a_signed_in_user_goes_to_the_dashboard(client, portal):
    signed_in(make_user(portal), client=client)

    response = client.get(REGISTER)

    assert response.status_code == 302
    assert response.headers["Location"] == "/lpse-a/dasbor/"


# ---------------------------------------------------------------------------
# Registering
# ---------------------------------------------------------------------------


def test_registering_creates_an_inactive_account_company_documents_and_one_email(client, portal):
    files = {
        **documents(("nib", "npwp_card", "deed_of_establishment")),
        "document_representative_id": SimpleUploadedFile("ktp.png", png_bytes()),
        "document_business_licence": [pdf("izin-1.pdf"), pdf("izin-2.pdf")],
    }

    response = submit(client, files=files)

    assert response.status_code == 302
    assert response.headers["Location"] == REGISTERED
    user = User.objects.get()
    assert (user.portal, user.role, user.username, user.email, user.is_active) == (
        portal,
        Role.VENDOR,
        NPWP,
        "budi@example.id",
        False,
    )
    assert user.full_name == "Budi Santoso"
    assert user.check_password(DEFAULT_PASSWORD)
    company = Company.objects.get()
    assert (company.portal, company.name, company.npwp, company.nib, company.phone) == (
        portal,
        "PT Maju Jaya",
        NPWP,
        "9120000000901",
        "+6281234567890",
    )
    assert list(company.sectors.values_list("code", flat=True)) == ["41011", "43211"]
    assert company.members.get().user == user
    registration = Registration.objects.get()
    assert (registration.company, registration.applicant, registration.status) == (
        company,
        user,
        RegistrationStatus.EMAIL_UNCONFIRMED,
    )
    assert sorted(Document.objects.values_list("kind", "original_name", "content_type")) == [
        ("business_licence", "izin-1.pdf", "application/pdf"),
        ("business_licence", "izin-2.pdf", "application/pdf"),
        ("deed_of_establishment", "deed_of_establishment.pdf", "application/pdf"),
        ("nib", "nib.pdf", "application/pdf"),
        ("npwp_card", "npwp_card.pdf", "application/pdf"),
        ("representative_id", "ktp.png", "image/png"),
    ]
    email = Email.objects.get()
    assert (email.template, email.to, email.status) == (
        CONFIRM_TEMPLATE,
        "budi@example.id",
        EmailStatus.QUEUED,
    )
    assert HeldUpload.objects.count() == 0


def test_the_registered_page_shows_the_typed_address_and_the_link_validity(client, portal):
    # Issue 14 item 4: the applicant's own input, in its own browser, in full (a typo shows).
    with time_machine.travel(START, tick=False):
        submit(client)
        page = client.get(REGISTERED)

    assert page.status_code == 200
    assert "<h1>Check your email</h1>" in page.text
    assert "PT Maju Jaya is registered. We have sent a confirmation link to budi@example.id." in (
        page.text
    )
    assert "correct it on the registration's status page" in page.text
    assert "Open the link within 48 hours (until 27 November 2026 09:00 WIB)" in page.text
    assert 'action="/lpse-a/pendaftaran/kirim-ulang/"' in page.text


def test_a_typed_username_is_normalised(client, portal):
    submit(client, form_data(username="  01.234.567.4-101.000 "))

    assert User.objects.get().username == "0012345674101000"


def test_the_email_is_sent_by_the_worker_not_during_the_request(
    client, portal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client)
    assert mail.outbox == []

    run_task_worker()

    assert [message.to for message in mail.outbox] == [["budi@example.id"]]
    assert "/lpse-a/pendaftaran/konfirmasi/" in mail.outbox[0].body


class DownEmailBackend(BaseEmailBackend):
    """The mail server does not answer."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("connection closed")


def test_a_mail_server_down_at_submit_time_does_not_matter(
    client, portal, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.DownEmailBackend"
    start = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client)
    with django_capture_on_commit_callbacks(execute=True):
        run_task_worker()

    assert response.status_code == 302
    assert Registration.objects.get().status == RegistrationStatus.EMAIL_UNCONFIRMED
    email = Email.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
    assert email.last_error == "SMTPServerDisconnected: connection closed"
    assert DBTaskResult.objects.count() == 2  # the first attempt and the retry

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with (
        time_machine.travel(start + timedelta(minutes=2)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_task_worker()

    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)
    assert [message.to for message in mail.outbox] == [["budi@example.id"]]


def test_a_sole_proprietorship_needs_no_deed(client, portal):
    files = documents(("nib", "npwp_card", "representative_id"))

    response = submit(client, form_data(legal_form="perorangan"), files)

    assert response.status_code == 302
    assert Company.objects.get().legal_form == "perorangan"


def test_the_same_form_sent_twice_gives_the_same_answer_and_one_account(client, portal):
    page = client.get(REGISTER)
    answer = captcha_answer(page)
    first = submit(client, page=page, captcha=answer)

    second = submit(client, page=page, captcha=answer)
    other_browser = submit(Client(), page=page, captcha=answer)

    assert first.status_code == second.status_code == other_browser.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == REGISTERED
    assert User.objects.count() == 1
    assert Email.objects.count() == 1
    assert Document.objects.count() == 4
    assert "We have sent a confirmation link to budi@example.id" in client.get(REGISTERED).text


# ---------------------------------------------------------------------------
# Bad input: the message next to the field, everything typed kept
# ---------------------------------------------------------------------------

BAD_INPUT = [
    ("name", "", "This field is required."),
    ("legal_form", "ltd", "Select a valid choice. ltd is not one of the available choices."),
    (
        "npwp",
        "12.345",
        "Enter the NPWP as 15 digits (e.g. 01.234.567.4-101.000) or 16 digits.",
    ),
    ("npwp", "01.234.567.8-101.000", "This NPWP is not valid: check the digits."),
    ("nib", "12345", "Enter the NIB as 13 digits."),
    (
        "province",
        "atlantis",
        "Select a valid choice. atlantis is not one of the available choices.",
    ),
    ("city", "", "This field is required."),
    ("street", "", "This field is required."),
    ("postal_code", "401", "Enter the postal code as 5 digits."),
    ("phone", "12", "Enter a valid phone number, e.g. 0812-3456-7890 or (021) 1234-5678."),
    ("email", "budi@", "Enter a valid email address."),
    ("sectors", "41011, 99999", "99999 is not a 5-digit KBLI 2020 code. Search the list for it."),
    ("sectors", "", "This field is required."),
    ("representative_name", "", "This field is required."),
    ("representative_nik", "3171", "Enter the NIK as the 16 digits on the ID card (KTP)."),
    ("representative_position", "", "This field is required."),
    ("username", "u" * 151, "Ensure this value has at most 150 characters (it has 151)."),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD_INPUT)
def test_bad_input_is_shown_next_to_its_field_and_everything_typed_is_kept(
    client, portal, name, value, message
):
    response = submit(client, form_data(**{name: value}))

    assert response.status_code == 200
    assert field_errors(response, name) == [message]
    widget = re.search(rf'<(?:input|select) [^>]*id="id_{name}">', response.text).group(0)
    assert re.search(rf'aria-describedby="(id_{name}_help )?id_{name}_errors"', widget)
    assert 'aria-invalid="true"' in widget
    assert f'<a href="#id_{name}">' in response.text  # the summary at the top links to it
    for other, typed in form_data().items():
        if other != name and other in {"name", "street", "city", "email", "npwp", "sectors"}:
            assert f'value="{html.escape(typed, quote=True)}"' in response.text, other
    assert DEFAULT_PASSWORD not in response.text
    assert nothing_created()


def test_password_rules_and_the_second_password(client, portal):
    short = submit(client, form_data(password="pendek", password_again="pendek"))
    different = submit(client, form_data(password_again=DEFAULT_PASSWORD + "x"))
    like_the_username = submit(
        client,
        form_data(username="mawar-melati-semuanya", password="mawar-melati-semuanya"),
        password_again="mawar-melati-semuanya",
    )

    assert field_errors(short, "password") == [
        "This password is too short. It must contain at least 15 characters."
    ]
    assert field_errors(short, "password_again") == []
    assert field_errors(different, "password_again") == [
        "The two passwords are not the same. Type the password twice."
    ]
    assert field_errors(like_the_username, "password") == [
        "The password is too similar to the username."
    ]
    assert nothing_created()


def test_a_password_with_a_word_of_the_company_or_its_npwp_is_refused(client, portal):
    word = "samudra biru yang sangat luas"
    with_word = submit(
        client,
        form_data(name="PT Samudra Niaga", password=word, password_again=word),
    )
    npwp = f"pajak {NPWP_TYPED} kami"
    with_npwp = submit(
        client,
        form_data(username="budi.rekanan", password=npwp, password_again=npwp),
    )

    assert field_errors(with_word, "password") == [
        "The password contains 'samudra', a word of the company's name."
    ]
    assert field_errors(with_npwp, "password") == ["The password contains the company's NPWP."]
    assert nothing_created()


def test_the_consent_is_required(client, portal):
    response = submit(client, form_data(consent=None))

    assert field_errors(response, "consent") == [
        "Tick the box to agree to the privacy notice; the portal cannot verify a company "
        "without this data."
    ]
    assert 'id="id_consent" value="on" aria-describedby="consent_help id_consent_errors"' in (
        response.text
    )
    assert nothing_created()


def test_a_wrong_captcha_keeps_the_data_and_shows_a_new_image(client, portal):
    page = client.get(REGISTER)
    old_key = captcha_answer(page)["captcha_0"]

    response = submit(client, page=page, captcha_1="wrong")

    assert field_errors(response, "captcha") == [
        "The characters do not match the image. A new image is shown: try again."
    ]
    assert captcha_answer(response)["captcha_0"] != old_key
    assert 'value="PT Maju Jaya"' in response.text
    assert f'value="{NPWP_TYPED}"' in response.text
    assert '<option value="jawa_barat" selected>' in response.text
    assert 'name="consent" id="id_consent" value="on" checked' in response.text
    assert nothing_created()


def test_files_are_held_after_a_wrong_captcha(client, portal, document_root):
    """Issue 14: a wrong CAPTCHA no longer costs the files (the per-address limit on held
    files is in tests/vendors/test_captcha_keeps_files.py)."""
    response = submit(client, captcha_1="wrong")

    assert "Already uploaded: nib.pdf" in response.text
    assert "were not kept" not in response.text
    assert HeldUpload.objects.exists()
    assert nothing_created()


def test_unknown_service_errors_go_above_the_form(portal):
    from django.core.exceptions import ValidationError

    from inaproc.vendors.registrations.forms.registration import RegistrationForm

    form = RegistrationForm({}, portal=portal, held_kinds=REQUIRED)  # no document missing
    form.is_valid()

    form.add_service_errors(ValidationError({"full_name": "Too long.", "document:nib": "Again."}))
    form.add_service_errors(ValidationError("Something else."))

    assert form.non_field_errors() == ["Too long.", "Something else."]
    assert form.errors["document_nib"] == ["Again."]


# ---------------------------------------------------------------------------
# Documents and the uploads held across an error
# ---------------------------------------------------------------------------


def test_a_renamed_program_is_refused_as_a_pdf(client, portal):
    files = {**documents(), "document_nib": pdf("nib.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)}

    response = submit(client, files=files)

    assert field_errors(response, "document_nib") == [
        "nib.pdf: Only PDF, JPEG or PNG files are accepted; this file is none of them."
    ]
    assert sorted(HeldUpload.objects.values_list("kind", flat=True)) == [
        "deed_of_establishment",
        "npwp_card",
        "representative_id",
    ]
    assert nothing_created()


def test_a_file_over_the_size_limit_is_refused(client, portal, settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    big = pdf("akta.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024))

    response = submit(client, files={**documents(), "document_deed_of_establishment": big})

    assert field_errors(response, "document_deed_of_establishment") == [
        "akta.pdf: This file is larger than 1 MB."
    ]
    assert "PDF, JPEG or PNG, at most 1 MB per file" in response.text
    assert nothing_created()


def test_a_broken_pdf_is_refused(client, portal):
    broken = pdf("npwp.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")

    response = submit(client, files={**documents(), "document_npwp_card": broken})

    assert field_errors(response, "document_npwp_card") == [
        "npwp.pdf: This PDF cannot be read; it may be damaged. Export it again and upload "
        "the new file."
    ]
    assert nothing_created()


def test_a_missing_required_document_is_named_next_to_its_field(client, portal):
    response = submit(client, files=documents(("nib", "npwp_card", "representative_id")))

    assert field_errors(response, "document_deed_of_establishment") == [
        "Upload this document (PDF, JPEG or PNG)."
    ]
    assert field_errors(response, "document_nib") == []
    assert nothing_created()


def test_two_files_for_a_one_file_type_are_refused(client, portal):
    files = {**documents(), "document_nib": [pdf("nib-1.pdf"), pdf("nib-2.pdf")]}

    response = submit(client, files=files)

    assert field_errors(response, "document_nib") == ["Upload only one file of this type."]
    assert nothing_created()


def test_uploads_are_held_across_an_error_and_used_on_the_next_submit(
    client, portal, document_root
):
    first = submit(client, form_data(npwp="12.345"))
    held = list(HeldUpload.objects.order_by("kind"))
    size = filesizeformat(len(pdf_bytes()))

    assert len(held) == 4
    assert f"Already uploaded: nib.pdf ({size})" in first.text
    assert all((document_root / h.stored_name).exists() for h in held)
    assert f'name="remove_held" value="{held[0].pk}"' in first.text

    second = submit(client, page=first, files={})

    assert second.status_code == 302
    assert HeldUpload.objects.count() == 0
    assert sorted(Document.objects.values_list("kind", "stored_name")) == sorted(
        (h.kind, h.stored_name) for h in held
    )


def test_a_held_upload_can_be_removed(client, portal, document_root):
    first = submit(client, form_data(npwp="12.345"))
    nib = HeldUpload.objects.get(kind="nib")

    second = submit(client, page=first, files={}, remove_held=str(nib.pk))

    assert field_errors(second, "document_nib") == ["Upload this document (PDF, JPEG or PNG)."]
    assert not HeldUpload.objects.filter(pk=nib.pk).exists()
    assert not (document_root / nib.stored_name).exists()
    assert second.text.count("Already uploaded:") == 3

    third = submit(client, page=second, files={"document_nib": pdf("nib-baru.pdf")})

    assert third.status_code == 302
    assert Document.objects.get(kind="nib").original_name == "nib-baru.pdf"
    assert Document.objects.count() == 4


def test_a_new_file_replaces_the_held_one_of_a_one_file_type(client, portal, document_root):
    first = submit(client, form_data(npwp="12.345"))
    old_nib = HeldUpload.objects.get(kind="nib")

    second = submit(client, page=first, files={"document_nib": pdf("nib-baru.pdf")})

    assert second.status_code == 302
    assert Document.objects.get(kind="nib").original_name == "nib-baru.pdf"
    assert not (document_root / old_nib.stored_name).exists()


def test_a_form_key_of_another_form_holds_nothing_of_it(client, portal):
    submit(client, form_data(npwp="12.345"))

    response = submit(Client(), form_data(npwp="12.345"), files={})

    assert "Already uploaded:" not in response.text
    # Only this form's files count: the documents are missing, said in the same pass.
    assert field_errors(response, "document_nib") == ["Upload this document (PDF, JPEG or PNG)."]


# ---------------------------------------------------------------------------
# NPWP and username already registered
# ---------------------------------------------------------------------------

NPWP_TAKEN = (
    "A company with this NPWP is already registered on this portal. Sign in with its "
    "username, or reset the password if it is forgotten."
)
USERNAME_TAKEN = (
    "This username is already taken on this portal. Choose another one, or sign in if it "
    "is yours (you can reset a forgotten password)."
)


def test_an_npwp_registered_on_this_portal_points_to_login_and_reset(client, portal):
    register(portal, company=company_data(npwp=NPWP))
    users = User.objects.count()

    response = submit(client)

    assert field_errors(response, "npwp") == [NPWP_TAKEN]
    assert field_errors(response, "username") == []  # the blank username stood for the NPWP
    links = re.search(r'<p class="field-links">(.*?)</p>', response.text, re.S).group(1)
    assert 'href="/lpse-a/masuk/"' in links
    assert 'href="/lpse-a/lupa-kata-sandi/"' in links
    assert User.objects.count() == users
    assert Company.objects.count() == 1
    assert response.text.count("Already uploaded:") == 4


def test_the_same_npwp_on_another_portal_is_fine(client, portal, portal_b):
    register(portal_b, company=company_data(npwp=NPWP))

    response = submit(client)

    assert response.status_code == 302
    assert Company.objects.filter(npwp=NPWP).count() == 2


def test_a_username_taken_on_this_portal_is_refused(client, portal):
    make_user(portal, username="budi")

    response = submit(client, form_data(username="Budi"))

    assert field_errors(response, "username") == [USERNAME_TAKEN]
    assert 'href="/lpse-a/lupa-kata-sandi/"' in response.text
    assert not Company.objects.exists()


# ---------------------------------------------------------------------------
# Limits of a request
# ---------------------------------------------------------------------------


def test_too_many_files_get_a_readable_page(client, portal):
    page = client.get(REGISTER)
    files = {"document_business_licence": [pdf(f"izin-{n}.pdf") for n in range(21)]}

    response = submit(client, page=page, files=files)

    assert response.status_code == 400
    assert "The form sent too much at once" in response.text
    assert "at most 20 files at once" in response.text
    assert nothing_created()


def test_too_much_text_gets_a_readable_page(client, portal, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000

    response = submit(client, form_data(street="x" * 20_000))

    assert response.status_code == 400
    assert "The form sent too much at once" in response.text
    assert nothing_created()


# ---------------------------------------------------------------------------
# "Check your email" and sending the link again
# ---------------------------------------------------------------------------


def test_the_registered_page_without_a_grant_explains_without_naming_anyone(client, portal):
    register(portal)

    response = client.get(REGISTERED)

    assert response.status_code == 200
    assert "<h1>Check your email</h1>" in response.text
    assert "log in with the username and password you chose" in response.text
    assert "***@" not in response.text
    assert "kirim-ulang" not in response.text


def test_the_link_can_be_sent_again(client, portal):
    submit(client)

    response = client.post(RESEND, {"return_to": "registered"})

    assert response.status_code == 302
    assert response.headers["Location"] == REGISTERED
    assert Email.objects.filter(template=CONFIRM_TEMPLATE, to="budi@example.id").count() == 2
    assert (
        "A new confirmation link is on its way to budi@example.id. Only the newest link works."
        in client.get(REGISTERED).text
    )


def test_sending_again_from_the_status_page_returns_there(client, portal):
    submit(client)

    response = client.post(RESEND, {"return_to": "status"})

    assert response.headers["Location"] == STATUS
    assert Email.objects.count() == 2


def test_sending_again_is_limited_with_429_and_retry_after(client, portal):
    with time_machine.travel(START, tick=False):
        submit(client)
        client.post(RESEND)
        client.post(RESEND)

        response = client.post(RESEND)

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3601"
    assert "Wait 61 minutes before asking for another one" in response.text
    assert Email.objects.count() == 3


def test_sending_again_needs_the_grant_and_a_post(client, portal):
    register(portal)

    assert client.get(RESEND).status_code == 405
    response = client.post(RESEND)

    assert response.headers["Location"] == REGISTERED
    assert Email.objects.count() == 1


def test_sending_again_after_the_email_is_confirmed_sends_nothing(client, portal):
    submit(client)
    client.get(f"{CONFIRM}{latest_token()}/")
    client.post(CONFIRM)

    response = client.post(RESEND)

    assert response.headers["Location"] == STATUS
    assert Email.objects.count() == 1
    assert "<h1>Your email is confirmed</h1>" in client.get(REGISTERED).text


# ---------------------------------------------------------------------------
# The confirmation link
# ---------------------------------------------------------------------------


def test_opening_the_link_does_not_confirm_and_the_button_does(client, portal):
    registration = register(portal, company=company_data(name="PT Sinar Terang"))
    token = latest_token()

    opened = client.get(f"{CONFIRM}{token}/")

    assert opened.status_code == 302
    assert opened.headers["Location"] == CONFIRM
    page = client.get(CONFIRM)
    assert "<h1>Confirm your email address</h1>" in page.text
    assert "PT Sinar Terang" in page.text
    assert token not in page.text
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.EMAIL_UNCONFIRMED

    confirmed = client.post(CONFIRM)

    assert confirmed.status_code == 200
    assert "<h1>Email confirmed</h1>" in confirmed.text
    assert "The registration of PT Sinar Terang is now with the portal's verifiers." in (
        confirmed.text
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    assert AuditEvent.objects.filter(verb="registration.email_confirmed").count() == 1


def test_a_used_link_says_it_is_already_confirmed(client, portal):
    registration = register(portal)
    token = latest_token()
    client.get(f"{CONFIRM}{token}/")
    client.post(CONFIRM)

    again = Client()
    again.get(f"{CONFIRM}{token}/")
    page = again.get(CONFIRM)
    posted = again.post(CONFIRM)

    for response in (page, posted):
        assert "<h1>Email already confirmed</h1>" in response.text
        assert "Your registration is waiting for verification." in response.text
        assert 'href="/lpse-a/masuk/"' in response.text
    assert (
        RegistrationEvent.objects.filter(
            registration=registration, kind=EventKind.EMAIL_CONFIRMED
        ).count()
        == 1
    )


def test_an_expired_link_offers_a_new_one_that_works(client, portal):
    with time_machine.travel(START, tick=False):
        registration = register(portal, company=company_data(email="budi@example.id"))
    old_token = latest_token()

    with time_machine.travel(START + timedelta(hours=49), tick=False):
        client.get(f"{CONFIRM}{old_token}/")
        expired = client.get(CONFIRM)
        not_confirmed = client.post(CONFIRM)
        resent = client.post(CONFIRM, {"action": "resend"})
        new_token = latest_token()
        old_again = Client()
        old_again.get(f"{CONFIRM}{old_token}/")
        old_page = old_again.get(CONFIRM)
        client.get(f"{CONFIRM}{new_token}/")
        confirmed = client.post(CONFIRM)

    assert "<h1>This link has expired</h1>" in expired.text
    assert "the address given in the registration (bu***@example.id)" in expired.text
    assert "<h1>This link has expired</h1>" in not_confirmed.text
    assert "<h1>A new link is on its way</h1>" in resent.text
    assert "We have sent a new confirmation link to bu***@example.id." in resent.text
    assert "The new link works until 29 November 2026 10:00 WIB." in resent.text
    assert new_token != old_token
    assert list(Email.objects.order_by("pk").values_list("to", flat=True)) == [
        "budi@example.id",
        "budi@example.id",
    ]
    assert "<h1>This link does not work</h1>" in old_page.text
    assert "<h1>Email confirmed</h1>" in confirmed.text
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_a_new_link_for_an_expired_one_is_limited_too(client, portal):
    with time_machine.travel(START, tick=False):
        registration = register(portal)
    token = latest_token()

    with time_machine.travel(START + timedelta(hours=49), tick=False):
        for _n in range(3):  # links sent from the status page meanwhile
            RegistrationEvent.objects.create(
                registration=registration, kind=EventKind.CONFIRMATION_SENT
            )
        client.get(f"{CONFIRM}{token}/")
        response = client.post(CONFIRM, {"action": "resend"})

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3601"
    assert "<h1>This link has expired</h1>" in response.text
    assert "Wait 61 minutes" in response.text
    assert Email.objects.count() == 1


@pytest.mark.parametrize("token", ["garbage", "x" * 500, "%00", "..", "a b"])
def test_a_garbage_token_gives_the_invalid_page(client, portal, token):
    register(portal)

    opened = client.get(f"{CONFIRM}{token}/")
    page = client.get(CONFIRM)
    posted = client.post(CONFIRM, {"action": "resend"})

    assert opened.status_code in (302, 404)
    for response in (page, posted):
        assert response.status_code == 200
        assert "<h1>This link does not work</h1>" in response.text
        assert "the newest email" in response.text
    assert Email.objects.count() == 1


def test_without_a_token_in_the_session_the_link_does_not_work(client, portal):
    for response in (client.get(CONFIRM), client.post(CONFIRM)):
        assert response.status_code == 200
        assert "<h1>This link does not work</h1>" in response.text
        assert 'href="/lpse-a/masuk/"' in response.text
        assert "helpdesk@lpse-a.go.id" in response.text


def test_a_token_of_another_portal_does_not_work_here(client, portal, portal_b):
    registration = register(portal_b)
    token = latest_token()

    client.get(f"{CONFIRM}{token}/")
    page = client.get(CONFIRM)
    posted = client.post(CONFIRM)

    assert "<h1>This link does not work</h1>" in page.text
    assert "<h1>This link does not work</h1>" in posted.text
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.EMAIL_UNCONFIRMED


# ---------------------------------------------------------------------------
# KBLI search, privacy notice, links to the registration
# ---------------------------------------------------------------------------


def test_the_kbli_search_is_a_page_of_its_own(client, portal):
    response = client.get("/lpse-a/pendaftaran/kbli/", {"q": "konstruksi"})

    assert response.status_code == 200
    assert len(re.findall(r"<h1[\s>]", response.text)) == 1
    assert re.findall(r'<span class="kbli-code">(\d+)</span>', response.text) == ["41011"]
    assert "Konstruksi Gedung Hunian" in response.text
    assert "1 code found." in response.text
    assert "data-kbli-add" not in response.text
    assert 'value="konstruksi"' in response.text
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("how", [{"HTTP_HX_REQUEST": "true"}, {"fragment": "1"}])
def test_the_kbli_search_results_alone_for_the_picker(client, portal, how):
    params = {"q": "4"} | ({"fragment": "1"} if "fragment" in how else {})
    headers = {k: v for k, v in how.items() if k.startswith("HTTP_")}

    response = client.get("/lpse-a/pendaftaran/kbli/", params, **headers)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<h1" not in response.text
    assert re.findall(r'data-kbli-add="(\d+)"', response.text) == ["41011", "43211"]
    assert "2 codes found." in response.text


def test_the_kbli_search_without_a_match_or_a_query(client, portal):
    none = client.get("/lpse-a/pendaftaran/kbli/", {"q": "zzz <b>", "fragment": "1"})
    empty = client.get("/lpse-a/pendaftaran/kbli/", {"q": "  "})

    assert "No KBLI 2020 code matches “zzz &lt;b&gt;”." in none.text
    assert "kbli-code" not in empty.text
    assert "No KBLI 2020 code matches" not in empty.text


def test_the_privacy_notice(client, portal):
    response = client.get("/lpse-a/pendaftaran/privasi/")

    assert response.status_code == 200
    assert len(re.findall(r"<h1[\s>]", response.text)) == 1
    for words in (
        "NIK",
        "ID card",
        "Perpres) 16/2018 as amended by Perpres 12/2021",
        "The portal's verifiers",
        "How long it is kept",
        "UU 27/2022",
        "Sign-in records are deleted after 365 days.",
        'href="mailto:helpdesk@lpse-a.go.id"',
        'href="tel:0215550100"',
    ):
        assert words in response.text, words


def test_the_login_page_and_the_portal_home_link_to_the_registration(client, portal):
    for path in ("/lpse-a/masuk/", "/lpse-a/"):
        text = client.get(path).text
        assert '<a href="/lpse-a/pendaftaran/">Register as a vendor</a>' in text, path


def test_the_masked_address_shows_only_a_little():
    assert email_mask("budi@example.id") == "bu***@example.id"
    assert email_mask("abc@example.id") == "a***@example.id"
    assert email_mask("x@example.id") == "x***@example.id"


GARBAGE = {
    "npwp": ["a", "b"],
    "sectors": "\x00" * 10,
    "name": "x" * 10_000,
    "form_key": "../../etc/passwd",
    "remove_held": ["x", "-1", "99999999999999999999"],
    "captcha_0": "../",
    "captcha_1": "x" * 5000,
    "action": "resend",
    "return_to": "//evil.example/",
    "legal_form": ["pt", "cv"],
    "document_nib": "not a file",
}


def test_no_registration_page_answers_500_to_garbage(portal):
    anonymous, granted = Client(), Client()
    submit(granted)
    paths = [
        "pendaftaran/",
        "pendaftaran/terkirim/",
        "pendaftaran/kirim-ulang/",
        "pendaftaran/kbli/?q=%00&fragment=%00",
        "pendaftaran/konfirmasi/%00/",
        "pendaftaran/konfirmasi/",
        "pendaftaran/privasi/",
    ]
    for client in (anonymous, granted):
        for path in paths:
            url = f"/lpse-a/{path}"
            for response in (client.get(url), client.post(url, GARBAGE)):
                assert response.status_code < 500, (url, response.status_code)
