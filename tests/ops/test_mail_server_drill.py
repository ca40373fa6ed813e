"""Recovery drill: the mail server is down, then comes back. The application queues
emails (the welcome of new staff accounts) while
nothing listens on EMAIL_URL's port; the task worker (`manage.py db_worker` with the
production settings, as the systemd unit runs it) tries each, fails, keeps it queued and
schedules its retry; the outbox gauges of /metrics show it. Then a real SMTP server
process (aiosmtpd) starts, the operator sends the outbox at once (`requeue_emails
--older-than-hours 0`, docs/operations.md section 6) and every email arrives exactly
once, even when the retries scheduled during the outage come due afterwards.

Runs on PostgreSQL and on SQLite (the worker then shares the test's database file)."""

import email
import email.header
import email.policy
import io
import mailbox
import smtplib
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from inaproc.notifications.models import Email, EmailStatus
from inaproc.notifications.services import email_send
from inaproc.ops.metrics import metrics_text
from tests.factories import make_portal
from tests.ops.servers import ROOT, production_environment, stop, wait_for
from tests.s3server import free_port

pytestmark = pytest.mark.django_db(transaction=True)

STAFF = ["verifikator1", "verifikator2", "helpdesk1", "helpdesk2"]


def outbox_gauges() -> dict[str, float]:
    """The outbox and task-queue gauges as a scrape of /metrics shows them."""
    families = text_string_to_metric_families(metrics_text().decode())
    return {
        family.name: family.samples[0].value
        for family in families
        if family.name.startswith(("inaproc_emails_", "inaproc_tasks_"))
    }


def start_smtp_server(port: int, maildir, log) -> subprocess.Popen:
    """aiosmtpd's own server with its Maildir handler: every message it accepts is a file."""
    with open(log, "wb") as out:
        server = subprocess.Popen(  # noqa: S603 - a test's SMTP server
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
            + ["-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def answers() -> bool:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=2) as smtp:
                return smtp.noop()[0] == 250
        except OSError:
            return server.poll() is not None and pytest.fail(log.read_text())

    wait_for(answers, "the SMTP server", log=log)
    return server


def received(maildir) -> list[tuple[str, str]]:
    """(recipient, subject) of every message the SMTP server accepted."""
    messages = []
    for message in mailbox.Maildir(maildir, factory=None):
        parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
        messages.append((str(parsed["To"]), str(parsed["Subject"])))
    return sorted(messages)


def test_emails_queued_while_the_mail_server_is_down_are_delivered_once_when_it_is_back(
    tmp_path,
):
    """Attempts while the mail server is away fail and keep every email queued (the
    gauges show it); once it is up, `requeue_emails` sends each email exactly once, and
    the retries scheduled during the outage, when they come due, send nothing more."""
    portal = make_portal("lpse-drill")
    smtp_port = free_port()  # nothing listens there yet
    maildir = tmp_path / "maildir"
    env = production_environment(
        tmp_path, EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}", EMAIL_TIMEOUT="5"
    )
    worker_log = tmp_path / "worker.log"
    with open(worker_log, "wb") as out:
        worker = subprocess.Popen(  # noqa: S603 - our own task worker
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    smtp = None
    try:
        for username in STAFF:
            # What user_create sends a new staff member (its password check is slow here).
            with transaction.atomic():
                email_send(
                    to=f"{username}@lpse-drill.example.id",
                    template="accounts/email/staff_welcome",
                    context={
                        "full_name": username,
                        "username": username,
                        "role": "Verifikator",
                        "portal_name": portal.name,
                        "login_url": f"http://127.0.0.1/{portal.slug}/masuk/",
                    },
                    portal=portal,
                )
        queued = list(Email.objects.order_by("pk"))
        assert len(queued) == len(STAFF)

        # The worker tries each one, fails, keeps it queued and schedules a retry.
        def every_attempt_failed() -> bool:
            rows = Email.objects.filter(status=EmailStatus.QUEUED, attempts=1)
            return rows.exclude(last_error="").count() == len(STAFF)

        wait_for(every_attempt_failed, "the first attempts", log=worker_log)
        assert "ConnectionRefusedError" in Email.objects.first().last_error
        gauges = outbox_gauges()
        assert gauges["inaproc_emails_queued"] == len(STAFF)
        assert gauges["inaproc_emails_oldest_queued_seconds"] > 0
        assert gauges["inaproc_emails_failed"] == 0
        retries = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        assert retries.count() == len(STAFF)
        assert all(task.run_after > timezone.now() for task in retries)  # after the back-off

        smtp = start_smtp_server(smtp_port, maildir, tmp_path / "smtp.log")
        # The operator's command, run here in the test's process (a second Django start
        # would only add time; it writes the same task rows the worker reads).
        requeued = io.StringIO()
        call_command("requeue_emails", "--older-than-hours", "0", stdout=requeued)
        assert requeued.getvalue().strip() == f"{len(STAFF)} email(s) enqueued again"
        wait_for(
            lambda: Email.objects.filter(status=EmailStatus.SENT).count() == len(STAFF),
            "the emails sent",
            log=worker_log,
        )

        # The retries scheduled during the outage come due (as an hour later): the worker
        # runs every one of them and sends nothing twice.
        retries.update(run_after=timezone.now())
        wait_for(lambda: not retries.exists(), "the late retries", log=worker_log)

        expected = sorted((row.to, row.subject) for row in queued)
        assert received(maildir) == expected  # each recipient once, with its subject
        sent = Email.objects.all()
        assert {(row.status, row.attempts, row.body) for row in sent} == {(EmailStatus.SENT, 2, "")}
        assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
        gauges = outbox_gauges()
        assert gauges["inaproc_emails_queued"] == 0
        assert gauges["inaproc_emails_oldest_queued_seconds"] == 0
        assert gauges["inaproc_tasks_failed"] == 0
        assert worker.poll() is None, "the same worker ran throughout"
    finally:
        stop(worker)
        if smtp is not None:
            stop(smtp)
