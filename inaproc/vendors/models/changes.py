import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMFieldMixin, transition

from inaproc.core.models import fsm_state_fields
from inaproc.files.models import StoredDocumentFields
from inaproc.portals.models import Portal
from inaproc.vendors.documents import DocumentKind


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChangeRequest(ConcurrentTransitionMixin, models.Model):
    """A change of a company's critical data (name, NPWP, NIB, legal form, representative,
    business sectors, legal documents) after approval. Until a verifier approves it, the
    company keeps its approved data: nothing here is read as the company's data.

    `proposed` holds only the fields that change, by model field name, with "sectors" as a
    list of KBLI codes; `previous` the values they had when the request was made. New files
    are `ProposedDocument`s; `documents_removed` are current documents withdrawn on approval.

    pending -> approved | rejected (by a verifier) | withdrawn (by the company's
    administrator). As on `Registration`, the transitions are declared here and only
    services call them (with row locks, audit and email).
    """

    portal = models.ForeignKey(
        Portal, verbose_name=_("portal"), on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        "vendors.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="change_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
        protected=True,
    )
    proposed = models.JSONField(_("proposed data"), default=dict, blank=True)
    previous = models.JSONField(_("data before the change"), default=dict, blank=True)
    documents_removed = models.ManyToManyField(
        "vendors.Document", verbose_name=_("documents to withdraw"), blank=True, related_name="+"
    )
    message = models.TextField(_("explanation for the verifier"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["portal", "status", "created_at"], name="change_request_queue_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(status="pending"),
                name="change_request_one_pending_per_company",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ChangeRequestStatus.values),
                name="change_request_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.company)

    @property
    def state_fields(self) -> tuple[FSMFieldMixin, ...]:
        return fsm_state_fields(type(self))

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeRequestStatus.PENDING

    def _decided(self, *, by, at, reason: str = "") -> None:
        self.decided_by, self.decided_at = by, at
        self.decision_reason = reason

    @transition(
        field=status, source=ChangeRequestStatus.PENDING, target=ChangeRequestStatus.APPROVED
    )
    def approve(self, *, by, at) -> None:
        self._decided(by=by, at=at)

    @transition(
        field=status, source=ChangeRequestStatus.PENDING, target=ChangeRequestStatus.REJECTED
    )
    def reject(self, *, by, at, reason: str) -> None:
        self._decided(by=by, at=at, reason=reason)

    @transition(
        field=status, source=ChangeRequestStatus.PENDING, target=ChangeRequestStatus.WITHDRAWN
    )
    def withdraw(self, *, by, at) -> None:
        """By the company's administrator: `by` is who took it back."""
        self._decided(by=by, at=at)


class ProposedDocument(StoredDocumentFields):
    """A file uploaded with a change request. It becomes a company `Document` (same stored
    file) only when the request is approved; until then only the company's users and the
    portal's staff can open it."""

    kind = models.CharField(_("document type"), max_length=30, choices=DocumentKind.choices)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    change_request = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        on_delete=models.CASCADE,
        related_name="proposed_documents",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposed document")
        verbose_name_plural = _("proposed documents")
        ordering = ["kind", "uploaded_at", "pk"]


class EmailChange(models.Model):
    """A new email address waiting for its confirmation link. With `company` set it is the
    company's contact address, otherwise the account's own address (of `user`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    company = models.ForeignKey(
        "vendors.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    old_email = models.EmailField(_("old address"))
    new_email = models.EmailField(_("new address"))
    # Keyed hash of the link's token; the token itself is only in the email.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Replaced by a newer request, or cancelled.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email change")
        verbose_name_plural = _("email changes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.new_email
