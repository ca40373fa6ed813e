"""Reads about a company's own users and its invitations, and whether a vendor account's
own address is proven. Every read is bounded by the company and its portal, so an id of
another company or portal finds nothing."""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from inaproc.accounts.models import Role, User
from inaproc.accounts.services.factors import has_second_factor
from inaproc.portals.models import Portal
from inaproc.vendors.models import (
    Company,
    CompanyInvitation,
    CompanyMember,
    CompanyRole,
    Registration,
)

ROLE_ORDER = Case(
    When(role=CompanyRole.ADMIN, then=Value(0)),
    When(role=CompanyRole.BID_PREPARER, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class MemberRow:
    member: CompanyMember
    has_second_factor: bool

    @property
    def user(self):
        return self.member.user

    @property
    def is_suspended(self) -> bool:
        return self.member.suspended_at is not None


@dataclass(frozen=True)
class InvitationRow:
    invitation: CompanyInvitation
    is_expired: bool


def _members(*, portal: Portal, company: Company) -> QuerySet[CompanyMember]:
    return CompanyMember.objects.filter(company=company, company__portal=portal)


def member_rows(*, portal: Portal, company: Company) -> list[MemberRow]:
    """The company's users, administrators first, each with whether the account has a
    second factor (a company has a handful of users: two EXISTS queries each)."""
    members = (
        _members(portal=portal, company=company)
        .select_related("user", "invited_by")
        .order_by(ROLE_ORDER, "user__username")
    )
    return [MemberRow(member, has_second_factor(member.user)) for member in members]


def member_get(*, portal: Portal, company: Company, member_id: int) -> CompanyMember | None:
    return (
        _members(portal=portal, company=company)
        .select_related("user", "invited_by", "company")
        .filter(pk=member_id)
        .first()
    )


def _unanswered(*, portal: Portal, company: Company) -> QuerySet[CompanyInvitation]:
    return CompanyInvitation.objects.filter(
        company=company,
        company__portal=portal,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )


def invitation_rows(*, portal: Portal, company: Company) -> list[InvitationRow]:
    """Invitations neither accepted nor withdrawn, newest first; expired ones are marked
    (the administrator may send them again or withdraw them)."""
    now = timezone.now()
    invitations = _unanswered(portal=portal, company=company).select_related("invited_by")
    return [InvitationRow(i, i.expires_at <= now) for i in invitations]


def invitation_get(
    *, portal: Portal, company: Company, invitation_id: int
) -> CompanyInvitation | None:
    """An invitation of the company that is neither accepted nor withdrawn."""
    return _unanswered(portal=portal, company=company).filter(pk=invitation_id).first()


def members_summary(*, member: CompanyMember) -> dict:
    """For the dashboard: the viewer's role; for administrators, how many users (and
    suspended ones) and pending invitations; for the others, who the administrators are."""
    company = member.company
    summary: dict = {"member": member, "is_admin": member.role == CompanyRole.ADMIN}
    members = CompanyMember.objects.filter(company=company)
    if summary["is_admin"]:
        summary.update(
            members.aggregate(  # both counts in one query
                user_count=Count("pk"),
                suspended_count=Count("pk", filter=Q(suspended_at__isnull=False)),
            )
        )
        summary["invitation_count"] = CompanyInvitation.objects.filter(
            company=company,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).count()
    else:
        admins = members.filter(
            role=CompanyRole.ADMIN, suspended_at__isnull=True, user__is_active=True
        ).select_related("user")
        summary["admin_names"] = [m.user.full_name or m.user.username for m in admins]
    return summary


def is_company_admin(user: User) -> bool:
    """An active administrator of a company (settings.VENDOR_ADMIN_CHECK)."""
    return CompanyMember.objects.filter(
        user=user, role=CompanyRole.ADMIN, suspended_at__isnull=True
    ).exists()


def account_email_confirmed(*, portal: Portal, user) -> bool:
    """Whether `user`'s own address is proven to reach the account's owner on `portal`:
    a vendor account whose registration's confirmation link was used (the applicant),
    that came from an invitation emailed to this address, or whose address is its
    company's (confirmed at registration, changed only through a link to the new one).
    A vendor account's address changes only through such proofs (registration, invitation,
    the applicant's correction before confirmation, copying the company's address).
    Staff accounts: no (an administrator typed their address; nothing proved it)."""
    if not (user.is_authenticated and user.portal_id == portal.pk and user.email):
        return False
    if user.role != Role.VENDOR:
        return False
    email = user.email
    return (
        Registration.objects.filter(
            portal=portal, applicant=user, email_confirmed_at__isnull=False
        ).exists()
        or CompanyInvitation.objects.filter(
            company__portal=portal, accepted_user=user, email__iexact=email
        ).exists()
        or CompanyMember.objects.filter(
            user=user,
            suspended_at__isnull=True,
            company__portal=portal,
            company__email__iexact=email,
            company__registration__email_confirmed_at__isnull=False,
        ).exists()
    )
