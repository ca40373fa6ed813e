import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from inaproc.core.metrics import EMAIL_ATTEMPTS_FAILED
from inaproc.notifications.models import Email, EmailStatus
from inaproc.portals.models import Portal

logger = logging.getLogger(__name__)


def email_send(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    portal: Portal | None,
    language: str | None = None,
) -> Email:
    """Render an email now (in `language`, default the active one) and deliver it
    from the task queue once the surrounding transaction commits.

    `template` names a pair: `<template>_subject.txt` and `<template>_body.txt`.
    """
    with translation.override(language or translation.get_language()):
        full_context = {"portal": portal, **context}
        subject = render_to_string(f"{template}_subject.txt", full_context)
        body = render_to_string(f"{template}_body.txt", full_context)
    email = Email.objects.create(
        portal=portal,
        to=to,
        subject=" ".join(subject.split())[:250],
        body=body,
        template=template,
    )
    transaction.on_commit(lambda: email_enqueue_delivery(email_id=email.pk))
    return email


def email_enqueue_delivery(*, email_id: int, delay: timedelta | None = None) -> None:
    from inaproc.notifications.tasks import deliver_email

    task = deliver_email
    if delay is not None:
        task = deliver_email.using(run_after=timezone.now() + delay)
    task.enqueue(email_id=email_id)


def retry_delay(attempt: int) -> timedelta:
    """Exponential back-off: 1, 2, 4 … minutes, at most one hour."""
    return timedelta(minutes=min(2 ** (attempt - 1), 60))


def email_deliver(*, email_id: int) -> str:
    """Send one queued email. Idempotent: a sent or failed email is left alone.

    Any error (the mail server down, slow or refusing) schedules another attempt
    with back-off, up to EMAIL_MAX_ATTEMPTS; then the email is marked failed and logged.
    """
    with transaction.atomic():
        email = Email.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != EmailStatus.QUEUED:
            return "skipped"
        email.attempts += 1
        try:
            EmailMessage(
                subject=email.subject,
                body=email.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[email.to],
            ).send()
        except Exception as error:  # any failure is retried, a bounded number of times
            return _record_failure(email, error)
        email.status = EmailStatus.SENT
        email.sent_at = timezone.now()
        email.body = ""
        email.last_error = ""
        email.save(update_fields=["attempts", "status", "sent_at", "body", "last_error"])
    return "sent"


def _record_failure(email: Email, error: Exception) -> str:
    email.last_error = f"{type(error).__name__}: {error}"[:500]
    final = email.attempts >= settings.EMAIL_MAX_ATTEMPTS
    EMAIL_ATTEMPTS_FAILED.labels("yes" if final else "no").inc()
    if final:
        email.status = EmailStatus.FAILED
        email.save(update_fields=["attempts", "status", "last_error"])
        logger.error("email %s failed after %s attempts", email.pk, email.attempts)
        return "failed"
    email.save(update_fields=["attempts", "last_error"])
    delay = retry_delay(email.attempts)
    transaction.on_commit(lambda: email_enqueue_delivery(email_id=email.pk, delay=delay))
    logger.warning("email %s attempt %s failed; retrying in %s", email.pk, email.attempts, delay)
    return "retry"


def email_requeue_stuck(*, older_than: timedelta) -> int:
    """Enqueue again every email still queued after `older_than`: its worker died in the
    middle of a delivery, or its task was lost. Delivery is idempotent, so a duplicate
    task does no harm. Returns how many were enqueued."""
    cutoff = timezone.now() - older_than
    stuck = list(
        Email.objects.filter(status=EmailStatus.QUEUED, updated_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for email_id in stuck:
        email_enqueue_delivery(email_id=email_id)
    return len(stuck)
