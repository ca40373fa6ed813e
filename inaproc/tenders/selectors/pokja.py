"""Reads about Pokja groups that several parts of the tender need."""

from django.db.models import Count, F, Q, QuerySet

from inaproc.accounts.models import Role, User
from inaproc.portals.models import Portal
from inaproc.tenders.models import PackageState, Pokja, PokjaMember

MINIMUM_POKJA_MEMBERS = 3


def pokja_active_members(pokja: Pokja) -> list[User]:
    """Members who can act: an active account still holding the Pokja role."""
    members = [
        member.user
        for member in PokjaMember.objects.select_related("user").filter(
            pokja=pokja, user__is_active=True
        )
    ]
    return [user for user in members if user.has_role(Role.POKJA)]


def pokja_quorum(pokja: Pokja, *, member_count: int | None = None) -> int:
    """How many members must approve a publication (and, later, open bids): the
    Pokja's own quorum, or a majority of its members."""
    if pokja.quorum:
        return pokja.quorum
    count = member_count if member_count is not None else pokja.members.count()
    return count // 2 + 1


def pokjas_assignable(*, portal: Portal) -> QuerySet[Pokja]:
    """Active Pokja groups a PPK may hand a package to: an odd number of members, at
    least three, and a chair (TENDERS.md §1)."""
    return (
        Pokja.objects.filter(portal=portal, is_active=True)
        .annotate(
            member_count=Count("members", distinct=True),
            chair_count=Count("members", filter=Q(members__is_chair=True), distinct=True),
        )
        .filter(member_count__gte=MINIMUM_POKJA_MEMBERS, chair_count=1)
        .annotate(odd=F("member_count") % 2)
        .filter(odd=1)
        .order_by("name")
    )


def pokja_quorum_lost_without(pokja: Pokja, *, user_id: int) -> int | None:
    """The Pokja's quorum when, without `user_id`, fewer of its members able to act would
    remain while it runs a published tender; None when the quorum holds."""
    if not pokja.packages.filter(state=PackageState.PUBLISHED).exists():
        return None
    quorum = pokja_quorum(pokja)
    remaining = [user for user in pokja_active_members(pokja) if user.pk != user_id]
    return quorum if len(remaining) < quorum else None


def pokjas_short_without(user: User) -> list[str]:
    """The names of the Pokja groups `user` sits on that would fall below their quorum
    for a published tender without them (settings.POKJA_QUORUM_CHECK: staff management
    in accounts asks before a role is taken away, and warns after a deactivation)."""
    if user.portal_id is None:
        return []
    pokjas = Pokja.objects.filter(members__user=user, portal_id=user.portal_id).distinct()
    return [
        pokja.name
        for pokja in pokjas
        if pokja_quorum_lost_without(pokja, user_id=user.pk) is not None
    ]
