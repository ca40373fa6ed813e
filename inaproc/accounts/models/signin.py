from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inaproc.portals.models import Portal


class LoginOutcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    WRONG_CREDENTIALS = "wrong_credentials", _("Wrong username, password or code")
    LOCKED = "locked", _("Refused: temporarily locked")
    CAPTCHA_WRONG = "captcha_wrong", _("CAPTCHA wrong")
    INACTIVE = "inactive", _("Refused: account not active")
    THROTTLED = "throttled", _("Refused: too many attempts from this address")


# Only these outcomes count towards a username's lockout and an address's throttling:
# the password (or emailed code) was checked and was wrong.
COUNTED_OUTCOMES = (LoginOutcome.WRONG_CREDENTIALS,)


class LoginMethod(models.TextChoices):
    PASSWORD = "password", _("Password and CAPTCHA")
    EMAIL_CODE = "email_code", _("Password and emailed code")
    SECOND_FACTOR = "second_factor", _("Second factor code")
    PASSKEY = "passkey", _("Passkey")


class LoginAttempt(models.Model):
    """One sign-in attempt on a portal, successful or not: the login activity record
    and the source of the failure counts behind lockout and per-address throttling.

    `username_key` is the submitted username as the backend would look it up
    (normalised, lower-case), so that failures are counted per (portal, username)
    whether or not the account exists.
    """

    portal = models.ForeignKey(Portal, verbose_name=_("portal"), on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="login_attempts",
    )
    username_key = models.CharField(_("username as submitted"), max_length=150)
    outcome = models.CharField(_("outcome"), max_length=20, choices=LoginOutcome.choices)
    method = models.CharField(
        _("method"), max_length=20, choices=LoginMethod.choices, default=LoginMethod.PASSWORD
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    browser = models.CharField(_("browser"), max_length=100, blank=True)
    operating_system = models.CharField(_("operating system"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("login attempt")
        verbose_name_plural = _("login attempts")
        indexes = [
            models.Index(
                fields=["portal", "username_key", "created_at"], name="attempt_username_idx"
            ),
            # Per-address throttling reads only failures: the index leaves successes out,
            # so many users behind one address (NAT, proxy) cost nothing here.
            models.Index(
                fields=["portal", "ip_address", "created_at"],
                condition=models.Q(outcome__in=["wrong_credentials", "captcha_wrong"]),
                name="attempt_ip_failure_idx",
            ),
            models.Index(fields=["user", "created_at"], name="attempt_user_idx"),
            models.Index(fields=["created_at"], name="attempt_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=LoginOutcome.values), name="attempt_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username_key} {self.outcome} {self.created_at:%Y-%m-%d %H:%M}"


class UsernameLock(models.Model):
    """Lockout state of one (portal, submitted username), existing account or not.

    The row is also what concurrent failures lock (SELECT … FOR UPDATE) so that every
    failure is counted exactly once. Failures count only after `counted_since`, which
    moves forward on a lock, an unlock and a successful login.
    """

    portal = models.ForeignKey(Portal, verbose_name=_("portal"), on_delete=models.CASCADE)
    username_key = models.CharField(_("username"), max_length=150)
    counted_since = models.DateTimeField(_("failures counted since"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("username lock")
        verbose_name_plural = _("username locks")
        constraints = [
            models.UniqueConstraint(
                fields=["portal", "username_key"], name="username_lock_unique_per_portal"
            ),
        ]
        indexes = [models.Index(fields=["portal", "locked_until"], name="lock_until_idx")]

    def __str__(self) -> str:
        return self.username_key

    def is_locked(self, at=None) -> bool:
        at = at or timezone.now()
        return self.locked_until is not None and self.locked_until > at


class LoginCode(models.Model):
    """A one-time code emailed to an account: the way in without the image CAPTCHA
    (WCAG 2.2 SC 3.3.8). Only a keyed hash of the code is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="login_codes",
    )
    code_hash = models.CharField(_("code hash"), max_length=128)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("login code")
        verbose_name_plural = _("login codes")
        indexes = [models.Index(fields=["user", "created_at"], name="login_code_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class EmailCode(models.Model):
    """A one-time code emailed to an address typed in a form (registration, a new
    ticket): the way past the image CAPTCHA there (WCAG 2.2 SC 3.3.8), as LoginCode is
    for signing in. It proves the address, not an account; only a keyed hash is stored."""

    portal = models.ForeignKey(Portal, verbose_name=_("portal"), on_delete=models.CASCADE)
    purpose = models.CharField(_("form"), max_length=20)
    email = models.CharField(_("email"), max_length=254)  # lower case
    code_hash = models.CharField(_("code hash"), max_length=128)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("form code")
        verbose_name_plural = _("form codes")
        indexes = [
            models.Index(
                fields=["portal", "purpose", "email", "created_at"], name="email_code_email_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class EmailRequestKind(models.TextChoices):
    """What an anonymous visitor asked to be emailed (AccountEmailRequest.kind)."""

    LOGIN_CODE = "login_code"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a kind of request, not a secret)
    USERNAME_REMINDER = "username_reminder"
    # A code instead of the image on a form (EmailCode); the purpose is the form's name.
    REGISTRATION_CODE = "registration_code"
    TICKET_CODE = "ticket_code"


class AccountEmailRequest(models.Model):
    """One anonymous request for an email (reset link, username reminder, sign-in
    code), by address: what per-address limiting of those forms counts. Holds no
    identifier, so it says nothing about which account was asked for."""

    portal = models.ForeignKey(Portal, verbose_name=_("portal"), on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=20)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("account email request")
        verbose_name_plural = _("account email requests")
        indexes = [
            models.Index(
                fields=["portal", "ip_address", "created_at"], name="email_request_ip_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"
