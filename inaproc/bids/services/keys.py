"""Opening keys: an official registers the public half of a key made in the browser, and
replaces a lost one. Only tenders whose keys are made afterwards use the new key."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import Role, User
from inaproc.audit.services import audit_record
from inaproc.bids.models import OpeningKey
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.seal.encoding import fingerprint, load_public_raw
from inaproc.seal.errors import SealError

# Who opens bids: the members of a Pokja, and a Pejabat Pengadaan alone.
KEY_HOLDER_ROLES = (Role.POKJA, Role.PEJABAT_PENGADAAN)


class KeyRefused(ApplicationError):
    """The key cannot be registered; the message says why."""


def opening_key_register(
    *, user: User, public_key: bytes, replace: bool = False, context: AuditContext | None = None
) -> OpeningKey:
    """Record `user`'s new opening public key. A user with a key must ask to `replace`
    it: the old key is kept (marked replaced) because tenders made earlier still need it."""
    if user.portal_id is None or not user.has_role(*KEY_HOLDER_ROLES):
        raise KeyRefused(_("Only Pokja members and Pejabat Pengadaan hold opening keys."))
    try:
        load_public_raw(public_key)
    except SealError:
        raise KeyRefused(_("This is not a valid public key.")) from None
    print_ = fingerprint(public_key)
    with transaction.atomic():
        current = (
            OpeningKey.objects.select_for_update()
            .filter(user=user, replaced_at__isnull=True)
            .first()
        )
        if current is not None and not replace:
            raise KeyRefused(_("You already have an opening key. Replace it only if it is lost."))
        if current is not None:
            current.replaced_at = timezone.now()
            current.save(update_fields=["replaced_at"])
        try:
            with transaction.atomic():
                key = OpeningKey.objects.create(
                    portal_id=user.portal_id,
                    user=user,
                    public_key=public_key,
                    fingerprint=print_,
                )
        except IntegrityError:
            raise KeyRefused(_("This key is already registered.")) from None
        audit_record(
            actor=user,
            verb="bids.opening_key_replaced" if current else "bids.opening_key_created",
            target=key,
            portal=user.portal,
            payload={
                "fingerprint": print_,
                "replaced": current.fingerprint if current else None,
            },
            context=context,
        )
    return key
