"""Reads of the invitations to a non-tender package."""

from dataclasses import dataclass

from inaproc.tenders.models import Invitation, Package, Participation
from inaproc.tenders.models.choices import NON_TENDER_METHODS
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
