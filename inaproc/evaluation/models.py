"""The evaluation of a tender's opened bids (TENDERS.md §4): per participant and per
step a pass or fail with its reason, the technical score where the method scores, the
corrected price; the Pokja's proposal of a winner and up to two reserves, approved by a
quorum; the qualification proof of the candidates; the announcement of the winner.

Entries are never overwritten: every save of a member adds a row (who, when), the
latest row per participant and step counts. A withdrawn announcement stays, marked."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inaproc.tenders.models import Package, Participation
from inaproc.tenders.models.packages import MONEY_DIGITS


class Step(models.TextChoices):
    ADMINISTRASI = "administrasi", _("Administration")
    TEKNIS = "teknis", _("Technical")
    HARGA = "harga", _("Price")
    KUALIFIKASI = "kualifikasi", _("Qualification")


class Evaluation(models.Model):
    """A package's evaluation: the weights of a scored method and the round (each reopening
    starts a new one: the proposals and announcements of the older rounds stay, the
    entries carry over and the Pokja corrects what the reopening is about)."""

    package = models.OneToOneField(Package, on_delete=models.PROTECT, related_name="evaluation")
    technical_weight = models.PositiveSmallIntegerField(
        _("technical weight (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    price_weight = models.PositiveSmallIntegerField(
        _("price weight (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(technical_weight__isnull=True, price_weight__isnull=True)
                | Q(technical_weight__isnull=False, price_weight__isnull=False),
                name="evaluation_weights_both_or_none",
            )
        ]

    def __str__(self) -> str:
        return f"{self.package_id} · {self.round}"


class Entry(models.Model):
    """One member's entry for one step of one participant's bid. A fail carries its
    reason; the technical step may carry a score; the price step the corrected price
    and the note of the arithmetic correction."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="entries")
    participation = models.ForeignKey(
        Participation, on_delete=models.PROTECT, related_name="evaluation_entries"
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    passed = models.BooleanField(_("passed"))
    reason = models.TextField(_("reason"), blank=True)
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    corrected_price = models.DecimalField(
        _("corrected price"),
        max_digits=MONEY_DIGITS,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    correction_note = models.TextField(_("correction note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation entry")
        verbose_name_plural = _("evaluation entries")
        ordering = ["entered_at", "pk"]
        indexes = [
            models.Index(fields=["evaluation", "participation", "step"], name="entry_lookup")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(passed=True) | ~Q(reason=""), name="entry_fail_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(corrected_price__isnull=True) | Q(corrected_price__gte=0),
                name="entry_corrected_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participation_id} · {self.step} · {self.passed}"


class Negotiation(models.Model):
    """The Pejabat Pengadaan's negotiation with one participant of a non-tender package
    (Pengadaan Langsung, Penunjukan Langsung): the negotiated price, never above the
    corrected price nor the HPS, with a note. Never overwritten: the latest counts."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="negotiations"
    )
    participation = models.ForeignKey(
        Participation, on_delete=models.PROTECT, related_name="negotiations"
    )
    negotiated_price = models.DecimalField(
        _("negotiated price"),
        max_digits=MONEY_DIGITS,
        decimal_places=0,
        validators=[MinValueValidator(0)],
    )
    note = models.TextField(_("negotiation note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("negotiation")
        verbose_name_plural = _("negotiations")
        ordering = ["entered_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(negotiated_price__gte=0), name="negotiation_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participation_id} · {self.negotiated_price}"


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("a winner proposal", "Proposed")
    DECIDED = "decided", pgettext_lazy("a winner proposal", "Decided")
    SUPERSEDED = "superseded", pgettext_lazy("a winner proposal", "Superseded")


class Proposal(models.Model):
    """The Pokja's proposal of a winner and up to two reserves, with the ranking it came
    from; decided when a quorum of members has approved it."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="proposals")
    round = models.PositiveSmallIntegerField(_("round"))
    winner = models.ForeignKey(Participation, on_delete=models.PROTECT, related_name="+")
    reserve1 = models.ForeignKey(
        Participation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reserve2 = models.ForeignKey(
        Participation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    ranking = models.JSONField(_("ranking"), default=list)
    state = models.CharField(
        _("state"), max_length=12, choices=ProposalState.choices, default=ProposalState.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("winner proposal")
        verbose_name_plural = _("winner proposals")
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=Q(state__in=["proposed", "decided"]),
                name="proposal_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} · {self.state}"

    def candidates(self) -> list[Participation]:
        """The winner, then the reserves, in order."""
        return [p for p in (self.winner, self.reserve1, self.reserve2) if p is not None]


class ProposalApproval(models.Model):
    """One member's approval of a proposal, with name and time."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="approvals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal approval")
        verbose_name_plural = _("proposal approvals")
        ordering = ["approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="proposal_approval_once")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.user_id}"


class ProofOutcome(models.TextChoices):
    PENDING = "pending", pgettext_lazy("a qualification proof", "Pending")
    PASSED = "passed", pgettext_lazy("a qualification proof", "Passed")
    FAILED = "failed", pgettext_lazy("a qualification proof", "Failed")


class ProofInvitation(models.Model):
    """Pembuktian kualifikasi: a candidate of a decided proposal invited with a date and
    a place or a meeting link, and the outcome."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="proofs")
    participation = models.ForeignKey(Participation, on_delete=models.PROTECT, related_name="+")
    meeting_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    meeting_link = models.URLField(_("online meeting link"), max_length=500, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ProofOutcome.choices, default=ProofOutcome.PENDING
    )
    outcome_reason = models.TextField(_("reason"), blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    outcome_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("qualification proof")
        verbose_name_plural = _("qualification proofs")
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "participation"], name="proof_once_per_candidate"
            ),
            models.CheckConstraint(
                condition=~Q(place="", meeting_link=""), name="proof_has_place_or_link"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.participation_id} · {self.outcome}"


class AnnouncementKind(models.TextChoices):
    FILE_ONE = "file1", _("Result of file I (administration and technical)")
    WINNER = "winner", _("Winner")


class Announcement(models.Model):
    """A public announcement: the result of file I of a two-file tender, or the winner.
    Withdrawn (when an upheld objection reopens the evaluation) it stays, marked."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="announcements"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AnnouncementKind.choices)
    round = models.PositiveSmallIntegerField(_("round"))
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    winner = models.ForeignKey(
        Participation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # File I: the participations that passed, by id.
    passed = models.JSONField(_("passed"), default=list)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    announced_at = models.DateTimeField(_("announced at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    withdraw_reason = models.TextField(_("reason for withdrawing"), blank=True)

    class Meta:
        verbose_name = _("announcement of the result")
        verbose_name_plural = _("announcements of the result")
        ordering = ["announced_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "kind"],
                condition=Q(withdrawn_at__isnull=True),
                name="announcement_one_standing",
            ),
            models.CheckConstraint(
                condition=~Q(kind="winner") | Q(winner__isnull=False),
                name="announcement_winner_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} · {self.kind}"
