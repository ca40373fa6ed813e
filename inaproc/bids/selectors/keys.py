"""Who holds opening keys, and who would receive a share of a tender's keys."""

from dataclasses import dataclass

from inaproc.accounts.models import User
from inaproc.bids.models import OpeningKey
from inaproc.tenders.models import Package
from inaproc.tenders.selectors.pokja import pokja_active_members, pokja_quorum


def current_opening_key(user: User) -> OpeningKey | None:
    return OpeningKey.objects.filter(user=user, replaced_at__isnull=True).first()


def users_with_opening_key(user_ids: list[int]) -> set[int]:
    return set(
        OpeningKey.objects.filter(user__in=user_ids, replaced_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )


def opening_keys_of(user: User) -> list[OpeningKey]:
    return list(OpeningKey.objects.filter(user=user))


@dataclass(frozen=True)
class KeyHolder:
    user: User
    key: OpeningKey | None


def key_holders(package: Package) -> list[KeyHolder]:
    """The officials who open `package`'s bids, each with their current opening key:
    the active members of its Pokja, or its Pejabat Pengadaan."""
    pokja, official = package.pokja, package.pejabat_pengadaan
    if pokja is not None:
        users = pokja_active_members(pokja)
    elif official is not None and official.is_active:
        users = [official]
    else:
        users = []
    keys = {
        key.user_id: key
        for key in OpeningKey.objects.filter(
            user__in=[user.pk for user in users], replaced_at__isnull=True
        )
    }
    return [KeyHolder(user, keys.get(user.pk)) for user in users]


def opening_threshold(package: Package) -> int:
    """How many shares open an envelope: the Pokja's quorum, 1 for a Pejabat Pengadaan."""
    pokja = package.pokja
    return 1 if pokja is None else pokja_quorum(pokja)
