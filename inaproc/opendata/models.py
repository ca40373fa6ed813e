"""Open data in the Open Contracting Data Standard (docs/open-data.md): the stored
releases of every public event of a tender, numbered by one platform-wide gap-free
sequence, and the compiled record of each tender.

Rows of Release are only ever added; FeedState is updated under a row lock by
`services.release_append` alone, which is what keeps the sequence gap-free and committed
in order (docs/decisions/0013)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from inaproc.portals.models import Portal
from inaproc.tenders.models import Package


class FeedState(models.Model):
    """The one row (pk 1) holding the last sequence number given to a release. Locked by
    every append, so appends take turns and commit in sequence order."""

    last_seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.last_seq)


class Release(models.Model):
    """One OCDS release; `body` is its exact JSON text, served as it is."""

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    portal = models.ForeignKey(Portal, on_delete=models.PROTECT, related_name="+")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="+")
    ocid = models.CharField(max_length=200)
    release_id = models.CharField(max_length=250)
    tag = models.CharField(max_length=100)
    date = models.DateTimeField(_("date"))
    body = models.TextField()
    # When it was written (under the feed lock): the day of the bulk file it belongs to.
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("OCDS release")
        verbose_name_plural = _("OCDS releases")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["portal", "seq"], name="ocds_release_portal_seq_idx"),
            models.Index(fields=["ocid", "seq"], name="ocds_release_ocid_seq_idx"),
            models.Index(fields=["created_at"], name="ocds_release_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.ocid} {self.tag}"


class Record(models.Model):
    """The record of one contracting process (one tender): its compiled release, kept up
    to date by every append. `first_seq` (its first release) orders record pages."""

    ocid = models.CharField(max_length=200, unique=True)
    portal = models.ForeignKey(Portal, on_delete=models.PROTECT, related_name="+")
    package = models.OneToOneField(Package, on_delete=models.PROTECT, related_name="+")
    first_seq = models.PositiveBigIntegerField(unique=True)
    last_seq = models.PositiveBigIntegerField()
    compiled = models.TextField()

    class Meta:
        verbose_name = _("OCDS record")
        verbose_name_plural = _("OCDS records")
        ordering = ["first_seq"]
        indexes = [
            models.Index(fields=["portal", "first_seq"], name="ocds_record_portal_first_idx")
        ]

    def __str__(self) -> str:
        return self.ocid
