from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from inaproc.portals.models import Portal


class Role(models.TextChoices):
    VENDOR = "vendor", _("Vendor")
    VERIFIER = "verifier", _("Verifier")
    HELPDESK = "helpdesk", _("Helpdesk officer")
    PORTAL_ADMIN = "portal_admin", _("Portal administrator")
    PPK = "ppk", _("PPK (commitment official)")
    POKJA = "pokja", _("Pokja member (selection working group)")
    PEJABAT_PENGADAAN = "pejabat_pengadaan", _("Pejabat Pengadaan (procurement official)")
    OPERATOR = "operator", _("Platform operator")


# Procurement officials (TENDERS.md §1): staff of the portal who run packages and tenders.
OFFICIAL_ROLES = frozenset({Role.PPK, Role.POKJA, Role.PEJABAT_PENGADAAN})
PORTAL_STAFF_ROLES = frozenset({Role.VERIFIER, Role.HELPDESK, Role.PORTAL_ADMIN}) | OFFICIAL_ROLES


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> "User":
        # Natural keys are ambiguous across portals; only platform-level accounts
        # (operators) are found this way, e.g. by `createsuperuser`.
        return self.get(portal__isnull=True, username__iexact=username)

    def create_superuser(self, username: str, email: str, password: str | None, **extra) -> "User":
        """`createsuperuser` makes a platform operator through the same service, policy
        and audit as `create_staff --role operator`."""
        from inaproc.accounts.services import user_create

        if not password:
            raise ValueError(
                "A password is required: use `manage.py create_staff --role operator`."
            )
        user = user_create(
            portal=None, role=Role.OPERATOR, username=username, email=email, password=password
        )
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """An account on one portal (or, for platform operators, on the platform itself).

    The username is unique per portal, case-insensitively; the same NPWP may be a
    username on several portals, each with its own password.
    """

    portal = models.ForeignKey(
        Portal,
        verbose_name=_("portal"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    username = models.CharField(_("username"), max_length=150)
    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # Django admin access; true only for platform operators.
    is_staff = models.BooleanField(_("platform admin access"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                "portal", Lower("username"), name="user_username_unique_per_portal"
            ),
            models.UniqueConstraint(
                Lower("username"),
                condition=Q(portal__isnull=True),
                name="user_username_unique_on_platform",
            ),
            models.CheckConstraint(
                condition=Q(role="operator", portal__isnull=True)
                | (~Q(role="operator") & Q(portal__isnull=False)),
                name="user_operator_iff_no_portal",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
        ]
        indexes = [models.Index(fields=["portal", "role"], name="user_portal_role_idx")]

    def __str__(self) -> str:
        return self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """Every role the account holds: `role` (the one it was created with) and, for
        portal staff, the further roles granted to it (`StaffRole`). Vendors and
        operators hold exactly one role, without a query."""
        if self.role not in PORTAL_STAFF_ROLES or self.pk is None:
            return frozenset({self.role})
        return frozenset({self.role, *self.staff_roles.values_list("role", flat=True)})

    def remember_roles(self, granted: Iterable[str]) -> None:
        """`roles` from the `StaffRole` rows the caller has just read (the middleware,
        with the second-factor check: one query for both)."""
        self.__dict__["roles"] = frozenset({self.role, *granted})

    def has_role(self, *roles: str) -> bool:
        return self.is_active and not self.roles.isdisjoint(roles)

    @property
    def is_portal_staff(self) -> bool:
        return self.role in PORTAL_STAFF_ROLES


class StaffRole(models.Model):
    """A further role of a portal staff member beyond `User.role`: one person may be a
    verifier and a PPK, or a PPK on one package and a Pokja member on another
    (TENDERS.md §1). Only portal staff roles are granted this way."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="staff_role_unique"),
            models.CheckConstraint(
                condition=Q(role__in=sorted(PORTAL_STAFF_ROLES)), name="staff_role_is_staff"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role}"
