"""Registrations and their parts, made through the real services."""

import io
import itertools
import secrets

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from stdnum import luhn

from inaproc.files.checks import document_check
from inaproc.files.services import CheckedUpload
from inaproc.reference.models import Kbli, KbliLevel
from inaproc.vendors.companies.data import CompanyData
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import Registration, RegistrationStatus
from inaproc.vendors.registrations.services.confirmation import registration_confirm_email
from inaproc.vendors.registrations.services.registration import registration_create
from tests.factories import DEFAULT_PASSWORD

_counter = itertools.count(1)

# A valid NPWP (legacy 15 digits), 16-digit form, and the sectors the builders load.
SECTORS = ("41011", "43211")
REQUIRED_KINDS = (
    DocumentKind.NIB,
    DocumentKind.NPWP_CARD,
    DocumentKind.DEED_OF_ESTABLISHMENT,
    DocumentKind.REPRESENTATIVE_ID,
)


def npwp_make(n: int | None = None) -> str:
    """A fresh valid NPWP in its 16-digit form (`0` + 9 digits with Luhn + 6 digits)."""
    n = next(_counter) if n is None else n
    base = f"{10_000_000 + n:08d}"
    nine = base + luhn.calc_check_digit(base)
    return f"0{nine}101000"


def kbli_sample() -> None:
    """The few KBLI codes registrations in tests pick (the full file: `load_kbli`)."""
    rows = [
        ("F", KbliLevel.KATEGORI, "Konstruksi", None),
        ("41", KbliLevel.GOLONGAN_POKOK, "Konstruksi Gedung", "F"),
        ("410", KbliLevel.GOLONGAN, "Konstruksi Gedung", "41"),
        ("4101", KbliLevel.SUBGOLONGAN, "Konstruksi Gedung Hunian", "410"),
        ("41011", KbliLevel.KELOMPOK, "Konstruksi Gedung Hunian", "4101"),
        ("43", KbliLevel.GOLONGAN_POKOK, "Konstruksi Khusus", "F"),
        ("432", KbliLevel.GOLONGAN, "Instalasi Sistem Kelistrikan", "43"),
        ("4321", KbliLevel.SUBGOLONGAN, "Instalasi Listrik", "432"),
        ("43211", KbliLevel.KELOMPOK, "Instalasi Listrik", "4321"),
    ]
    for code, level, title, parent in rows:
        Kbli.objects.get_or_create(
            code=code, defaults={"level": level, "title": title, "parent_id": parent}
        )


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), color=(200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str = "dokumen.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    content = pdf_bytes() if content is None else content
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def checked(kind: str, name: str = "dokumen.pdf", content: bytes | None = None) -> CheckedUpload:
    file = upload(name, content)
    return CheckedUpload(kind, file, document_check(file))


def company_data(**overrides) -> CompanyData:
    n = next(_counter)
    values = {
        "name": f"PT Maju Jaya {n}",
        "legal_form": "pt",
        "npwp": npwp_make(n),
        "nib": f"{9_120_000_000_000 + n}",
        "province": "jawa_barat",
        "city": "Kota Bandung",
        "street": "Jl. Asia Afrika No. 1",
        "postal_code": "40111",
        "phone": "+6281234567890",
        "email": f"vendor{n}@example.id",
        "representative_name": "Budi Santoso",
        "representative_nik": "3171011708450001",
        "representative_position": "Direktur Utama",
        "sectors": SECTORS,
    }
    values.update(overrides)
    return CompanyData.from_mapping(values)


def registration_form(*, name: str, npwp: str, nib: str, email: str, **fields) -> dict:
    """The public registration form's fields as a vendor fills them in for the company
    `name` (the documents apart): `fields` replace or add fields, None leaves one out."""
    values = {
        "name": name,
        "legal_form": "pt",
        "npwp": npwp,
        "nib": nib,
        "province": "jawa_barat",
        "city": "Kota Bandung",
        "street": "Jl. Asia Afrika No. 1",
        "postal_code": "40111",
        "phone": "0812-3456-7890",
        "email": email,
        "sectors": "41011, 43211",
        "representative_name": "Budi Santoso",
        "representative_nik": "3171011708450001",
        "representative_position": "Direktur Utama",
        "username": "",
        "password": DEFAULT_PASSWORD,
        "password_again": DEFAULT_PASSWORD,
        "consent": "on",
        **fields,
    }
    return {field: value for field, value in values.items() if value is not None}


def register(
    portal,
    *,
    company: CompanyData | None = None,
    username: str | None = None,
    password: str = DEFAULT_PASSWORD,
    kinds=REQUIRED_KINDS,
) -> Registration:
    """A registration as the form creates it: email not yet confirmed."""
    kbli_sample()
    company = company or company_data()
    result = registration_create(
        portal=portal,
        company=company,
        username=username or company.npwp,
        password=password,
        uploads=[checked(kind, f"{kind}.pdf") for kind in kinds],
        held=[],
        form_key=secrets.token_urlsafe(16),
    )
    return result.registration


def confirmation_token_of(email_body: str) -> str:
    """The token of the confirmation link in an email body."""
    marker = "/pendaftaran/konfirmasi/"
    start = email_body.index(marker) + len(marker)
    return email_body[start:].split("/", 1)[0]


def register_submitted(portal, **kwargs) -> Registration:
    """A registration whose email is confirmed: in the verifiers' queue."""
    from inaproc.notifications.models import Email

    registration = register(portal, **kwargs)
    body = Email.objects.filter(template="vendors/email/registration_confirm").latest("pk").body
    outcome, registration = registration_confirm_email(
        portal=portal, token=confirmation_token_of(body)
    )
    assert registration.status == RegistrationStatus.SUBMITTED, outcome
    return registration


def register_sent_back(
    portal, *, notes: dict[str, str], message: str = "", verifier=None, **kwargs
) -> Registration:
    """A registration the verifiers sent back for changes: `notes` (a field name or
    `document:<kind>` → what to fix) and `message`; the applicant may correct it."""
    from inaproc.accounts.models import Role
    from inaproc.vendors.registrations.services.verification import registration_request_changes
    from tests.factories import make_user

    registration = register_submitted(portal, **kwargs)
    verifier = verifier or make_user(portal, role=Role.VERIFIER)
    return registration_request_changes(
        registration_id=registration.pk,
        portal=portal,
        verifier=verifier,
        notes=notes,
        message=message,
    )


def register_approved(portal, *, verifier=None, **kwargs) -> Registration:
    """An approved registration: its applicant is the company's active administrator."""
    from inaproc.accounts.models import Role
    from inaproc.vendors.registrations.services.verification import registration_approve
    from tests.factories import make_user

    registration = register_submitted(portal, **kwargs)
    verifier = verifier or make_user(portal, role=Role.VERIFIER)
    return registration_approve(registration_id=registration.pk, portal=portal, verifier=verifier)
