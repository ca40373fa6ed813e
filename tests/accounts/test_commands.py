"""Operator commands: scriptable, validating, and never echoing a password."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from inaproc.accounts.models import Role, User
from inaproc.audit.models import AuditEvent
from inaproc.demo.management.commands.load_demo import (
    DEMO_ACCOUNTS,
    DEMO_PORTALS,
    DEMO_VENDOR_NPWP,
)
from inaproc.portals.models import Portal
from tests.helpers import run_task_worker

pytestmark = pytest.mark.django_db

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
    assert User.objects.count() == len(DEMO_ACCOUNTS) == 8
    assert User.objects.filter(username=DEMO_VENDOR_NPWP).count() == 2
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
