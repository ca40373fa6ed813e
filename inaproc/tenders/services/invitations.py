"""Invitations to a non-tender package (Pengadaan Langsung, Penunjukan Langsung): its
Pejabat Pengadaan invites approved companies of the portal, before or at publication
and while joining is open; only invited companies may join. Each invitation and each
withdrawal is audited; the invited company's administrators are emailed."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.tenders.access import is_runner
from inaproc.tenders.models import Invitation, Package, PackageState, Participation
from inaproc.tenders.models.choices import NON_TENDER_METHODS
from inaproc.tenders.selectors.participation import joining_open
from inaproc.tenders.services.locks import package_locked
from inaproc.tenders.services.participation_mail import email_to
from inaproc.vendors.models import Company, CompanyMember, CompanyRole, RegistrationStatus

INVITED_EMAIL = "tenders/email/invited"


class InvitationRefused(ApplicationError):
    """The invitation (or its withdrawal) cannot happen; the message says why."""


def _locked_for_inviting(package: Package, user: User) -> Package:
    locked = package_locked(package.pk, with_stages=True)
    if locked.selection_method not in NON_TENDER_METHODS:
        raise InvitationRefused(_("Only a non-tender package takes invitations."))
    if not is_runner(package=locked, user=user):
        raise InvitationRefused(_("Only the package's Pejabat Pengadaan may invite companies."))
    if locked.state == PackageState.ASSIGNED:
        return locked
    if locked.state == PackageState.PUBLISHED and joining_open(locked, now=timezone.now()):
        return locked
    raise InvitationRefused(_("Invitations are possible only before the bid deadline."))


def admin_addresses(company: Company) -> list[str]:
    """The email addresses of the company's active administrators."""
    members = CompanyMember.objects.select_related("user").filter(
        company=company, role=CompanyRole.ADMIN, suspended_at__isnull=True, user__is_active=True
    )
    return sorted({m.user.email for m in members if m.user.email})


def invitation_make(
    *, package: Package, user: User, company: Company, context: AuditContext | None = None
) -> Invitation:
    """`user`, the package's Pejabat Pengadaan, invites `company` (an approved company
    of the package's portal, not invited yet); its administrators are emailed."""
    with transaction.atomic():
        locked = _locked_for_inviting(package, user)
        registration = getattr(company, "registration", None)
        if company.portal_id != locked.portal_id:
            raise InvitationRefused(_("This company is not registered on this portal."))
        if registration is None or registration.status != RegistrationStatus.APPROVED:
            raise InvitationRefused(_("Only an approved company can be invited."))
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    package=locked, company=company, invited_by=user
                )
        except IntegrityError:
            raise InvitationRefused(_("This company is already invited.")) from None
        audit_record(
            actor=user,
            verb="tender.company_invited",
            target=locked,
            portal=locked.portal,
            payload={"code": locked.code, "company": company.pk, "npwp": company.npwp},
            context=context,
        )
        email_to(
            admin_addresses(company),
            package=locked,
            template=INVITED_EMAIL,
            context={
                "company": company,
                "join_url": portal_absolute_url(locked.portal, "tenders:join", code=locked.code),
                "public_url": portal_absolute_url(
                    locked.portal, "tenders:public_announcement", code=locked.code
                ),
            },
        )
    return invitation


def invitation_withdraw(
    *, package: Package, user: User, company: Company, context: AuditContext | None = None
) -> None:
    """`user` withdraws the invitation of `company`, which has not joined yet."""
    with transaction.atomic():
        locked = _locked_for_inviting(package, user)
        invitation = Invitation.objects.filter(package=locked, company=company).first()
        if invitation is None:
            raise InvitationRefused(_("This company is not invited."))
        if Participation.objects.filter(package=locked, company=company).exists():
            raise InvitationRefused(
                _("This company has already joined; its invitation can no longer be withdrawn.")
            )
        invitation.delete()
        audit_record(
            actor=user,
            verb="tender.invitation_withdrawn",
            target=locked,
            portal=locked.portal,
            payload={"code": locked.code, "company": company.pk, "npwp": company.npwp},
            context=context,
        )
