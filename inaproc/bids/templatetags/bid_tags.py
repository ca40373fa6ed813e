from django import template

from inaproc.bids.selectors.keys import users_with_opening_key
from inaproc.bids.selectors.public import public_keys
from inaproc.bids.slots import SLOT_LABELS

register = template.Library()


@register.filter
def fingerprint_groups(value: str) -> str:
    """A key fingerprint in groups of four hex digits, as people read it aloud."""
    return " ".join(value[i : i + 4] for i in range(0, len(value or ""), 4))


@register.filter
def slot_label(code: str) -> str:
    """The name of a part of the bid (`penawaran` → "Bid documents")."""
    return str(SLOT_LABELS.get(code, code))


@register.simple_tag
def tender_keys_of(package) -> list:
    """The tender keys of a package, for its public announcement (the tenders templates
    cannot ask the bids app otherwise)."""
    return public_keys(package)


@register.simple_tag
def with_opening_keys(members) -> set[int]:
    """The ids of the users among `members` (Pokja members) who hold an opening key, for
    the Pokja page."""
    return users_with_opening_key([member.user_id for member in members])
