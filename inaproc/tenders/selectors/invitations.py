"""Reads of the invitations to a non-tender package."""

from dataclasses import dataclass

from django.utils import timezone

from inaproc.tenders.models import Invitation, Package, PackageState, Participation
from inaproc.tenders.models.choices import NON_TENDER_METHODS
from inaproc.tenders.selectors.participation import joining_open
from inaproc.vendors.models import Company


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    company: Company
    joined: bool


def by_invitation(package: Package) -> bool:
    """Only invited companies may join the package (a non-tender method)."""
    return package.selection_method in NON_TENDER_METHODS


def is_invited(*, package: Package, company: Company) -> bool:
    return Invitation.objects.filter(package=package, company=company).exists()


def invitation_rows(package: Package) -> list[InvitationRow]:
    """The package's invitations, oldest first, each with whether the company joined."""
    joined = set(Participation.objects.filter(package=package).values_list("company_id", flat=True))
    return [
        InvitationRow(invitation=i, company=i.company, joined=i.company_id in joined)
        for i in Invitation.objects.filter(package=package).select_related("company", "invited_by")
    ]


def open_invitations(company: Company) -> list[Package]:
    """The published packages `company` is invited to, still open for joining and not
    joined yet (its "My tenders" page lists them with a link to join)."""
    now = timezone.now()
    packages = (
        Package.objects.filter(
            invitations__company=company, state=PackageState.PUBLISHED, portal=company.portal
        )
        .exclude(participations__company=company)
        .prefetch_related("stages")
        .order_by("pk")
    )
    return [package for package in packages if joining_open(package, now=now)]
