from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SessionEndReason(models.TextChoices):
    LOGOUT = "logout", _("Logged out")
    IDLE = "idle", _("Ended after inactivity")
    ABSOLUTE = "absolute", _("Ended: maximum session length reached")
    ENDED_BY_USER = "ended_by_user", _("Ended by the account owner")
    PASSWORD_CHANGED = "password_changed", _("Ended: password changed")
    PASSWORD_RESET = "password_reset", _("Ended: password reset")
    NOT_ME = "not_me", _("Ended: the owner reported a sign-in that was not theirs")
    STAFF = "staff", _("Ended by staff")
    FACTORS_RESET = "factors_reset", _("Ended: second factors reset by the helpdesk")
    COMPANY_ADMIN = "company_admin", _("Ended: account suspended or removed by the company")
    DEACTIVATED = "deactivated", _("Ended: account deactivated by the portal administrator")


class UserSession(models.Model):
    """The visible record of one signed-in session, linked to Django's session by key.

    Ending it deletes the Django session, so the browser holding the cookie is
    signed out on its next request.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="user_sessions",
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    browser = models.CharField(_("browser"), max_length=100, blank=True)
    operating_system = models.CharField(_("operating system"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    # The last second-factor check in this session (sign-in or step-up); None when the
    # account has no second factor or signed in through a remembered browser.
    second_factor_at = models.DateTimeField(_("second factor checked"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=20, choices=SessionEndReason.choices, blank=True
    )

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["user", "ended_at"], name="user_session_active_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
