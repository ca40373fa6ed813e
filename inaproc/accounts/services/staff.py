"""The portal administrator's management of the portal's staff: invitations (an account
with no usable password and a single-use link to choose one), roles, deactivation and
reactivation.

A portal always keeps an active administrator. Every change that could take one away
locks the rows of the portal's administrators first (`_admins_locked`), so two
administrators taking each other's role at the same moment are served one after the
other and the second sees the first's result."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from inaproc.accounts.links import staff_invitation_link
from inaproc.accounts.models import PORTAL_STAFF_ROLES, Role, SessionEndReason, StaffRole, User
from inaproc.accounts.selectors import staff_roles_ordered
from inaproc.accounts.services.sessions import sessions_end_all
from inaproc.accounts.services.users import password_validate
from inaproc.accounts.tokens import STAFF_INVITATION_DAYS
from inaproc.accounts.usernames import username_normalize
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.notifications.services import email_send
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url

INVITATION_EMAIL = "accounts/email/staff_invitation"


class StaffActionRefused(ApplicationError):
    """A rule said no (one's own account, the last administrator). The message is shown
    to the administrator; nothing was changed."""


def _roles_clean(roles: Iterable[str]) -> list[str]:
    roles = list(roles)
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    if any(role not in PORTAL_STAFF_ROLES for role in roles):
        raise ValidationError({"roles": _("Choose roles from the list.")})
    return staff_roles_ordered(roles)


def _username_taken() -> ValidationError:
    return ValidationError({"username": _("This username is already taken on this portal.")})


# --- Invitation -------------------------------------------------------------------------


def staff_invite(
    *,
    portal: Portal,
    actor: User,
    username: str,
    email: str,
    full_name: str,
    roles: Iterable[str],
    context: AuditContext | None = None,
) -> User:
    """Create a staff account on `portal` with `roles` and no usable password, and email
    the person a single-use link to choose one. Raises ValidationError by field."""
    roles = _roles_clean(roles)
    user = User(
        portal=portal,
        role=roles[0],
        username=username_normalize(username),
        email=User.objects.normalize_email(email),
        full_name=full_name,
    )
    user.full_clean(exclude=["password"], validate_constraints=False)
    if User.objects.filter(portal=portal, username__iexact=user.username).exists():
        raise _username_taken()
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
            StaffRole.objects.bulk_create(StaffRole(user=user, role=role) for role in roles[1:])
            audit_record(
                actor=actor,
                verb="staff.invited",
                target=user,
                portal=portal,
                payload={"username": user.username, "roles": roles},
                context=context,
            )
            _invitation_email(user, roles, portal=portal)
    except IntegrityError as error:  # a concurrent invitation of the same username
        raise _username_taken() from error
    return user


def _invitation_email(user: User, roles: list[str], *, portal: Portal) -> None:
    """In the portal's language (Indonesian): the invited person chose none yet, and the
    administrator's browser language is not theirs."""
    email_send(
        to=user.email,
        portal=portal,
        template=INVITATION_EMAIL,
        language=settings.LANGUAGE_CODE,
        context={
            "full_name": user.full_name or user.username,
            "username": user.username,
            "roles": [str(Role(role).label) for role in roles],
            "portal_name": portal.name,
            "set_password_url": staff_invitation_link(user),
            "days": STAFF_INVITATION_DAYS,
            "reset_request_url": portal_absolute_url(portal, "accounts:password_reset"),
        },
    )


def staff_invitation_accept(
    *, user: User, password: str, context: AuditContext | None = None
) -> None:
    """The invited person chose their first password through the emailed link (which
    stops working with it). Raises ValidationError for a password the policy refuses."""
    try:
        password_validate(password=password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(
            actor=user,
            verb="staff.invitation_accepted",
            target=user,
            portal=user.portal,
            context=context,
        )


# --- Roles, deactivation, reactivation ------------------------------------------------


def _admins_locked(portal: Portal) -> list[int]:
    """Lock the rows of the portal's active administrators (in id order, so that two
    changes never wait for each other crosswise); their ids as committed now (read again
    after the lock, so a change that committed meanwhile is seen)."""
    admins = User.objects.filter(
        Q(role=Role.PORTAL_ADMIN) | Q(staff_roles__role=Role.PORTAL_ADMIN),
        portal=portal,
        is_active=True,
    )
    list(admins.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    return sorted(set(admins.values_list("pk", flat=True)))


def _target_locked(portal: Portal, staff_id: int) -> User:
    target = (
        User.objects.select_for_update()
        .filter(portal=portal, pk=staff_id, role__in=PORTAL_STAFF_ROLES)
        .first()
    )
    if target is None:
        raise StaffActionRefused(_("This account is not one of the portal's staff."))
    return target


def _keep_an_admin(portal: Portal, target: User) -> None:
    """Refuse a change that would leave the portal without an active administrator."""
    if _admins_locked(portal) == [target.pk]:
        raise StaffActionRefused(
            _(
                "The portal must keep at least one active administrator. Make another "
                "staff member an administrator first."
            )
        )


def staff_roles_of(user: User) -> list[str]:
    """Every role of `user`, in STAFF_ROLE_ORDER, read fresh from the database."""
    granted = StaffRole.objects.filter(user=user).values_list("role", flat=True)
    return staff_roles_ordered({user.role, *granted})


def staff_roles_set(
    *,
    portal: Portal,
    staff_id: int,
    roles: Iterable[str],
    actor: User,
    context: AuditContext | None = None,
) -> bool:
    """Give staff member `staff_id` exactly `roles` (at least one): `User.role` stays
    theirs if it is among them, the others are StaffRole grants. False if unchanged."""
    roles = _roles_clean(roles)
    with transaction.atomic():
        _admins_locked(portal)  # first, always: the same order of locks for everyone
        target = _target_locked(portal, staff_id)
        before = staff_roles_of(target)
        if before == roles:
            return False
        if Role.PORTAL_ADMIN in before and Role.PORTAL_ADMIN not in roles and target.is_active:
            _keep_an_admin(portal, target)
        if Role.POKJA in before and Role.POKJA not in roles and (short := pokjas_short(target)):
            raise StaffActionRefused(
                _(
                    "Without the Pokja role, %(pokjas)s would have fewer members able to act "
                    "than its quorum for a published tender. Add another member to it first."
                )
                % {"pokjas": ", ".join(short)}
            )
        if target.role not in roles:
            target.role = roles[0]
            target.save(update_fields=["role"])
        StaffRole.objects.filter(user=target).delete()
        StaffRole.objects.bulk_create(
            StaffRole(user=target, role=role) for role in roles if role != target.role
        )
        target.__dict__.pop("roles", None)
        audit_record(
            actor=actor,
            verb="staff.roles_changed",
            target=target,
            portal=portal,
            payload={"from": before, "to": roles},
            context=context,
        )
    return True


def pokjas_short(user: User) -> list[str]:
    """The Pokja groups that would fall below their quorum without `user` (a question for
    the tenders app: settings.POKJA_QUORUM_CHECK, docs/decisions/0010)."""
    return list(import_string(settings.POKJA_QUORUM_CHECK)(user))


def staff_deactivate(
    *, portal: Portal, staff_id: int, actor: User, context: AuditContext | None = None
) -> bool:
    """Deactivate a staff member: they cannot sign in and every session of theirs ends
    now. False if already inactive. Not one's own account, nor the last administrator."""
    with transaction.atomic():
        _admins_locked(portal)  # first, always: the same order of locks for everyone
        target = _target_locked(portal, staff_id)
        if target.pk == actor.pk:
            raise StaffActionRefused(
                _("You cannot deactivate your own account. Ask another administrator.")
            )
        if not target.is_active:
            return False
        if Role.PORTAL_ADMIN in staff_roles_of(target):
            _keep_an_admin(portal, target)
        target.is_active = False
        target.save(update_fields=["is_active"])
        ended = sessions_end_all(user=target, reason=SessionEndReason.DEACTIVATED)
        audit_record(
            actor=actor,
            verb="staff.deactivated",
            target=target,
            portal=portal,
            payload={"sessions_ended": ended},
            context=context,
        )
    return True


def staff_reactivate(
    *, portal: Portal, staff_id: int, actor: User, context: AuditContext | None = None
) -> bool:
    """Let a deactivated staff member sign in again. False if already active."""
    with transaction.atomic():
        target = _target_locked(portal, staff_id)
        if target.is_active:
            return False
        target.is_active = True
        target.save(update_fields=["is_active"])
        audit_record(
            actor=actor, verb="staff.reactivated", target=target, portal=portal, context=context
        )
    return True
