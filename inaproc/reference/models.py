from django.db import models
from django.utils.translation import gettext_lazy as _


class KbliLevel(models.TextChoices):
    KATEGORI = "kategori", _("Section")
    GOLONGAN_POKOK = "golongan_pokok", _("Division")
    GOLONGAN = "golongan", _("Group")
    SUBGOLONGAN = "subgolongan", _("Subgroup")
    KELOMPOK = "kelompok", _("Class")


class KbliQuerySet(models.QuerySet["Kbli"]):
    def kelompok(self) -> "KbliQuerySet":
        """The 5-digit codes: the level at which vendors pick their business sectors."""
        return self.filter(level=KbliLevel.KELOMPOK)


class Kbli(models.Model):
    """One code of the KBLI 2020 business classification, loaded by `load_kbli`.

    The code is the primary key, so that other tables refer to a sector by its code and
    reloading the classification keeps those references.
    """

    # A string: codes keep their leading zeros (`01111`).
    code = models.CharField(_("code"), max_length=5, primary_key=True)
    level = models.CharField(_("level"), max_length=20, choices=KbliLevel.choices)
    title = models.CharField(_("title"), max_length=500)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = KbliQuerySet.as_manager()

    class Meta:
        # The table keeps the name of the vendors app it began in.
        db_table = "vendors_kbli"
        verbose_name = _("KBLI code")
        verbose_name_plural = _("KBLI codes")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=KbliLevel.values), name="vendors_kbli_level_valid"
            ),
            # Only a kategori stands at the top of the tree.
            models.CheckConstraint(
                condition=models.Q(level=KbliLevel.KATEGORI, parent__isnull=True)
                | (~models.Q(level=KbliLevel.KATEGORI) & models.Q(parent__isnull=False)),
                name="vendors_kbli_parent_unless_kategori",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
