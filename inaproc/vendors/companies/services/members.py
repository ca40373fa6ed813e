"""A company's own users (delegated staff accounts): role changes, suspension and removal
(invitations are in services/invitations.py).

A company always keeps an active administrator. Every change that could take one away
locks all of the company's member rows first (`_members_locked`), so two administrators
demoting each other at the same moment are served one after the other and the second
sees the first's result."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import SessionEndReason, User
from inaproc.accounts.services.emails import account_email_send
from inaproc.accounts.services.sessions import sessions_end_all
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.vendors.models import (
    Company,
    CompanyInvitation,
    CompanyMember,
    CompanyRole,
    EmailChange,
)


class MemberActionRefused(ApplicationError):
    """A rule said no (the last administrator, one's own account, a stale page…). The
    message is shown to the administrator; nothing was changed."""


def is_active_admin(member: CompanyMember) -> bool:
    return (
        member.role == CompanyRole.ADMIN and member.suspended_at is None and member.user.is_active
    )


def last_admin_message() -> str:
    return _(
        "The company must keep at least one active administrator. Make another user an "
        "administrator first."
    )


# --- Members ----------------------------------------------------------------------------


def member_role_change(
    *, company: Company, member_id: int, role: str, actor: User, context: AuditContext | None = None
) -> bool:
    """Give a user of the company another role. False if it already had that role."""
    if role not in CompanyRole.values:
        raise ValidationError({"role": _("Choose one of the roles.")})
    with transaction.atomic():
        members, target = _members_for_change(company=company, member_id=member_id, actor=actor)
        if target.role == role:
            return False
        if role != CompanyRole.ADMIN:
            _keep_an_admin(members, target)
        old = target.role
        target.role = role
        target.save(update_fields=["role"])
        if old == CompanyRole.ADMIN:
            _admin_requests_withdraw(target)
        _member_changed(
            target, actor, "company.member_role_changed", context, {"from": old, "to": role}
        )
        _member_email(target, "member_role_changed", {"role": CompanyRole(role).label})
    return True


def member_suspend(
    *, company: Company, member_id: int, actor: User, context: AuditContext | None = None
) -> bool:
    """Suspend a user: the account cannot sign in and its sessions end at once. False if
    it was already suspended. Not for one's own account."""
    with transaction.atomic():
        members, target = _members_for_change(company=company, member_id=member_id, actor=actor)
        if target.user_id == actor.pk:
            raise MemberActionRefused(
                _("You cannot suspend your own account. Ask another administrator.")
            )
        if target.suspended_at is not None:
            return False
        _keep_an_admin(members, target)
        target.suspended_at = timezone.now()
        target.save(update_fields=["suspended_at"])
        _account_close(target.user, unusable_password=False)
        _admin_requests_withdraw(target)
        _member_changed(target, actor, "company.member_suspended", context)
        _member_email(target, "member_suspended")
    return True


def member_reactivate(
    *, company: Company, member_id: int, actor: User, context: AuditContext | None = None
) -> bool:
    """Lift a suspension: the account can sign in again. False if it was not suspended."""
    with transaction.atomic():
        _members, target = _members_for_change(company=company, member_id=member_id, actor=actor)
        if target.suspended_at is None:
            return False
        target.suspended_at = None
        target.save(update_fields=["suspended_at"])
        target.user.is_active = True
        target.user.save(update_fields=["is_active"])
        _member_changed(target, actor, "company.member_reactivated", context)
        _member_email(target, "member_reactivated")
    return True


def member_remove(
    *, company: Company, member_id: int, actor: User, context: AuditContext | None = None
) -> None:
    """Remove a user from the company for good. The account is kept (its username stays
    taken, the audit log and documents keep pointing at it) but deactivated, its password
    made unusable and its sessions ended; it no longer belongs to the company."""
    with transaction.atomic():
        members, target = _members_for_change(company=company, member_id=member_id, actor=actor)
        _keep_an_admin(members, target)
        user = target.user
        _account_close(user, unusable_password=True)
        _admin_requests_withdraw(target)
        _member_changed(
            target, actor, "company.member_removed", context, {"own_account": user.pk == actor.pk}
        )
        _member_email(target, "member_removed")
        target.delete()


def _admin_requests_withdraw(target: CompanyMember) -> None:
    """What `target` set in motion as an administrator and nobody has answered yet ends
    with their rights: invitations they sent and company email changes they asked for. A
    removed administrator's invitation could otherwise bring them back in."""
    now = timezone.now()
    CompanyInvitation.objects.filter(
        company=target.company_id,
        invited_by=target.user_id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    EmailChange.objects.filter(
        company=target.company_id,
        user=target.user_id,
        confirmed_at__isnull=True,
        cancelled_at__isnull=True,
    ).update(cancelled_at=now)


def company_locked(company: Company) -> Company:
    return Company.objects.select_for_update().get(pk=company.pk)


def _members_locked(company: Company) -> list[CompanyMember]:
    """Every member row of the company, locked in one order (no deadlocks), as committed
    now: the basis of the last-administrator rule."""
    return list(
        CompanyMember.objects.select_for_update(of=("self",))
        .select_related("user", "company", "company__portal")
        .filter(company=company)
        .order_by("pk")
    )


def _members_for_change(
    *, company: Company, member_id: int, actor: User
) -> tuple[list[CompanyMember], CompanyMember]:
    members = _members_locked(company)
    acting = next((m for m in members if m.user_id == actor.pk), None)
    if acting is None or not is_active_admin(acting):
        raise MemberActionRefused(_("Only an administrator of the company can do this."))
    target = next((m for m in members if m.pk == member_id), None)
    if target is None:
        raise MemberActionRefused(_("This user no longer belongs to the company."))
    return members, target


def require_admin(*, company: Company, actor: User) -> None:
    member = (
        CompanyMember.objects.select_related("user").filter(company=company, user=actor).first()
    )
    if member is None or not is_active_admin(member):
        raise MemberActionRefused(_("Only an administrator of the company can do this."))


def _keep_an_admin(members: list[CompanyMember], target: CompanyMember) -> None:
    """Refuse to take `target`'s administrator rights away if it is the last active
    administrator among `members` (locked)."""
    if not is_active_admin(target):
        return
    if not any(is_active_admin(m) for m in members if m.pk != target.pk):
        raise MemberActionRefused(last_admin_message())


def _account_close(user: User, *, unusable_password: bool) -> None:
    user.is_active = False
    fields = ["is_active"]
    if unusable_password:
        user.set_unusable_password()
        fields.append("password")
    user.save(update_fields=fields)
    # The closest reason there is: the account's sessions are ended by someone else.
    sessions_end_all(user=user, reason=SessionEndReason.COMPANY_ADMIN)


def _member_changed(
    target: CompanyMember,
    actor: User,
    verb: str,
    context: AuditContext | None,
    payload: dict | None = None,
) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=target.user,
        portal=target.company.portal,
        payload={"company_id": target.company_id, "role": target.role, **(payload or {})},
        context=context,
    )


def _member_email(target: CompanyMember, name: str, context: dict | None = None) -> None:
    account_email_send(
        user=target.user,
        template=f"vendors/email/{name}",
        context={"company_name": target.company.name, **(context or {})},
    )
