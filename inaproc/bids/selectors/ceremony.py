"""Whether a package's tender keys are made, and made for the officials who run it now."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inaproc.bids.models import KeyShare, TenderKey
from inaproc.bids.selectors.keys import key_holders, opening_threshold
from inaproc.bids.slots import envelopes_for
from inaproc.tenders.models import Package


def tender_keys(package: Package) -> list[TenderKey]:
    return list(TenderKey.objects.filter(package=package).order_by("envelope"))


def keys_current(package: Package) -> bool:
    """The tender keys exist for every envelope, with the current threshold, and each
    was shared with exactly the current key holders' current opening keys."""
    keys = tender_keys(package)
    if [key.envelope for key in keys] != list(envelopes_for(package)):
        return False
    threshold = opening_threshold(package)
    holders = {holder.key.pk for holder in key_holders(package) if holder.key is not None}
    for key in keys:
        if key.threshold != threshold:
            return False
        shared = set(KeyShare.objects.filter(tender_key=key).values_list("opening_key", flat=True))
        if shared != holders:
            return False
    return True


def ceremony_blockers(package: Package) -> list[str]:
    """Why `package` cannot be published yet as far as sealed bids go (a hook of
    tenders' publication_blockers: settings.PUBLICATION_BLOCKERS)."""
    holders = key_holders(package)
    with_key = sum(1 for holder in holders if holder.key is not None)
    needed = opening_threshold(package)
    if with_key < needed:
        return [
            ngettext(
                "Only %(have)d official has an opening key; %(need)d are needed to open the "
                "bids. Each member creates one on the Opening key page.",
                "Only %(have)d officials have an opening key; %(need)d are needed to open the "
                "bids. Each member creates one on the Opening key page.",
                with_key,
            )
            % {"have": with_key, "need": needed}
        ]
    if not TenderKey.objects.filter(package=package).exists():
        return [_("The tender keys are not made yet: a runner makes them on the Tender keys page.")]
    if not keys_current(package):
        return [
            _(
                "The officials or their opening keys changed after the tender keys were "
                "made: make the tender keys again."
            )
        ]
    return []
