"""Who reaches the award pages: the package's PPK (the staff page and the letter), the
letter's readers (PPK, Pokja, the winning company's users) for its PDF. Missing, another
portal's and not yours look the same (404)."""

from django.http import Http404

from inaproc.accounts.models import User
from inaproc.award.models import AwardLetter
from inaproc.award.selectors import may_read_letter
from inaproc.portals.models import Portal
from inaproc.tenders.access import access_package_as_ppk
from inaproc.tenders.models import Package, PackageState


def access_package_for_award(*, portal: Portal, user: User, package_id: int) -> Package:
    """A published or finished package of this portal, for its PPK."""
    package = access_package_as_ppk(portal=portal, user=user, package_id=package_id)
    if package.state in (PackageState.DRAFT, PackageState.ASSIGNED):
        raise Http404
    return package


def access_letter_by_package(*, portal: Portal, user: User, package_id: int) -> AwardLetter:
    letter = (
        AwardLetter.objects.select_related("package__portal", "winner__company")
        .filter(portal=portal, package_id=package_id)
        .first()
    )
    if letter is None or not may_read_letter(letter, user):
        raise Http404
    return letter
