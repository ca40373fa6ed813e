"""Who may reach a package: its PPK, the members of its Pokja, its Pejabat Pengadaan,
all of the package's own portal. Missing, another portal's and not yours look the same
(404); a signed-in official of this portal without the role gets 403 from the view's
`portal_role_required`."""

from django.db.models import Q, QuerySet
from django.http import Http404

from inaproc.accounts.models import Role, User
from inaproc.portals.models import Portal
from inaproc.tenders.models import Package, PackageState, Pokja, PokjaMember


def _active_official(user: User, portal: Portal, *roles: str) -> bool:
    return bool(user.is_authenticated and user.portal_id == portal.pk and user.has_role(*roles))


def packages_of_ppk(*, portal: Portal, user: User) -> QuerySet[Package]:
    return Package.objects.filter(portal=portal, ppk=user)


def packages_run_by(*, portal: Portal, user: User) -> QuerySet[Package]:
    """Packages assigned to a Pokja `user` sits on, or to `user` as Pejabat Pengadaan;
    drafts still with their PPK are not the runner's yet."""
    return (
        Package.objects.filter(portal=portal)
        .exclude(state=PackageState.DRAFT)
        .filter(Q(pokja__members__user=user) | Q(pejabat_pengadaan=user))
        .distinct()
    )


def access_package_as_ppk(*, portal: Portal, user: User, package_id: int) -> Package:
    if not _active_official(user, portal, Role.PPK):
        raise Http404
    package = packages_of_ppk(portal=portal, user=user).filter(pk=package_id).first()
    if package is None:
        raise Http404
    return package


def access_package_as_runner(*, portal: Portal, user: User, package_id: int) -> Package:
    """The package for a member of its Pokja (holding the Pokja role) or for its
    Pejabat Pengadaan (holding that role)."""
    package = (
        Package.objects.select_related("pokja", "pejabat_pengadaan", "ppk")
        .filter(portal=portal, pk=package_id)
        .exclude(state=PackageState.DRAFT)
        .first()
    )
    if package is None or not is_runner(package=package, user=user):
        raise Http404
    return package


def is_runner(*, package: Package, user: User) -> bool:
    if not (user.is_authenticated and user.is_active and user.portal_id == package.portal_id):
        return False
    if package.pejabat_pengadaan_id is not None:
        return package.pejabat_pengadaan_id == user.pk and user.has_role(Role.PEJABAT_PENGADAAN)
    return (
        package.pokja_id is not None
        and user.has_role(Role.POKJA)
        and PokjaMember.objects.filter(pokja_id=package.pokja_id, user=user).exists()
    )


def access_pokja(*, portal: Portal, pokja_id: int) -> Pokja:
    pokja = Pokja.objects.filter(portal=portal, pk=pokja_id).first()
    if pokja is None:
        raise Http404
    return pokja


def access_package_as_official(*, portal: Portal, user: User, package_id: int) -> Package:
    """The package for its PPK (holding the PPK role; any state) or its runner (a member
    of its Pokja or its Pejabat Pengadaan, once assigned): the officials' pages."""
    if not (user.is_authenticated and user.portal_id == portal.pk):
        raise Http404
    package = (
        Package.objects.select_related("pokja", "pejabat_pengadaan", "ppk", "portal")
        .filter(portal=portal, pk=package_id)
        .first()
    )
    if package is None:
        raise Http404
    if package.ppk_id == user.pk and user.has_role(Role.PPK):
        return package
    if package.state != PackageState.DRAFT and is_runner(package=package, user=user):
        return package
    raise Http404


def access_pokja_member(*, pokja: Pokja, member_id: int) -> PokjaMember:
    """A member of `pokja` (got through `access_pokja`); 404 for anyone else's."""
    member = PokjaMember.objects.select_related("user").filter(pokja=pokja, pk=member_id).first()
    if member is None:
        raise Http404
    return member


def access_portal_user(*, portal: Portal, user_id: int) -> User:
    """An account of `portal` named in a form; 404 for a missing or another portal's."""
    found = User.objects.filter(portal=portal, pk=user_id).first()
    if found is None:
        raise Http404
    return found
