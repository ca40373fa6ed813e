"""Where an envelope's opening stands: may shares be sent now, who has sent one, what
opened."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from inaproc.bids.models import (
    BidOpening,
    BidState,
    BidVersion,
    OpenedFile,
    OpeningShare,
    OpeningStatus,
    TenderKey,
)
from inaproc.bids.slots import opening_stage_key
from inaproc.tenders.models import PackageState
from inaproc.tenders.selectors.participation import bid_deadline, stage_of


def opening_refusal(key: TenderKey, *, now: datetime) -> str | None:
    """Why shares of `key` may not be sent now; None when they may: a published tender,
    after the bid deadline by the server clock, from the start of the envelope's opening
    stage; envelope 2 only once envelope 1 is opened."""
    package = key.package
    if package.state != PackageState.PUBLISHED:
        return _("This tender is not open for the opening.")
    if key.opened_at is not None:
        return _("This envelope is already opened.")
    deadline = bid_deadline(package)
    if deadline is None or now < deadline:
        return _("Bids can be opened only after the bid deadline.")
    stage_key = opening_stage_key(package, key.envelope)
    stage = stage_of(package, stage_key) if stage_key else None
    if stage is None or now < stage.starts_at:
        return _("The opening stage of this envelope has not begun.")
    if (
        key.envelope > 1
        and TenderKey.objects.filter(
            package=package, envelope__lt=key.envelope, opened_at__isnull=True
        ).exists()
    ):
        return _("Open the earlier envelope first.")
    return None


def shares_sent(key: TenderKey) -> list[OpeningShare]:
    return list(OpeningShare.objects.filter(tender_key=key).select_related("member"))


def bids_to_open(key: TenderKey) -> list[BidVersion]:
    """The bids an envelope opens: every company's submitted version; for a later
    envelope only those whose first envelope opened and, once the evaluation announced
    the result of file I, whose file I passed (settings.OPENING_FILE_TWO_BIDDERS,
    docs/decisions/0010)."""
    versions = BidVersion.objects.filter(
        participation__package_id=key.package_id, state=BidState.SUBMITTED
    ).select_related("participation__company")
    if key.envelope > 1:
        opened_first = BidOpening.objects.filter(
            tender_key__package_id=key.package_id,
            tender_key__envelope=1,
            status=OpeningStatus.OPENED,
        ).values_list("bid_version", flat=True)
        versions = versions.filter(pk__in=list(opened_first))
        passed = file_one_passed(key.package)
        if passed is not None:
            versions = versions.filter(participation_id__in=passed)
    return list(versions.order_by("participation__joined_at", "pk"))


def file_one_passed(package) -> set[int] | None:
    """The participations whose file I passed, as the evaluation announced it; None
    while it has not (then every bid whose file I opened is opened)."""
    path = getattr(settings, "OPENING_FILE_TWO_BIDDERS", "")
    return import_string(path)(package) if path else None


def opening_results(key: TenderKey) -> list[BidOpening]:
    return list(
        BidOpening.objects.filter(tender_key=key)
        .select_related("bid_version__participation__company")
        .order_by("pk")
    )


@dataclass(frozen=True)
class OpenedBid:
    opening: BidOpening
    files: list[OpenedFile]


def opened_bids(key: TenderKey) -> list[OpenedBid]:
    """Each opened bid of the envelope with what each of its files gave."""
    by_version: dict[int, list[OpenedFile]] = defaultdict(list)
    files = (
        OpenedFile.objects.filter(tender_key=key)
        .select_related("sealed_file")
        .prefetch_related("sealed_file__versions")
        .order_by("pk")
    )
    for opened in files:
        for version in opened.sealed_file.versions.all():
            by_version[version.pk].append(opened)
    return [OpenedBid(result, by_version[result.bid_version_id]) for result in opening_results(key)]
