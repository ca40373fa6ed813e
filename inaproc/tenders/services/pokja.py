"""The portal administrator's management of Pokja groups (Kelompok Kerja Pemilihan):
create, rename, set the quorum, add and remove members, name the chair, deactivate.

Every change of a group's members first locks the group's row (`_pokja_locked`), so two
changes of the same group run one after the other and each sees the other's result."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from inaproc.accounts.models import Role, User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.portals.models import Portal
from inaproc.tenders.models import Package, PackageState, Pokja, PokjaMember
from inaproc.tenders.selectors.pokja import pokja_quorum_lost_without

# States of a package whose Pokja is running it.
RUNNING_STATES = (PackageState.ASSIGNED, PackageState.PUBLISHED)


class PokjaActionRefused(ApplicationError):
    """A rule said no; the message is shown to the administrator; nothing was changed."""


def _name_taken() -> ValidationError:
    return ValidationError({"name": _("A Pokja with this name already exists on this portal.")})


def _name_check(*, portal: Portal, name: str, exclude_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the Pokja a name.")})
    others = Pokja.objects.filter(portal=portal, name__iexact=name)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    if others.exists():
        raise _name_taken()
    return name


def _audit(pokja: Pokja, actor: User, verb: str, context, payload: dict | None = None) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=pokja,
        portal=pokja.portal,
        payload=payload or {},
        context=context,
    )


def _pokja_locked(pokja: Pokja) -> Pokja:
    return Pokja.objects.select_for_update().select_related("portal").get(pk=pokja.pk)


# --- The group --------------------------------------------------------------------------


def pokja_create(
    *,
    portal: Portal,
    name: str,
    quorum: int | None,
    actor: User,
    context: AuditContext | None = None,
) -> Pokja:
    """A new, empty Pokja of `portal` (name unique on the portal, case-insensitively;
    quorum None: a majority of its members)."""
    name = _name_check(portal=portal, name=name)
    try:
        with transaction.atomic():
            pokja = Pokja.objects.create(portal=portal, name=name, quorum=quorum or None)
            _audit(pokja, actor, "pokja.created", context, {"name": name, "quorum": quorum})
    except IntegrityError as error:  # the same name created at the same moment
        raise _name_taken() from error
    return pokja


def pokja_update(
    *,
    pokja: Pokja,
    name: str,
    quorum: int | None,
    actor: User,
    context: AuditContext | None = None,
) -> bool:
    """Rename the Pokja or change its quorum. False if nothing changed."""
    name = _name_check(portal=pokja.portal, name=name, exclude_id=pokja.pk)
    try:
        with transaction.atomic():
            locked = _pokja_locked(pokja)
            before = {"name": locked.name, "quorum": locked.quorum}
            new_quorum = quorum or None
            after = {"name": name, "quorum": new_quorum}
            if before == after:
                return False
            _quorum_check(locked, new_quorum)
            locked.name, locked.quorum = name, new_quorum
            locked.save(update_fields=["name", "quorum"])
            _audit(locked, actor, "pokja.updated", context, {"from": before, "to": after})
    except IntegrityError as error:
        raise _name_taken() from error
    return True


def _quorum_check(pokja: Pokja, quorum: int | None) -> None:
    members = pokja.members.count()
    if quorum and members and quorum > members:
        message = _("The quorum cannot be more than the number of members (%(n)d).")
        raise ValidationError({"quorum": message % {"n": members}})


def pokja_deactivate(*, pokja: Pokja, actor: User, context: AuditContext | None = None) -> bool:
    """The Pokja can no longer be given packages. Refused while it runs a package.
    False if it was already inactive."""
    with transaction.atomic():
        locked = _pokja_locked(pokja)
        if not locked.is_active:
            return False
        if Package.objects.filter(pokja=locked, state__in=RUNNING_STATES).exists():
            raise PokjaActionRefused(
                _(
                    "This Pokja is running a package or tender. It can be deactivated once "
                    "its packages are finished or cancelled."
                )
            )
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        _audit(locked, actor, "pokja.deactivated", context)
    return True


def pokja_reactivate(*, pokja: Pokja, actor: User, context: AuditContext | None = None) -> bool:
    """The Pokja can be given packages again. False if it was active."""
    with transaction.atomic():
        locked = _pokja_locked(pokja)
        if locked.is_active:
            return False
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        _audit(locked, actor, "pokja.reactivated", context)
    return True


# --- Members ----------------------------------------------------------------------------


def pokja_member_add(
    *, pokja: Pokja, user: User, actor: User, context: AuditContext | None = None
) -> PokjaMember:
    """Add `user` (an active staff member of the Pokja's portal holding the Pokja role) to
    the Pokja. Never the PPK of a package given to this Pokja (TENDERS.md §1)."""
    with transaction.atomic():
        locked = _pokja_locked(pokja)
        if user.portal_id != locked.portal_id or not user.has_role(Role.POKJA):
            raise PokjaActionRefused(
                _("Only an active staff member of this portal with the Pokja role can be added.")
            )
        if PokjaMember.objects.filter(pokja=locked, user=user).exists():
            raise PokjaActionRefused(_("This person is already a member of the Pokja."))
        if Package.objects.filter(pokja=locked, ppk=user).exists():
            raise PokjaActionRefused(
                _(
                    "This person is the PPK of a package given to this Pokja: a PPK never "
                    "sits on the Pokja of their own package."
                )
            )
        member = PokjaMember.objects.create(pokja=locked, user=user)
        _audit(locked, actor, "pokja.member_added", context, {"user": user.username})
    return member


def pokja_member_remove(
    *, pokja: Pokja, member_id: int, actor: User, context: AuditContext | None = None
) -> None:
    """Take a member off the Pokja. Refused when the Pokja runs a published tender and
    fewer members able to act than its quorum would remain."""
    with transaction.atomic():
        locked = _pokja_locked(pokja)
        member = _member(locked, member_id)
        quorum = pokja_quorum_lost_without(locked, user_id=member.user_id)
        if quorum is not None:
            raise PokjaActionRefused(
                _(
                    "This Pokja runs a published tender: without this member fewer than "
                    "its quorum (%(quorum)d) could act. Add another member first."
                )
                % {"quorum": quorum}
            )
        payload = {"user": member.user.username, "was_chair": member.is_chair}
        member.delete()
        _audit(locked, actor, "pokja.member_removed", context, payload)


def pokja_chair_set(
    *, pokja: Pokja, member_id: int, actor: User, context: AuditContext | None = None
) -> bool:
    """Make a member the chair; the previous chair (if any) stays a member. False if
    they already were."""
    with transaction.atomic():
        locked = _pokja_locked(pokja)
        member = _member(locked, member_id)
        if member.is_chair:
            return False
        PokjaMember.objects.filter(pokja=locked, is_chair=True).update(is_chair=False)
        member.is_chair = True
        member.save(update_fields=["is_chair"])
        _audit(locked, actor, "pokja.chair_set", context, {"user": member.user.username})
    return True


def _member(pokja: Pokja, member_id: int) -> PokjaMember:
    member = PokjaMember.objects.select_related("user").filter(pokja=pokja, pk=member_id).first()
    if member is None:
        raise PokjaActionRefused(_("This person is no longer a member of the Pokja."))
    return member
