"""Demo vendor registrations, made through the registration and verification services as a
vendor and a verifier would: the demo vendor's approved company on each portal, one
registration waiting in the verifiers' queue and one still waiting for its email
confirmation. Their documents are small images and PDFs drawn here."""

import io
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from inaproc.accounts.models import User
from inaproc.files.checks import document_check
from inaproc.files.services import CheckedUpload
from inaproc.notifications.models import Email
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_url
from inaproc.reference.models import Kbli
from inaproc.reference.regions import Province
from inaproc.reference.selectors import kbli_get_many
from inaproc.reference.services import kbli_load
from inaproc.vendors.companies.data import CompanyData
from inaproc.vendors.companies.documents import required_document_kinds
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import LegalForm, Registration, RegistrationStatus
from inaproc.vendors.registrations.services.confirmation import registration_confirm_email
from inaproc.vendors.registrations.services.registration import registration_create
from inaproc.vendors.registrations.services.verification import registration_approve

# Document titles and files as a vendor would scan them (demo content, not interface text).
DOCUMENT_FILES = {
    DocumentKind.NIB: ("Nomor Induk Berusaha (NIB)", "nib.pdf"),
    DocumentKind.NPWP_CARD: ("Kartu NPWP", "kartu-npwp.pdf"),
    DocumentKind.DEED_OF_ESTABLISHMENT: ("Akta Pendirian", "akta-pendirian.pdf"),
    DocumentKind.BUSINESS_LICENCE: ("Izin Usaha", "izin-usaha.pdf"),
    DocumentKind.REPRESENTATIVE_ID: ("KTP Penanggung Jawab", "ktp-penanggung-jawab.png"),
}


def demo_document(*, kind: str, company_name: str) -> CheckedUpload:
    """A small, valid file for `kind` (PDF, or PNG for the ID card) that says it is a demo,
    checked as an upload is."""
    title, file_name = DOCUMENT_FILES[kind]
    return demo_file(kind=kind, title=title, file_name=file_name, subtitle=company_name)


def demo_file(*, kind: str, title: str, file_name: str, subtitle: str) -> CheckedUpload:
    """A one-page PDF (or PNG, by the name's extension) with a title and a subtitle,
    marked as demo data, checked as an upload is."""
    image_format = "PNG" if file_name.endswith(".png") else "PDF"
    size = (640, 400) if image_format == "PNG" else (595, 842)
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, size[0] - 16, size[1] - 16), outline=(22, 64, 128), width=4)
    draw.text((40, 48), title, fill=(22, 64, 128), font=ImageFont.load_default(size=30))
    draw.text((40, 100), subtitle, fill="black", font=ImageFont.load_default(size=20))
    draw.text(
        (40, size[1] - 72),
        "CONTOH - data demo, bukan dokumen asli",
        fill=(176, 0, 32),
        font=ImageFont.load_default(size=18),
    )
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    upload = SimpleUploadedFile(file_name, buffer.getvalue())
    return CheckedUpload(kind, upload, document_check(upload))


def demo_sectors(codes: tuple[str, ...]) -> tuple[str, ...]:
    """Those of `codes` that are in the KBLI table; an empty table is loaded first from
    KBLI_CSV_PATH when that file is there (as `load_kbli` would)."""
    path = Path(str(getattr(settings, "KBLI_CSV_PATH", "")))
    if not Kbli.objects.exists() and path.is_file():
        kbli_load(path=path)
    return tuple(sorted(kbli_get_many(codes=codes)))


def demo_register(
    *,
    portal: Portal,
    username: str,
    password: str,
    company: dict[str, Any],
    status: str,
    verifier: User,
    extra_documents: tuple[str, ...] = (),
) -> Registration:
    """Register through the form's service, confirm through the emailed link and take the
    registration as far as `status`: submitted (in the queue) or approved by `verifier`;
    email_unconfirmed stops after registering. Raises ValidationError as the form would."""
    data = CompanyData.from_mapping({**company, "sectors": demo_sectors(company["sectors"])})
    kinds = (*required_document_kinds(data.legal_form), *extra_documents)
    registration = registration_create(
        portal=portal,
        company=data,
        username=username,
        password=password,
        uploads=[demo_document(kind=kind, company_name=data.name) for kind in kinds],
        held=[],
        form_key=f"load_demo:{portal.slug}:{username}",
    ).registration
    if status == RegistrationStatus.EMAIL_UNCONFIRMED:
        return registration
    _outcome, registration = registration_confirm_email(
        portal=portal, token=_emailed_token(portal, registration)
    )
    if status == RegistrationStatus.APPROVED:
        registration = registration_approve(
            registration_id=registration.pk, portal=portal, verifier=verifier
        )
    return registration


def _emailed_token(portal: Portal, registration: Registration) -> str:
    """The token of the confirmation link in the registration's email, as the vendor
    would follow it."""
    email = Email.objects.filter(
        portal=portal,
        template="vendors/email/registration_confirm",
        to=registration.applicant.email,
    ).latest("pk")
    placeholder = "PLACEHOLDER"
    before, after = portal_url(portal, "vendors:confirm", token=placeholder).split(placeholder)
    match = re.search(re.escape(before) + r"([^/\s]+)" + re.escape(after), email.body)
    if match is None:
        raise RuntimeError("The confirmation email holds no confirmation link.")
    return match.group(1)


# --- The demo data -------------------------------------------------------------------------

# The demo vendor (see load_demo.DEMO_VENDOR_NPWP): the same company on both portals.
MAJU_BERSAMA = {
    "name": "PT Maju Bersama Konstruksi",
    "legal_form": LegalForm.PT,
    "npwp": "0012345674101000",
    "nib": "9120001234567",
    "province": Province.DKI_JAKARTA,
    "city": "Kota Jakarta Selatan",
    "street": "Jl. Jenderal Gatot Subroto Kav. 52, Gedung Maju Lt. 5",
    "postal_code": "12950",
    "phone": "+62215251234",
    "email": "direksi@majubersama.example.id",
    "representative_name": "Hartono Wibisono",
    "representative_nik": "3171011708450001",
    "representative_position": "Direktur Utama",
    "sectors": ("41011", "41012", "42101"),
}

SINAR_TERANG = {
    "name": "CV Sinar Terang Elektrik",
    "legal_form": LegalForm.CV,
    "npwp": "0023456783424000",
    "nib": "9120002345678",
    "province": Province.JAWA_BARAT,
    "city": "Kota Bandung",
    "street": "Jl. Soekarno-Hatta No. 218",
    "postal_code": "40235",
    "phone": "+62227301234",
    "email": "admin@sinarterang.example.id",
    "representative_name": "Ratna Kusumawati",
    "representative_nik": "3273014512780003",
    "representative_position": "Persero Pengurus",
    "sectors": ("43211", "43299"),
}

KARYA_DIGITAL = {
    "name": "PT Karya Digital Nusantara",
    "legal_form": LegalForm.PT,
    "npwp": "0034567891424000",
    "nib": "9120003456789",
    "province": Province.DKI_JAKARTA,
    "city": "Kota Jakarta Selatan",
    "street": "Jl. TB Simatupang No. 18",
    "postal_code": "12430",
    "phone": "+6281322334455",
    "email": "halo@karyadigital.example.id",
    "representative_name": "Andi Saputra",
    "representative_nik": "3171012003850004",
    "representative_position": "Direktur",
    "sectors": ("62019",),
}

# Two more approved companies on both portals: with the demo vendor they are the three
# bidders of the tender in its opening stage (inaproc.demo.tenders).
BINA_KARYA = {
    "name": "PT Bina Karya Mandiri",
    "legal_form": LegalForm.PT,
    "npwp": "0045678901424000",
    "nib": "9120004567890",
    "province": Province.DKI_JAKARTA,
    "city": "Kota Jakarta Timur",
    "street": "Jl. Pemuda No. 77",
    "postal_code": "13220",
    "phone": "+62214891234",
    "email": "tender@binakarya.example.id",
    "representative_name": "Surya Darmawan",
    "representative_nik": "3578015203800002",
    "representative_position": "Direktur Utama",
    "sectors": ("41011", "41012"),
}

CAHAYA_TEKNIK = {
    "name": "CV Cahaya Teknik Utama",
    "legal_form": LegalForm.CV,
    "npwp": "0056789019424000",
    "nib": "9120005678901",
    "province": Province.JAWA_BARAT,
    "city": "Kota Bekasi",
    "street": "Jl. Ahmad Yani No. 9",
    "postal_code": "17141",
    "phone": "+62218801234",
    "email": "kantor@cahayateknik.example.id",
    "representative_name": "Dedi Kurniawan",
    "representative_nik": "3273012506750005",
    "representative_position": "Persero Pengurus",
    "sectors": ("41012", "43211"),
}
