"""Invitations to become a user of a company: sent by email by an administrator, accepted
through the single-use link by choosing a username and password."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inaproc.accounts.models import Role, User
from inaproc.accounts.services.emails import account_email_send
from inaproc.accounts.services.users import user_create
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.limits import seconds_until_below_limit
from inaproc.core.templatetags.inaproc import wib
from inaproc.core.tokens import token_hash, token_new, token_plausible
from inaproc.notifications.services import email_send
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.vendors.companies.services.members import (
    MemberActionRefused,
    company_locked,
    is_active_admin,
    require_admin,
)
from inaproc.vendors.models import Company, CompanyInvitation, CompanyMember, CompanyRole

TOKEN_PURPOSE = "inaproc.vendors.invitation"  # noqa: S105 (a purpose, not a secret)
DEFAULT_INVITATION_DAYS = 7
DEFAULT_INVITATIONS_PER_DAY = 10


class InvitationState:
    VALID = "valid"
    CREATED = "created"  # accepted just now, by this request
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    REVOKED = "revoked"
    INVALID = "invalid"


def invitation_days() -> int:
    return getattr(settings, "COMPANY_INVITATION_DAYS", DEFAULT_INVITATION_DAYS)


def invitations_per_day() -> int:
    return getattr(settings, "COMPANY_INVITATIONS_PER_DAY", DEFAULT_INVITATIONS_PER_DAY)


def invitation_create(
    *,
    company: Company,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    context: AuditContext | None = None,
) -> CompanyInvitation:
    """Invite `email` to become a user of `company` with `role`: a single-use link, valid
    for `invitation_days()`, is emailed once the transaction commits. Raises
    ValidationError (per field) for an address that is already a user of the company or
    has a pending invitation, and MemberActionRefused over the daily limit."""
    email = User.objects.normalize_email(email.strip())
    if role not in CompanyRole.values:
        raise ValidationError({"role": _("Choose one of the roles.")})
    with transaction.atomic():
        company_locked(company)  # one invitation at a time: the limit and duplicates hold
        require_admin(company=company, actor=actor)
        if CompanyMember.objects.filter(company=company, user__email__iexact=email).exists():
            raise ValidationError({"email": _("A user of this company already has this address.")})
        if _pending(company).filter(email__iexact=email).exists():
            raise ValidationError(
                {
                    "email": _(
                        "This address already has an invitation waiting. To send a new "
                        "link, use “Send again” in the list of invitations."
                    )
                }
            )
        _require_below_daily_limit(company)
        # An expired invitation of the same address is replaced by the new one.
        _unanswered(company).filter(email__iexact=email).update(revoked_at=timezone.now())
        invitation = _invitation_issue(
            company=company, actor=actor, email=email, full_name=full_name.strip(), role=role
        )
        audit_record(
            actor=actor,
            verb="company.member_invited",
            target=invitation,
            portal=company.portal,
            payload={"company_id": company.pk, "role": role},
            context=context,
        )
    return invitation


def invitation_resend(
    *, company: Company, invitation_id: int, actor: User, context: AuditContext | None = None
) -> CompanyInvitation:
    """A new link for an invitation not yet accepted (pending or expired): the old one
    stops working. Counts towards the daily limit."""
    with transaction.atomic():
        company_locked(company)
        require_admin(company=company, actor=actor)
        old = _unanswered(company).filter(pk=invitation_id).first()
        if old is None:
            raise MemberActionRefused(
                _("This invitation was already accepted or withdrawn. Nothing was sent.")
            )
        _require_below_daily_limit(company)
        old.revoked_at = timezone.now()
        old.save(update_fields=["revoked_at"])
        invitation = _invitation_issue(
            company=company, actor=actor, email=old.email, full_name=old.full_name, role=old.role
        )
        audit_record(
            actor=actor,
            verb="company.invitation_resent",
            target=invitation,
            portal=company.portal,
            payload={"company_id": company.pk, "role": old.role, "replaces": old.pk},
            context=context,
        )
    return invitation


def invitation_revoke(
    *, company: Company, invitation_id: int, actor: User, context: AuditContext | None = None
) -> bool:
    """Withdraw an invitation not yet accepted; its link stops working. False if there was
    nothing to withdraw (accepted or withdrawn meanwhile)."""
    with transaction.atomic():
        require_admin(company=company, actor=actor)
        invitation = (
            _unanswered(company).select_for_update(of=("self",)).filter(pk=invitation_id).first()
        )
        if invitation is None:
            return False
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            verb="company.invitation_revoked",
            target=invitation,
            portal=company.portal,
            payload={"company_id": company.pk, "role": invitation.role},
            context=context,
        )
    return True


def invitation_state(*, portal: Portal, token: str) -> tuple[str, CompanyInvitation | None]:
    """What an invitation link stands for on `portal`, without using it."""
    invitation = _invitation_by_token(portal=portal, token=token)
    return _state(invitation), invitation


def invitation_accept(
    *, portal: Portal, token: str, username: str, password: str, context: AuditContext | None = None
) -> tuple[str, CompanyInvitation | None, User | None]:
    """Create the invitee's account (active, role vendor, on the company's portal, with the
    invitation's address and name) and make it a user of the company with the invited
    role, all or nothing; the inviter is emailed. The invitation row is locked, so a
    double submit creates one account: the second sees it accepted.

    Returns (state, invitation, user): `CREATED` with the new user, else the link's state
    and no user. Raises ValidationError keyed `username` / `password`."""
    if not token_plausible(token):
        return InvitationState.INVALID, None, None
    with transaction.atomic():
        invitation = _invitation_by_token(portal=portal, token=token, lock=True)
        state = _state(invitation)
        if state != InvitationState.VALID:
            return state, invitation, None
        if not _inviter_still_admin(invitation):
            # Withdrawn with the inviter's rights (members._admin_requests_withdraw); this
            # catches an invitation left over from before that rule.
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
            return InvitationState.REVOKED, invitation, None
        user = user_create(
            portal=portal,
            role=Role.VENDOR,
            username=username,
            email=invitation.email,
            password=password,
            full_name=invitation.full_name,
            notify=False,
        )
        CompanyMember.objects.create(
            company=invitation.company,
            user=user,
            role=invitation.role,
            invited_by=invitation.invited_by,
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        audit_record(
            actor=user,
            verb="company.invitation_accepted",
            target=invitation,
            portal=portal,
            payload={"company_id": invitation.company_id, "role": invitation.role},
            context=context,
        )
        _inviter_email(invitation=invitation, user=user)
    return InvitationState.CREATED, invitation, user


def _invitation_issue(
    *, company: Company, actor: User, email: str, full_name: str, role: str
) -> CompanyInvitation:
    token = token_new()
    expires_at = timezone.now() + timedelta(days=invitation_days())
    invitation = CompanyInvitation.objects.create(
        company=company,
        email=email,
        full_name=full_name,
        role=role,
        token_hash=token_hash(TOKEN_PURPOSE, token),
        invited_by=actor,
        expires_at=expires_at,
    )
    portal = company.portal
    email_send(
        to=email,
        portal=portal,
        template="vendors/email/invitation",
        context={
            "full_name": full_name,
            "company_name": company.name,
            "inviter_name": actor.full_name or actor.username,
            "role": CompanyRole(role).label,
            "accept_url": portal_absolute_url(portal, "vendors:invitation_link", token=token),
            "expires_at": expires_at,
            "valid_days": invitation_days(),
        },
    )
    return invitation


def _inviter_email(*, invitation: CompanyInvitation, user: User) -> None:
    inviter = invitation.invited_by
    if inviter is None or not inviter.is_active:
        return
    account_email_send(
        user=inviter,
        template="vendors/email/invitation_accepted",
        context={
            "company_name": invitation.company.name,
            "member_name": user.full_name or user.username,
            "member_username": user.username,
            "member_email": user.email,
            "role": CompanyRole(invitation.role).label,
            "members_url": portal_absolute_url(user.portal, "vendors:members"),
        },
    )


def _invitation_by_token(
    *, portal: Portal, token: str, lock: bool = False
) -> CompanyInvitation | None:
    if not token_plausible(token):
        return None
    invitations = CompanyInvitation.objects.select_related("company", "invited_by")
    if lock:
        # Only this row: FOR UPDATE on the joined rows would hold up unrelated writes.
        invitations = invitations.select_for_update(of=("self",))
    return invitations.filter(
        token_hash=token_hash(TOKEN_PURPOSE, token), company__portal=portal
    ).first()


def _inviter_still_admin(invitation: CompanyInvitation) -> bool:
    inviter = (
        CompanyMember.objects.select_related("user")
        .filter(company=invitation.company_id, user=invitation.invited_by_id)
        .first()
    )
    return inviter is not None and is_active_admin(inviter)


def _state(invitation: CompanyInvitation | None) -> str:
    if invitation is None:
        return InvitationState.INVALID
    if invitation.accepted_at is not None:
        return InvitationState.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationState.REVOKED
    if invitation.expires_at <= timezone.now():
        return InvitationState.EXPIRED
    return InvitationState.VALID


def _unanswered(company: Company):
    return CompanyInvitation.objects.filter(
        company=company, accepted_at__isnull=True, revoked_at__isnull=True
    )


def _pending(company: Company):
    return _unanswered(company).filter(expires_at__gt=timezone.now())


def _require_below_daily_limit(company: Company) -> None:
    limit = invitations_per_day()
    now = timezone.now()
    wait = seconds_until_below_limit(
        CompanyInvitation.objects.filter(company=company),
        limit=limit,
        window=timedelta(days=1),
        at=now,
    )
    if not wait:
        return
    until = now + timedelta(seconds=wait)
    raise MemberActionRefused(
        ngettext(
            "This company has sent %(count)d invitation in the last 24 hours, the most "
            "allowed. You can invite again from %(until)s.",
            "This company has sent %(count)d invitations in the last 24 hours, the most "
            "allowed. You can invite again from %(until)s.",
            limit,
        )
        % {"count": limit, "until": wib(until)},
        extra={"retry_after": wait},
    )
