import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inaproc.files.models import StoredDocumentFields
from inaproc.portals.models import Portal


class TicketCategory(models.TextChoices):
    LOGIN = "login", _("Logging in")
    REGISTRATION = "registration", _("Registration or verification")
    TENDER = "tender", _("Tenders")
    OTHER = "other", _("Other")


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WAITING_FOR_USER = "waiting_for_user", _("Waiting for the user")
    RESOLVED = "resolved", _("Resolved")


class Ticket(models.Model):
    """A request for help on one portal, opened by anyone. The requester follows it
    through a private link (only the token's keyed hash is stored) or, when signed in,
    from the dashboard."""

    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.PROTECT, related_name="tickets"
    )
    # Shown as the ticket's number; counts per portal from 1.
    number = models.PositiveIntegerField(_("ticket number"))
    category = models.CharField(_("category"), max_length=20, choices=TicketCategory.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    # Normalised to 16 digits when given.
    npwp = models.CharField(_("NPWP"), max_length=16, blank=True)
    email = models.EmailField(_("email address"))
    occurred_at = models.DateTimeField(_("when it happened"))
    description = models.TextField(_("description"))
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester's account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    access_token_hash = models.CharField(max_length=64, unique=True)
    # When the private link now valid was mailed; it works for HELPDESK_TICKET_LINK_DAYS
    # from then. Empty for tickets opened before links expired: counted from created_at.
    link_sent_at = models.DateTimeField(_("private link sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last activity"), auto_now=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["portal", "status", "created_at"], name="ticket_queue_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["portal", "number"], name="ticket_number_per_portal"),
            models.CheckConstraint(
                condition=Q(status__in=TicketStatus.values), name="ticket_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=TicketCategory.values), name="ticket_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """What users quote: HD-000123."""
        return f"HD-{self.number:06d}"


class TicketMessage(models.Model):
    """One message on a ticket: from the requester or from a helpdesk officer. A change of
    status is a message too (with `status` set), so the ticket reads as one history."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_staff = models.BooleanField(_("from the helpdesk"), default=False)
    body = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("new status"), max_length=20, choices=TicketStatus.choices, blank=True
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket}: {self.created_at:%Y-%m-%d %H:%M}"


class TicketAttachment(StoredDocumentFields):
    """A file attached to a ticket (same checks and storage as vendor documents)."""

    kind = models.CharField(max_length=30, default="attachment", editable=False)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        TicketMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )

    class Meta:
        verbose_name = _("ticket attachment")
        verbose_name_plural = _("ticket attachments")
        ordering = ["uploaded_at", "pk"]
