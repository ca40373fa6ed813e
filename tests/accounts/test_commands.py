"""Operator commands: scriptable, validating, and never echoing a password."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from inaproc.accounts.models import Role, User
from inaproc.accounts.services import user_create
from inaproc.audit.models import AuditEvent
from inaproc.demo.extras import STAFF_MEMBER
from inaproc.demo.management.commands.load_demo import (
    DEMO_ACCOUNTS,
    DEMO_APPLICANTS,
    DEMO_PORTALS,
    DEMO_VENDOR_NPWP,
)
from inaproc.files.checks import document_check
from inaproc.files.storage import document_open
from inaproc.notifications.models import Email
from inaproc.portals.models import Portal
from inaproc.portals.services import portal_create
from inaproc.reference.models import Kbli
from inaproc.vendors.models import Company, Document, Registration, RegistrationStatus
from inaproc.vendors.registrations.selectors import registration_queue
from inaproc.vendors.registrations.services.verification import registration_reject
from tests.factories import make_totp_device
from tests.helpers import login_post, run_task_worker

pytestmark = pytest.mark.django_db

# The KBLI codes the demo companies pick, with their parents (the full file: load_kbli).
DEMO_KBLI_CSV = """code,level,title
F,kategori,Konstruksi
41,golongan_pokok,Konstruksi Gedung
410,golongan,Konstruksi Gedung
4101,subgolongan,Konstruksi Gedung
41011,kelompok,Konstruksi Gedung Hunian
41012,kelompok,Konstruksi Gedung Perkantoran
42,golongan_pokok,Konstruksi Bangunan Sipil
421,golongan,Konstruksi Jalan dan Jalan Rel
4210,subgolongan,Konstruksi Jalan dan Jalan Rel
42101,kelompok,Konstruksi Bangunan Sipil Jalan
43,golongan_pokok,Konstruksi Khusus
432,golongan,Instalasi Sistem Kelistrikan
4321,subgolongan,Instalasi Listrik
43211,kelompok,Instalasi Listrik
4329,subgolongan,Instalasi Konstruksi Lainnya
43299,kelompok,Instalasi Konstruksi Lainnya Ytdl
J,kategori,Informasi dan Komunikasi
62,golongan_pokok,Aktivitas Pemrograman
620,golongan,Aktivitas Pemrograman
6201,subgolongan,Aktivitas Pemrograman Komputer
62019,kelompok,Aktivitas Pemrograman Komputer Lainnya
"""


@pytest.fixture(autouse=True)
def demo_files(settings, tmp_path):
    """load_demo stores the demo companies' documents and reads the KBLI file: both here."""
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    settings.KBLI_CSV_PATH = tmp_path / "kbli2020.csv"
    settings.KBLI_CSV_PATH.write_text(DEMO_KBLI_CSV)
    return settings.DOCUMENT_ROOT


STAFF_PASSWORD = "rahasia-staf-yang-cukup-panjang"
# fmt: off
NEW_HELPDESK_ARGS = [
    "--portal", "lpse-a", "--role", "helpdesk", "--username", "budi", "--email", "budi@example.id",
]
# fmt: on


def run(*args: str, **options: object) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out, **options)
    return out.getvalue()


def test_create_portal(db):
    output = run(
        "create_portal",
        "--slug",
        "jatim",
        "--name",
        "LPSE Provinsi Jawa Timur",
        "--institution",
        "Pemerintah Provinsi Jawa Timur",
        "--helpdesk-email",
        "lpse@jatimprov.example.id",
    )

    portal = Portal.objects.get(slug="jatim")
    assert portal.name == "LPSE Provinsi Jawa Timur"
    assert portal.helpdesk_email == "lpse@jatimprov.example.id"
    assert "jatim" in output


@pytest.mark.parametrize(
    "args",
    [
        ["--slug", "Bad Slug", "--name", "X", "--institution", "Y"],
        ["--slug", "static", "--name", "X", "--institution", "Y"],
        ["--slug", "ok", "--name", "X", "--institution", "Y", "--helpdesk-email", "nope"],
    ],
)
def test_create_portal_reports_bad_input_as_a_command_error(db, args):
    with pytest.raises(CommandError):
        run("create_portal", *args)

    assert Portal.objects.count() == 0


def test_create_staff_reads_the_password_from_the_environment(
    portal_a, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setenv("INAPROC_STAFF_PASSWORD", STAFF_PASSWORD)

    with django_capture_on_commit_callbacks(execute=True):
        output = run(
            "create_staff",
            "--portal",
            "lpse-a",
            "--role",
            "verifier",
            "--username",
            "siti",
            "--email",
            "siti@example.id",
            "--full-name",
            "Siti Rahmawati",
        )
    run_task_worker()

    user = User.objects.get(portal=portal_a, username="siti")
    assert user.role == Role.VERIFIER
    assert user.check_password(STAFF_PASSWORD)
    assert STAFF_PASSWORD not in output
    assert AuditEvent.objects.filter(verb="account.created", target_id=str(user.pk)).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["siti@example.id"]
    assert "/lpse-a/masuk/" in mail.outbox[0].body
    assert "/lpse-a/lupa-kata-sandi/" in mail.outbox[0].body  # to choose one's own password
    assert STAFF_PASSWORD not in mail.outbox[0].body


def test_create_staff_without_terminal_or_variable_refuses(portal_a, monkeypatch):
    monkeypatch.delenv("INAPROC_STAFF_PASSWORD", raising=False)
    monkeypatch.setattr("os.isatty", lambda fd: False)

    with pytest.raises(CommandError, match="INAPROC_STAFF_PASSWORD"):
        run("create_staff", *NEW_HELPDESK_ARGS)

    assert not User.objects.filter(username="budi").exists()


def test_create_staff_asks_twice_at_a_terminal(portal_a, monkeypatch):
    monkeypatch.delenv("INAPROC_STAFF_PASSWORD", raising=False)
    monkeypatch.setattr("os.isatty", lambda fd: True)
    answers = iter([STAFF_PASSWORD, STAFF_PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    with pytest.raises(CommandError, match="do not match"):
        run("create_staff", *NEW_HELPDESK_ARGS)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--portal", "tidak-ada", "--role", "verifier"], "No portal"),
        (["--role", "verifier"], "--portal is required"),
        (["--portal", "lpse-a", "--role", "operator"], "omit --portal"),
    ],
)
def test_create_staff_portal_errors(portal_a, monkeypatch, args, message):
    monkeypatch.setenv("INAPROC_STAFF_PASSWORD", STAFF_PASSWORD)

    with pytest.raises(CommandError, match=message):
        run("create_staff", *args, "--username", "x", "--email", "x@example.id")


def test_create_staff_refuses_a_weak_password(portal_a, monkeypatch):
    monkeypatch.setenv("INAPROC_STAFF_PASSWORD", "pendek")

    with pytest.raises(CommandError, match="password"):
        run(
            "create_staff",
            "--portal",
            "lpse-a",
            "--role",
            "verifier",
            "--username",
            "siti",
            "--email",
            "siti@example.id",
        )

    assert not User.objects.filter(username="siti").exists()


def test_create_staff_refuses_a_taken_username(portal_a, monkeypatch):
    monkeypatch.setenv("INAPROC_STAFF_PASSWORD", STAFF_PASSWORD)
    args = ["--portal", "lpse-a", "--role", "verifier", "--email", "s@example.id"]
    run("create_staff", *args, "--username", "siti")

    with pytest.raises(CommandError, match="username"):
        run("create_staff", *args, "--username", "SITI")


def test_create_operator_on_the_platform(db, monkeypatch):
    monkeypatch.setenv("INAPROC_STAFF_PASSWORD", STAFF_PASSWORD)

    run("create_staff", "--role", "operator", "--username", "ops", "--email", "ops@example.id")

    user = User.objects.get(username="ops")
    assert user.portal is None
    assert user.role == Role.OPERATOR


def test_load_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        run("load_demo")

    assert Portal.objects.count() == 0


def test_load_demo_creates_two_portals_and_is_idempotent(db):
    first = run("load_demo", force=True)
    changed = User.objects.filter(role=Role.VERIFIER).first()
    changed.set_password("diubah-oleh-seseorang-123")
    changed.save()
    second = run("load_demo", force=True)

    assert Portal.objects.count() == 2
    # Plus the delegated company user of the demo vendor and the five tender officials
    # (inaproc.demo.tenders) on each portal.
    assert User.objects.count() == len(DEMO_ACCOUNTS) + len(DEMO_APPLICANTS) + 2 + 2 * 5
    assert User.objects.count() == 26
    assert User.objects.filter(username=DEMO_VENDOR_NPWP).count() == 2
    staff = User.objects.filter(username=STAFF_MEMBER["username"])
    assert staff.count() == 2
    assert all(user.check_password(STAFF_MEMBER["password"]) for user in staff)
    assert all(user.company_membership.role == "bid_preparer" for user in staff)
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(portal__slug=account.portal, username=account.username)
        assert user.role == account.role
        assert user.check_password(account.password)
        assert account.password in first
    assert first == second


def test_demo_vendor_passwords_differ_between_portals():
    vendors = [a for a in DEMO_ACCOUNTS if a.username == DEMO_VENDOR_NPWP]

    assert len(vendors) == 2
    assert vendors[0].portal != vendors[1].portal
    assert vendors[0].password != vendors[1].password


def test_load_demo_refuses_a_database_with_real_portals(db, settings, portal_a):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="not demo portals"):
        run("load_demo")

    assert not User.objects.filter(username=DEMO_VENDOR_NPWP).exists()


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: f"{a.portal}-{a.username}")
def test_each_demo_account_logs_in_on_its_portal_and_is_refused_on_the_other(db, account):
    from django.test import Client

    run("load_demo", force=True)
    other = next(spec["slug"] for spec in DEMO_PORTALS if spec["slug"] != account.portal)
    credentials = {"username": account.username, "password": account.password}

    from tests.helpers import login_post

    own = login_post(Client(), account.portal, **credentials)
    elsewhere = login_post(Client(), other, **credentials)

    assert own.status_code == 302
    assert own.headers["Location"] == f"/{account.portal}/dasbor/"
    assert elsewhere.status_code == 200
    assert elsewhere.context["form"].errors


def test_demo_staff_are_walked_through_second_factor_enrolment_at_first_login(db):
    output = run("load_demo", force=True)

    for account in DEMO_ACCOUNTS:
        browser = Client()
        login_post(browser, account.portal, account.username, account.password)
        dashboard = browser.get(f"/{account.portal}/dasbor/")
        if account.role == Role.VENDOR:
            assert dashboard.status_code == 200
        else:
            assert dashboard.status_code == 302
            assert dashboard.headers["Location"] == f"/{account.portal}/akun/faktor-kedua/"
    assert "first sign-in walks them through setting up an authenticator app" in output


def test_load_demo_again_keeps_a_second_factor_set_up_in_the_demo(db):
    run("load_demo", force=True)
    verifier = User.objects.get(portal__slug="kemenkeu", username="verifikator")
    device = make_totp_device(verifier)

    run("load_demo", force=True)

    assert TOTPDevice.objects.filter(user=verifier).get() == device


# --- load_demo: the demo registrations ---------------------------------------------------


def demo_registration(slug: str, username: str):
    return Registration.objects.select_related("company", "applicant", "decided_by").get(
        portal__slug=slug, applicant__username=username
    )


def test_load_demo_gives_the_vendor_an_approved_company_on_each_portal(db, demo_files):
    run("load_demo", force=True)

    for slug in ("kemenkeu", "surabaya"):
        registration = demo_registration(slug, DEMO_VENDOR_NPWP)
        company = registration.company
        assert registration.status == RegistrationStatus.APPROVED
        assert registration.decided_by.username == "verifikator"
        assert registration.decided_by.portal.slug == slug
        assert registration.applicant.is_active is True
        assert registration.applicant.company_membership.company == company
        assert (company.name, company.npwp) == ("PT Maju Bersama Konstruksi", DEMO_VENDOR_NPWP)
        assert list(company.sectors.values_list("code", flat=True)) == ["41011", "41012", "42101"]
        documents = list(company.documents.order_by("kind"))
        assert [d.kind for d in documents] == [
            "business_licence",
            "deed_of_establishment",
            "nib",
            "npwp_card",
            "representative_id",
        ]
        for document in documents:
            with document_open(name=document.stored_name) as stored:
                assert document_check(stored).sha256 == document.sha256
        assert documents[-1].content_type == "image/png"
        assert documents[0].content_type == "application/pdf"


def test_load_demo_puts_one_registration_in_the_queue_and_one_awaiting_confirmation(db):
    output = run("load_demo", force=True)

    kemenkeu, surabaya = Portal.objects.get(slug="kemenkeu"), Portal.objects.get(slug="surabaya")
    waiting = demo_registration("kemenkeu", DEMO_APPLICANTS[0].username)
    unconfirmed = demo_registration("kemenkeu", "karyadigital")
    assert list(registration_queue(portal=kemenkeu)) == [waiting]
    assert list(registration_queue(portal=surabaya)) == []
    assert waiting.company.name == "CV Sinar Terang Elektrik"
    assert waiting.status == RegistrationStatus.SUBMITTED
    assert waiting.company.documents.count() == 4
    assert unconfirmed.company.name == "PT Karya Digital Nusantara"
    assert unconfirmed.status == RegistrationStatus.EMAIL_UNCONFIRMED
    for account in DEMO_APPLICANTS:
        user = User.objects.get(portal=kemenkeu, username=account.username)
        assert user.is_active is False
        assert user.check_password(account.password)
        line = f"{account.username:<18} {account.password}"
        assert line in output
        signed_in = login_post(Client(), "kemenkeu", account.username, account.password)
        assert signed_in.status_code == 302
        assert signed_in.headers["Location"] == "/kemenkeu/pendaftaran/status/"


def test_load_demo_registers_once_and_keeps_decisions_taken_in_the_demo(db, demo_files):
    run("load_demo", force=True)
    waiting = demo_registration("kemenkeu", DEMO_APPLICANTS[0].username)
    registration_reject(
        registration_id=waiting.pk,
        portal=waiting.portal,
        verifier=User.objects.get(portal=waiting.portal, username="verifikator"),
        reason="Dicoba di demo",
    )
    registration_emails = Email.objects.exclude(template__startswith="tenders/").exclude(
        template__startswith="bids/"
    )
    counts = (Registration.objects.count(), Document.objects.count(), Email.objects.count())
    files = sorted(demo_files.rglob("*"))

    run("load_demo", force=True)

    # 8 confirmation emails, 6 approvals (the demo vendor and the two other bidding
    # companies on each portal), 1 rejection, 2 helpdesk ticket confirmations (the demo
    # tenders' own emails and the demo bids' receipts are not counted here); documents:
    # 5 for each of the demo vendor's companies, 4 for each of the six others.
    assert (counts[0], counts[1], registration_emails.count()) == (8, 34, 17)
    assert (Registration.objects.count(), Document.objects.count(), Email.objects.count()) == (
        counts
    )
    assert sorted(demo_files.rglob("*")) == files
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.REJECTED


def test_load_demo_registers_a_vendor_left_by_an_older_demo_database(db):
    for spec in DEMO_PORTALS:
        portal_create(**spec)
    old = user_create(
        portal=Portal.objects.get(slug="kemenkeu"),
        role=Role.VENDOR,
        username=DEMO_VENDOR_NPWP,
        email="direksi@majubersama.example.id",
        password="sandi-lama-dari-demo-dulu-1",
        notify=False,
    )

    run("load_demo", force=True)

    registration = demo_registration("kemenkeu", DEMO_VENDOR_NPWP)
    assert registration.applicant.pk != old.pk
    assert registration.status == RegistrationStatus.APPROVED
    assert registration.applicant.check_password(DEMO_ACCOUNTS[3].password)


def test_load_demo_without_the_kbli_file_registers_companies_without_sectors(db, settings):
    settings.KBLI_CSV_PATH = "/nonexistent/kbli2020.csv"

    run("load_demo", force=True)

    assert Kbli.objects.count() == 0
    assert Company.objects.count() == 8
    assert not Company.sectors.through.objects.exists()
