from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMFieldMixin, transition

from inaproc.core.models import fsm_state_fields
from inaproc.portals.models import Portal


class RegistrationStatus(models.TextChoices):
    EMAIL_UNCONFIRMED = "email_unconfirmed", _("Email not yet confirmed")
    SUBMITTED = "submitted", _("Waiting for verification")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    RESUBMITTED = "resubmitted", _("Resubmitted, waiting for verification")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# In the verifiers' queue.
PENDING_STATUSES = (RegistrationStatus.SUBMITTED, RegistrationStatus.RESUBMITTED)
DECIDED_STATUSES = (RegistrationStatus.APPROVED, RegistrationStatus.REJECTED)


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def pending(self) -> "RegistrationQuerySet":
        return self.filter(status__in=PENDING_STATUSES)


class Registration(ConcurrentTransitionMixin, models.Model):
    """A company's application to one portal, DESIGN.md §6:

    email unconfirmed -> submitted -> approved | rejected | changes requested -> resubmitted
    -> approved | rejected | changes requested …

    Transitions are declared here and only services call them (with a row lock, audit and
    email); `ConcurrentTransitionMixin` refuses to save a transition whose starting status
    changed in the database meanwhile.
    """

    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.PROTECT, related_name="registrations"
    )
    company = models.OneToOneField(
        "vendors.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="registration",
    )
    applicant = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="registration",
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.EMAIL_UNCONFIRMED,
        protected=True,
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # Hash of the newest confirmation link's token (the token itself is only in the email).
    confirmation_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    email_confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    # When it last entered the verifiers' queue (submitted or resubmitted): the queue's order.
    queued_at = models.DateTimeField(_("waiting since"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # Hash of the key the registration form carried: a second submit of the same form
    # finds this registration instead of failing on the duplicate NPWP.
    form_key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queued_at", "pk"]
        indexes = [
            models.Index(fields=["portal", "status", "queued_at"], name="registration_queue_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values), name="registration_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.company)

    @property
    def state_fields(self) -> tuple[FSMFieldMixin, ...]:
        return fsm_state_fields(type(self))

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @transition(
        field=status,
        source=RegistrationStatus.EMAIL_UNCONFIRMED,
        target=RegistrationStatus.SUBMITTED,
    )
    def confirm_email(self, *, at) -> None:
        self.email_confirmed_at = at
        self.queued_at = at
        # The token's hash stays: using the link again says "already confirmed".

    @transition(field=status, source=PENDING_STATUSES, target=RegistrationStatus.APPROVED)
    def approve(self, *, by, at) -> None:
        self.decided_by, self.decided_at = by, at

    @transition(field=status, source=PENDING_STATUSES, target=RegistrationStatus.REJECTED)
    def reject(self, *, by, at, reason: str) -> None:
        self.decided_by, self.decided_at = by, at
        self.rejection_reason = reason

    @transition(field=status, source=PENDING_STATUSES, target=RegistrationStatus.CHANGES_REQUESTED)
    def request_changes(self, *, by, at) -> None:
        self.decided_by, self.decided_at = by, at

    @transition(
        field=status,
        source=RegistrationStatus.CHANGES_REQUESTED,
        target=RegistrationStatus.RESUBMITTED,
    )
    def resubmit(self, *, at) -> None:
        self.queued_at = at
        self.decided_by, self.decided_at = None, None


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("Registration submitted")
    CONFIRMATION_SENT = "confirmation_sent", _("Confirmation email sent")
    EMAIL_CONFIRMED = "email_confirmed", _("Email confirmed; waiting for verification")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    RESUBMITTED = "resubmitted", _("Resubmitted with changes")
    APPROVED = "approved", _("Approved; account activated")
    REJECTED = "rejected", _("Rejected")


class RegistrationEvent(models.Model):
    """One step of a registration's history, shown to the vendor and the verifiers."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField(_("message"), blank=True)
    # Requested changes: {"<field name>" or "document:<kind>": "what to fix"}.
    notes = models.JSONField(_("notes per field"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration event")
        verbose_name_plural = _("registration events")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["registration", "kind", "created_at"], name="registration_event_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration}: {self.kind}"
