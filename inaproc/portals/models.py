from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inaproc.core.models import TimeStampedModel

# Slugs that would shadow platform-level URLs.
RESERVED_SLUGS = frozenset({"static", "media", "i18n", "healthz", "admin", "platform", "api"})

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    _("Use 1–50 lowercase letters, digits or hyphens, not starting or ending with a hyphen."),
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

    password_min_length = models.PositiveSmallIntegerField(
        _("minimum password length"),
        default=15,
        validators=[MinValueValidator(15), MaxValueValidator(64)],
    )
    login_failure_limit = models.PositiveSmallIntegerField(
        _("failed logins before lockout"),
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(5)],
    )
    login_failure_window_minutes = models.PositiveSmallIntegerField(
        _("failure counting window (minutes)"),
        default=15,
        validators=[MinValueValidator(15), MaxValueValidator(60)],
    )
    lockout_minutes = models.PositiveSmallIntegerField(
        _("lockout duration (minutes)"),
        default=15,
        validators=[MinValueValidator(15), MaxValueValidator(30)],
    )
    captcha_mode = models.CharField(
        _("CAPTCHA on login"),
        max_length=20,
        choices=CaptchaMode.choices,
        default=CaptchaMode.ALWAYS,
    )
    password_reset_minutes = models.PositiveSmallIntegerField(
        _("password reset link validity (minutes)"),
        default=60,
        validators=[MinValueValidator(10), MaxValueValidator(60)],
    )
    session_idle_minutes = models.PositiveSmallIntegerField(
        _("session idle timeout (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(30)],
    )
    session_absolute_hours = models.PositiveSmallIntegerField(
        _("session absolute lifetime (hours)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    require_second_factor_for_vendor_admins = models.BooleanField(
        _("require a second factor for vendor administrators"), default=False
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
            models.CheckConstraint(
                condition=Q(password_min_length__gte=15, password_min_length__lte=64),
                name="portal_password_min_length_range",
            ),
            models.CheckConstraint(
                condition=Q(login_failure_limit__gte=3, login_failure_limit__lte=5),
                name="portal_login_failure_limit_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    login_failure_window_minutes__gte=15, login_failure_window_minutes__lte=60
                ),
                name="portal_failure_window_range",
            ),
            models.CheckConstraint(
                condition=Q(lockout_minutes__gte=15, lockout_minutes__lte=30),
                name="portal_lockout_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(password_reset_minutes__gte=10, password_reset_minutes__lte=60),
                name="portal_password_reset_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(session_idle_minutes__gte=5, session_idle_minutes__lte=30),
                name="portal_session_idle_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(session_absolute_hours__gte=1, session_absolute_hours__lte=12),
                name="portal_session_absolute_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(captcha_mode__in=CaptchaMode.values), name="portal_captcha_mode_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/{self.slug}/"
