from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inaproc.accounts.models import PORTAL_STAFF_ROLES, Role, StaffRole, User
from inaproc.accounts.usernames import username_normalize
from inaproc.accounts.validators import name_words_check, npwp_check
from inaproc.audit.services import audit_record
from inaproc.notifications.services import email_send
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url


def password_validate(*, password: str, user: User, company_name: str = "", npwp: str = "") -> None:
    """The platform's password policy plus the user's portal's own rules: its minimum
    length, and no word (4 characters or more) of the portal's name, its institution or
    the company's name, nor the company's NPWP.

    `company_name` and `npwp`: the company the account will act for (a registration, an
    invitation); by default the company of the account's membership, if any."""
    validate_password(password, user)
    if user.portal is None:
        return  # platform accounts: the platform policy alone
    if not (company_name or npwp):
        company_name, npwp = _company_of(user)
    npwp_check(password, npwp)
    name_words_check(
        password,
        [
            ("portal", user.portal.name),
            ("institution", user.portal.institution),
            ("company", company_name),
        ],
    )
    minimum = user.portal.password_min_length
    if len(password) < minimum:
        raise ValidationError(
            ngettext(
                "This password is too short. This portal requires at least %(min)d character.",
                "This password is too short. This portal requires at least %(min)d characters.",
                minimum,
            )
            % {"min": minimum},
            code="password_too_short_for_portal",
        )


def _company_of(user: User) -> tuple[str, str]:
    """The name and NPWP of the company the (saved) account is a member of, else blanks.
    Read through the reverse relation of vendors' CompanyMember, without importing it."""
    membership = getattr(user, "company_membership", None) if user.pk else None
    if membership is None:
        return "", ""
    return membership.company.name, membership.company.npwp


def user_create(
    *,
    portal: Portal | None,
    role: str,
    username: str,
    email: str,
    password: str,
    full_name: str = "",
    actor: User | None = None,
    notify: bool = True,
    is_active: bool = True,
    extra_roles: Iterable[str] = (),
) -> User:
    """Create an account on `portal` (None for platform operators).

    Validates everything first (raises ValidationError with field errors), audits the
    creation and, for staff, emails them their portal's login link after commit.
    A registering vendor's account is created inactive (`is_active=False`) until approved.
    `extra_roles`: further portal staff roles of a staff account (StaffRole grants).
    """
    extra_roles = sorted(set(extra_roles) - {role})
    if extra_roles and (
        role not in PORTAL_STAFF_ROLES or not PORTAL_STAFF_ROLES.issuperset(extra_roles)
    ):
        raise ValidationError({"role": _("Only portal staff roles can be combined.")})
    user = User(
        portal=portal,
        role=role,
        username=username_normalize(username),
        email=User.objects.normalize_email(email),
        full_name=full_name,
        is_staff=role == Role.OPERATOR,
        is_active=is_active,
    )
    user.full_clean(exclude=["password"], validate_constraints=False)
    if User.objects.filter(portal=portal, username__iexact=user.username).exists():
        raise ValidationError({"username": _("This username is already taken on this portal.")})
    try:
        password_validate(password=password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            StaffRole.objects.bulk_create(StaffRole(user=user, role=extra) for extra in extra_roles)
            audit_record(
                actor=actor,
                verb="account.created",
                target=user,
                portal=portal,
                payload={"role": role, "username": user.username}
                | ({"extra_roles": extra_roles} if extra_roles else {}),
            )
            if notify and portal is not None and role in PORTAL_STAFF_ROLES:
                _send_staff_welcome(user)
    except IntegrityError as error:  # a concurrent create of the same username
        raise ValidationError(
            {"username": _("This username is already taken on this portal.")}
        ) from error
    return user


def _send_staff_welcome(user: User) -> None:
    email_send(
        to=user.email,
        portal=user.portal,
        template="accounts/email/staff_welcome",
        context={
            "full_name": user.full_name or user.username,
            "username": user.username,
            "role": ", ".join(
                [user.get_role_display()]
                + [str(Role(extra).label) for extra in sorted(user.roles - {user.role})]
            ),
            "portal_name": user.portal.name,
            "login_url": portal_absolute_url(user.portal, "accounts:login"),
            "reset_request_url": portal_absolute_url(user.portal, "accounts:password_reset"),
        },
    )


def user_set_password(*, user: User, password: str, actor: User | None = None) -> None:
    password_validate(password=password, user=user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=actor, verb="account.password_set", target=user, portal=user.portal)
