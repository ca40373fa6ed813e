"""Every email goes through the database task queue, after commit, with retries."""

import io
import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY

from inaproc.notifications.models import Email, EmailStatus
from inaproc.notifications.services import email_deliver, email_send, retry_delay
from tests.helpers import run_task_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_email(portal_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return email_send(
            to="penyedia@example.id",
            template="accounts/email/staff_welcome",
            context={
                "full_name": "Siti",
                "username": "siti",
                "role": "Verifikator",
                "portal_name": portal_a.name,
                "login_url": "http://x/lpse-a/masuk/",
            },
            portal=portal_a,
            language="id",
        )


class FlakySMTP:
    """An SMTP server that is down for the first `failures` deliveries."""

    def __init__(self, failures: int) -> None:
        self.failures = failures

    def __call__(self, *args, **kwargs):
        if self.failures > 0:
            self.failures -= 1
            raise smtplib.SMTPServerDisconnected("connection closed")
        return 1


def test_email_is_not_sent_inside_the_request_but_by_the_worker(queued_email):
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1

    run_task_worker()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["penyedia@example.id"]
    assert "LPSE Alpha" in mail.outbox[0].subject
    queued_email.refresh_from_db()
    assert queued_email.status == EmailStatus.SENT
    assert queued_email.attempts == 1


def test_sent_email_body_is_erased(queued_email):
    run_task_worker()

    queued_email.refresh_from_db()
    assert queued_email.body == ""
    assert queued_email.subject != ""


def test_nothing_is_queued_when_the_transaction_rolls_back(
    portal_a, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email_send(
            to="a@example.id", template="accounts/email/staff_welcome", context={}, portal=portal_a
        )
        raise RuntimeError

    assert callbacks == []
    assert Email.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_delivery_is_idempotent(queued_email):
    assert email_deliver(email_id=queued_email.pk) == "sent"
    assert email_deliver(email_id=queued_email.pk) == "skipped"
    assert email_deliver(email_id=999999) == "skipped"

    assert len(mail.outbox) == 1


def test_email_is_rendered_in_the_requested_language(portal_a):
    email = email_send(
        to="a@example.id",
        template="accounts/email/staff_welcome",
        context={
            "full_name": "Siti",
            "username": "siti",
            "role": "Verifier",
            "portal_name": "LPSE Alpha",
            "login_url": "http://x/",
        },
        portal=portal_a,
        language="en",
    )

    assert email.subject == "Your staff account on LPSE Alpha"


def test_mail_server_down_is_retried_with_backoff_until_it_is_back(
    queued_email, monkeypatch, django_capture_on_commit_callbacks
):
    flaky = FlakySMTP(failures=2)
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", flaky)

    with django_capture_on_commit_callbacks(execute=True):
        run_task_worker()
    queued_email.refresh_from_db()
    assert queued_email.status == EmailStatus.QUEUED
    assert queued_email.attempts == 1
    assert "SMTPServerDisconnected" in queued_email.last_error

    # The retry is scheduled for later: running the worker now does nothing.
    with django_capture_on_commit_callbacks(execute=True):
        run_task_worker()
    queued_email.refresh_from_db()
    assert queued_email.attempts == 1

    start = timezone.now()
    for later in (timedelta(minutes=1, seconds=5), timedelta(minutes=3, seconds=10)):
        with (
            time_machine.travel(start + later),
            django_capture_on_commit_callbacks(execute=True),
        ):
            run_task_worker()
    queued_email.refresh_from_db()
    assert queued_email.status == EmailStatus.SENT
    assert queued_email.attempts == 3
    assert queued_email.body == ""


def failed_attempts(final: str) -> float:
    return REGISTRY.get_sample_value("inaproc_email_attempts_failed_total", {"final": final}) or 0


def test_email_fails_after_the_last_attempt(queued_email, monkeypatch, settings):
    """…and each failed attempt is counted for the operator's alerts (the last as final)."""
    settings.EMAIL_MAX_ATTEMPTS = 2
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", FlakySMTP(failures=5)
    )
    retried, given_up = failed_attempts("no"), failed_attempts("yes")

    assert email_deliver(email_id=queued_email.pk) == "retry"
    assert email_deliver(email_id=queued_email.pk) == "failed"

    queued_email.refresh_from_db()
    assert queued_email.status == EmailStatus.FAILED
    assert queued_email.attempts == 2
    assert (failed_attempts("no"), failed_attempts("yes")) == (retried + 1, given_up + 1)


def test_retry_delay_grows_and_is_capped():
    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 8, 20)] == [
        1,
        2,
        4,
        8,
        60,
        60,
        60,
    ]


def test_an_unexpected_delivery_error_is_retried_too(queued_email, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("unexpected")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)

    assert email_deliver(email_id=queued_email.pk) == "retry"
    queued_email.refresh_from_db()
    assert queued_email.status == EmailStatus.QUEUED
    assert queued_email.last_error == "ValueError: unexpected"


def test_requeue_emails_revives_an_email_whose_worker_died(portal_a):
    # A worker killed mid-delivery leaves the email queued with no task behind it.
    start = timezone.now()
    with time_machine.travel(start - timedelta(hours=4)):
        stuck = email_send(
            to="a@example.id", template="accounts/email/staff_welcome", context={}, portal=portal_a
        )
    recent_email = email_send(
        to="b@example.id", template="accounts/email/staff_welcome", context={}, portal=portal_a
    )
    assert DBTaskResult.objects.count() == 0

    out = io.StringIO()
    call_command("requeue_emails", stdout=out)
    run_task_worker()

    assert out.getvalue().strip() == "1 email(s) enqueued again"
    stuck.refresh_from_db()
    recent_email.refresh_from_db()
    assert stuck.status == EmailStatus.SENT
    assert recent_email.status == EmailStatus.QUEUED
    assert [m.to for m in mail.outbox] == [["a@example.id"]]
