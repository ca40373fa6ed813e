from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inaproc.core.models import TimeStampedModel
from inaproc.core.operations import OPERATIONS_ENDPOINTS

# Slugs that would shadow platform-level URLs.
RESERVED_SLUGS = frozenset(
    {
        "static",
        "media",
        "i18n",
        *OPERATIONS_ENDPOINTS,
        "admin",
        "platform",
        "api",
        "captcha",
        "ocds",
    }
)

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    _("Use 1–50 lowercase letters, digits or hyphens, not starting or ending with a hyphen."),
)


# DESIGN.md §5 defaults and how far a portal may move them: (default, lowest, highest).
# Each bound only tightens the policy. Validators and database constraints both come
# from this one table.
POLICY_BOUNDS: dict[str, tuple[int, int, int]] = {
    "password_min_length": (15, 15, 64),
    "login_failure_limit": (5, 3, 5),
    "login_failure_window_minutes": (15, 15, 60),
    "lockout_minutes": (15, 15, 30),
    "password_reset_minutes": (60, 10, 60),
    "session_idle_minutes": (30, 5, 30),
    "session_absolute_hours": (12, 1, 12),
}


def _policy_field(name: str, verbose_name: str) -> models.PositiveSmallIntegerField:
    default, low, high = POLICY_BOUNDS[name]
    return models.PositiveSmallIntegerField(
        verbose_name,
        default=default,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
    )


class CaptchaMode(models.TextChoices):
    ALWAYS = "always", _("Always")
    AFTER_FAILURE = "after_failure", _("Only after a failed attempt")
    OFF = "off", _("Off")


class PortalQuerySet(models.QuerySet):
    def active(self) -> "PortalQuerySet":
        return self.filter(is_active=True)


class Portal(TimeStampedModel):
    """One LPSE: a tenant of the platform, served under /<slug>/.

    The security-policy fields hold DESIGN.md §5 defaults; a portal may only tighten
    them, which the validators and the database constraints both enforce.
    """

    slug = models.SlugField(_("slug"), max_length=50, unique=True, validators=[slug_validator])
    name = models.CharField(_("portal name"), max_length=200)
    institution = models.CharField(_("institution"), max_length=200)
    domain = models.CharField(
        _("own domain"),
        max_length=253,
        blank=True,
        help_text=_("Optional host name on which only this portal is served."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    helpdesk_phone = models.CharField(_("helpdesk phone"), max_length=50, blank=True)
    helpdesk_email = models.EmailField(_("helpdesk email"), blank=True)
    helpdesk_hours = models.CharField(_("helpdesk hours"), max_length=200, blank=True)
    helpdesk_address = models.TextField(_("helpdesk address"), blank=True)

    password_min_length = _policy_field("password_min_length", _("minimum password length"))
    login_failure_limit = _policy_field("login_failure_limit", _("failed logins before lockout"))
    login_failure_window_minutes = _policy_field(
        "login_failure_window_minutes", _("failure counting window (minutes)")
    )
    lockout_minutes = _policy_field("lockout_minutes", _("lockout duration (minutes)"))
    captcha_mode = models.CharField(
        _("CAPTCHA on login"),
        max_length=20,
        choices=CaptchaMode.choices,
        default=CaptchaMode.ALWAYS,
    )
    password_reset_minutes = _policy_field(
        "password_reset_minutes", _("password reset link validity (minutes)")
    )
    session_idle_minutes = _policy_field(
        "session_idle_minutes", _("session idle timeout (minutes)")
    )
    session_absolute_hours = _policy_field(
        "session_absolute_hours", _("session absolute lifetime (hours)")
    )
    require_second_factor_for_vendor_admins = models.BooleanField(
        _("require a second factor for vendor administrators"), default=False
    )
    remember_browser_for_vendors = models.BooleanField(
        _("vendors may skip the second factor on a remembered browser (30 days)"),
        default=False,
    )
    remember_browser_for_staff = models.BooleanField(
        _("staff may skip the second factor on a remembered browser (30 days)"),
        default=False,
    )

    objects = PortalQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("portal")
        verbose_name_plural = _("portals")
        constraints = [
            models.UniqueConstraint(
                fields=["domain"], condition=~Q(domain=""), name="portal_domain_unique"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}),
                    name=f"portal_{field}_range",
                )
                for field, (_default, low, high) in POLICY_BOUNDS.items()
            ),
            models.CheckConstraint(
                condition=Q(captcha_mode__in=CaptchaMode.values), name="portal_captcha_mode_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/{self.slug}/"

    # Cached copies of portals (portals/directory.py) and of the pages that show them
    # must go with every change, whoever makes it: here rather than in each service.
    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _portals_changed()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        deleted = super().delete(*args, **kwargs)
        _portals_changed()
        return deleted


def _portals_changed() -> None:
    from inaproc.portals.directory import portals_changed  # the directory imports the model

    portals_changed()
