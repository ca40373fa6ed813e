"""A business licence's end date given at registration and at resubmission (the same field
and rules as in a change request): stored on the licence Documents, refused when past or
without a licence file, kept across a failed submit, and picked up by the daily
`warn_expiring_documents`."""

import html
import re
from dataclasses import asdict
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django.utils.formats import date_format

from inaproc.accounts.models import Role, User
from inaproc.files.models import HeldUpload
from inaproc.notifications.models import Email
from inaproc.vendors.companies.data import CompanyData
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import Company, Document, RegistrationStatus
from inaproc.vendors.registrations.services.confirmation import registration_confirm_email
from inaproc.vendors.registrations.services.verification import (
    registration_approve,
)
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import captcha_answer, login_post, signed_in
from tests.vendors.builders import (
    confirmation_token_of,
    kbli_sample,
    npwp_make,
    pdf_bytes,
    register_sent_back,
    registration_form,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REGISTER = "/lpse-a/pendaftaran/"
RESUBMIT = "/lpse-a/pendaftaran/perbaiki/"
STATUS = "/lpse-a/pendaftaran/status/"
REQUIRED = ("nib", "npwp_card", "deed_of_establishment", "representative_id")
LICENCE = DocumentKind.BUSINESS_LICENCE
PAST_MESSAGE = "This date has passed: upload a licence that is still valid."
NO_LICENCE_MESSAGE = "Choose the new licence file this date belongs to, or clear the date."


@pytest.fixture(autouse=True)
def kbli(db):
    kbli_sample()


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes())


def registration_data(**overrides) -> dict:
    return registration_form(
        **{
            "name": "PT Izin Berlaku",
            "npwp": npwp_make(700),
            "nib": "9120000000701",
            "email": "izin@example.id",
            **{f"document_{kind}": pdf(f"{kind}.pdf") for kind in REQUIRED},
            **overrides,
        }
    )


def register_post(client, *, page=None, files: bool = True, **overrides):
    """Open the registration form (or use the page it came back on) and send it; without
    `files`, only what the page holds is sent along."""
    page = page or client.get(REGISTER)
    form_key = re.search(r'name="form_key" value="([^"]+)"', page.text).group(1)
    data = registration_data(**overrides)
    if not files:
        data = {name: value for name, value in data.items() if not name.startswith("document_")}
    return client.post(REGISTER, {**data, **captcha_answer(page), "form_key": form_key})


def field_errors(response, name: str) -> list[str]:
    """The messages shown next to the field `name`."""
    match = re.search(
        rf'<div class="field-errors" id="id_{name}_errors">(.*?)</div>', response.text, re.S
    )
    if match is None:
        return []
    return [html.unescape(text) for text in re.findall(r"<p>(.*?)</p>", match.group(1), re.S)]


def licences(company=None) -> list[tuple[str, object]]:
    documents = Document.objects.filter(kind=LICENCE, removed_at__isnull=True)
    if company is not None:
        documents = documents.filter(company=company)
    return sorted(documents.values_list("original_name", "valid_until"))


def nothing_created() -> bool:
    return not (User.objects.exists() or Company.objects.exists() or Email.objects.exists())


# --- Registration -------------------------------------------------------------------------


def test_the_registration_page_asks_for_the_date_next_to_the_licence_upload(client, portal_a):
    page = client.get(REGISTER)

    assert page.status_code == 200
    licence_at = page.text.index('name="document_business_licence"')
    date_at = page.text.index('name="licence_valid_until"')
    assert licence_at < date_at < page.text.index('name="document_deed_of_establishment"')
    assert '<label for="id_licence_valid_until">Licence valid until</label>' in page.text
    assert 'type="date"' in page.text
    assert 'aria-describedby="id_licence_valid_until_help"' in page.text


def test_registration_with_a_date_stores_it_on_each_licence_document(client, portal_a):
    end = timezone.localdate() + timedelta(days=400)

    response = register_post(
        client,
        licence_valid_until=end.isoformat(),
        document_business_licence=[pdf("izin-1.pdf"), pdf("izin-2.pdf")],
    )

    assert response.status_code == 302
    assert licences() == [("izin-1.pdf", end), ("izin-2.pdf", end)]
    others = Document.objects.exclude(kind=LICENCE)
    assert others.count() == len(REQUIRED)
    assert not others.filter(valid_until__isnull=False).exists()


def test_registration_without_a_date_stores_none(client, portal_a):
    response = register_post(client, document_business_licence=pdf("izin.pdf"))

    assert response.status_code == 302
    assert licences() == [("izin.pdf", None)]


def test_a_past_date_is_refused_next_to_the_field_and_nothing_is_saved(client, portal_a):
    response = register_post(
        client, licence_valid_until=in_days(-1), document_business_licence=pdf("izin.pdf")
    )

    assert response.status_code == 200
    assert field_errors(response, "licence_valid_until") == [PAST_MESSAGE]
    assert '<a href="#id_licence_valid_until">Licence valid until: ' in response.text
    assert nothing_created()
    assert not Document.objects.exists()


def test_a_date_without_a_licence_file_is_refused_and_nothing_is_saved(client, portal_a):
    response = register_post(client, licence_valid_until=in_days(30))

    assert response.status_code == 200
    assert field_errors(response, "licence_valid_until") == [NO_LICENCE_MESSAGE]
    assert nothing_created()


def test_a_licence_file_that_fails_its_check_gets_the_only_message(client, portal_a):
    response = register_post(
        client,
        licence_valid_until=in_days(30),
        document_business_licence=SimpleUploadedFile("izin.pdf", b"MZ\x90\x00 not a pdf"),
    )

    assert field_errors(response, "document_business_licence")
    assert field_errors(response, "licence_valid_until") == []
    assert nothing_created()


@pytest.mark.parametrize("value", ["\x00", "31/12/2027", "2027-02-30", "9" * 5000])
def test_garbage_dates_are_refused_next_to_the_field(client, portal_a, value):
    response = register_post(
        client, licence_valid_until=value, document_business_licence=pdf("izin.pdf")
    )

    assert response.status_code == 200
    assert field_errors(response, "licence_valid_until") == ["Enter a date, e.g. 2027-12-31."]
    assert nothing_created()


def test_a_form_failing_elsewhere_keeps_the_date_and_the_held_licence_gets_it(client, portal_a):
    end = in_days(200)

    failed = register_post(
        client, npwp="12.345", licence_valid_until=end, document_business_licence=pdf("izin.pdf")
    )

    assert failed.status_code == 200
    assert f'value="{end}"' in failed.text
    assert HeldUpload.objects.filter(kind=LICENCE).count() == 1
    # Sent again as the browser shows it: the files are held, the date is filled in.
    fixed = register_post(client, page=failed, files=False, licence_valid_until=end)

    assert fixed.status_code == 302
    assert [(name, str(date)) for name, date in licences()] == [("izin.pdf", end)]
    assert not HeldUpload.objects.exists()


# --- Resubmission -------------------------------------------------------------------------


@pytest.fixture
def asked(portal_a):
    """A registration the verifiers sent back for changes, and its applicant's browser."""
    return register_sent_back(
        portal_a,
        notes={"document:business_licence": "Add the licence, with its end date."},
        message="Add the licence.",
    )


@pytest.fixture
def applicant(client, asked):
    response = login_post(client, "lpse-a", asked.applicant.username, DEFAULT_PASSWORD)
    assert response.headers["Location"] == STATUS
    return client


def resubmit_data(page, **overrides) -> dict:
    """The resubmission form as the page pre-fills it, plus `overrides`."""
    company = asdict(CompanyData.from_company(page.context["company"]))
    data = {name: company[name] for name in page.context["form"].fields}
    data["sectors"] = ", ".join(data["sectors"])
    data["form_key"] = page.context["form_key"]
    data.update(overrides)
    return data


def test_the_resubmission_page_asks_for_the_date_in_the_licence_section(applicant):
    page = applicant.get(RESUBMIT)

    section = re.search(
        r'<section class="document-slot[^"]*" aria-labelledby="slot-business_licence">(.*?)'
        r"</section>",
        page.text,
        re.S,
    ).group(1)
    assert 'name="document_business_licence"' in section
    assert '<label for="id_licence_valid_until">New licence valid until</label>' in section


def test_resubmission_with_a_new_licence_and_date_stores_it(applicant, asked):
    page = applicant.get(RESUBMIT)
    end = timezone.localdate() + timedelta(days=90)

    response = applicant.post(
        RESUBMIT,
        resubmit_data(
            page, licence_valid_until=end.isoformat(), document_business_licence=pdf("izin.pdf")
        ),
    )

    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == RegistrationStatus.RESUBMITTED
    assert licences(asked.company) == [("izin.pdf", end)]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"licence_valid_until": "PAST", "document_business_licence": "FILE"}, PAST_MESSAGE),
        ({"licence_valid_until": "FUTURE"}, NO_LICENCE_MESSAGE),
    ],
)
def test_resubmission_refuses_a_past_date_or_a_date_without_a_licence(
    applicant, asked, overrides, message
):
    page = applicant.get(RESUBMIT)
    values = {"PAST": in_days(-1), "FUTURE": in_days(30), "FILE": pdf("izin.pdf")}

    response = applicant.post(
        RESUBMIT, resubmit_data(page, **{k: values[v] for k, v in overrides.items()})
    )

    assert response.status_code == 200
    assert field_errors(response, "licence_valid_until") == [message]
    asked.refresh_from_db()
    assert asked.status == RegistrationStatus.CHANGES_REQUESTED
    assert licences(asked.company) == []


# --- What the verifier sees, and the daily warning ---------------------------------------


def confirmed(portal):
    """The registration just sent through the form, with its email confirmed."""
    body = Email.objects.get(template="vendors/email/registration_confirm").body
    _outcome, registration = registration_confirm_email(
        portal=portal, token=confirmation_token_of(body)
    )
    return registration


def test_the_verifier_sees_the_licence_end_date_on_the_review_page(client, portal_a):
    end = timezone.localdate() + timedelta(days=400)
    register_post(
        client, licence_valid_until=end.isoformat(), document_business_licence=pdf("izin.pdf")
    )
    registration = confirmed(portal_a)
    verifier = signed_in(make_user(portal_a, role=Role.VERIFIER))

    page = verifier.get(f"/lpse-a/staf/verifikasi/{registration.pk}/")

    assert page.status_code == 200
    assert f"<dt>Valid until</dt><dd>{date_format(end, 'j F Y')}</dd>" in page.text


def test_the_warn_command_picks_up_a_licence_given_at_registration(client, portal_a):
    end = timezone.localdate() + timedelta(days=10)
    register_post(
        client, licence_valid_until=end.isoformat(), document_business_licence=pdf("izin.pdf")
    )
    registration_approve(
        registration_id=confirmed(portal_a).pk,
        portal=portal_a,
        verifier=make_user(portal_a, role=Role.VERIFIER),
    )

    call_command("warn_expiring_documents")

    email = Email.objects.get(template="vendors/email/documents_expiring")
    assert email.to == "izin@example.id"
    assert "izin.pdf" in email.body
    assert Document.objects.get(kind=LICENCE).expiry_warned_at is not None
