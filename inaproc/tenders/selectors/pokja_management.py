"""Reads of the portal administrator's Pokja pages."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from inaproc.accounts.models import Role, User
from inaproc.portals.models import Portal
from inaproc.tenders.models import PackageState, Pokja, PokjaMember
from inaproc.tenders.selectors.pokja import pokja_quorum, pokjas_assignable


@dataclass(frozen=True)
class PokjaRow:
    pokja: Pokja
    member_count: int
    chair: User | None
    quorum: int
    assignable: bool
    running: int


def pokja_rows(*, portal: Portal) -> list[PokjaRow]:
    """The portal's Pokja groups, active first then by name, each with its members'
    count, chair, quorum in force, whether a PPK may assign it a package (the rule of
    `pokjas_assignable`) and how many packages it runs."""
    assignable = set(pokjas_assignable(portal=portal).values_list("pk", flat=True))
    pokjas = (
        Pokja.objects.filter(portal=portal)
        .annotate(
            member_count=Count("members", distinct=True),
            running=Count(
                "packages",
                filter=Q(packages__state__in=(PackageState.ASSIGNED, PackageState.PUBLISHED)),
                distinct=True,
            ),
        )
        .order_by("-is_active", "name")
    )
    chairs = {
        member.pokja_id: member.user
        for member in PokjaMember.objects.filter(
            pokja__portal=portal, is_chair=True
        ).select_related("user")
    }
    return [
        PokjaRow(
            pokja=pokja,
            member_count=pokja.member_count,
            chair=chairs.get(pokja.pk),
            quorum=pokja_quorum(pokja, member_count=pokja.member_count),
            assignable=pokja.pk in assignable,
            running=pokja.running,
        )
        for pokja in pokjas
    ]


def pokja_members(*, pokja: Pokja) -> QuerySet[PokjaMember]:
    return PokjaMember.objects.filter(pokja=pokja).select_related("user")


def pokja_is_assignable(*, pokja: Pokja) -> bool:
    return pokjas_assignable(portal=pokja.portal).filter(pk=pokja.pk).exists()


def pokja_candidates(*, pokja: Pokja) -> QuerySet[User]:
    """Active staff of the Pokja's portal holding the Pokja role who are not members."""
    return (
        User.objects.filter(portal_id=pokja.portal_id, is_active=True)
        .filter(Q(role=Role.POKJA) | Q(staff_roles__role=Role.POKJA))
        .exclude(pokja_memberships__pokja=pokja)
        .distinct()
        .order_by("full_name", "username")
    )
