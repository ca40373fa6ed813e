"""Reads of the officials' package pages: a package with everything its detail page
shows, and whom its PPK may assign it to."""

from django.db.models import Q

from inaproc.accounts.models import Role, User
from inaproc.tenders.models import Package, Pokja, PokjaMember, TenderDocument
from inaproc.tenders.rules import is_tender_method
from inaproc.tenders.selectors.pokja import pokjas_assignable


def package_documents(*, package: Package) -> list[TenderDocument]:
    """Every version of the package's documents and addenda, newest first."""
    return list(
        TenderDocument.objects.filter(package=package)
        .select_related("uploaded_by")
        .order_by("-version")
    )


def package_for_detail(*, package: Package) -> Package:
    """The package with its locations, KBLI codes, stages and approvals loaded."""
    return (
        Package.objects.select_related("ppk", "pokja", "pejabat_pengadaan")
        .prefetch_related("locations", "kbli", "stages", "approvals__user")
        .get(pk=package.pk)
    )


def assignable_runners(*, package: Package, ppk: User) -> tuple[list[Pokja], list[User]]:
    """The Pokja groups (tender methods) or Pejabat Pengadaan (non-tender methods) the
    PPK may choose: never a Pokja the PPK sits on, never the PPK."""
    if is_tender_method(package.selection_method):
        mine = PokjaMember.objects.filter(user=ppk).values("pokja")
        return list(pokjas_assignable(portal=package.portal).exclude(pk__in=mine)), []
    officials = (
        User.objects.filter(portal=package.portal, is_active=True)
        .filter(Q(role=Role.PEJABAT_PENGADAAN) | Q(staff_roles__role=Role.PEJABAT_PENGADAAN))
        .exclude(pk=ppk.pk)
        .distinct()
        .order_by("full_name", "username")
    )
    return [], list(officials)


def award_letter_issued(package: Package) -> bool:
    """The PPK has issued the award letter (SPPBJ): from then on the tender can neither
    fail nor be cancelled. The award app stands above tenders, so its table is read
    through the reverse relation `award_letter` instead of its model."""
    return Package.objects.filter(pk=package.pk, award_letter__isnull=False).exists()
