"""Reading a company's bid: the upload window, its draft, its versions, the slot rules."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet

from inaproc.accounts.models import Role, UserSession
from inaproc.bids.models import BidState, BidVersion, SealedFile, SlotRule, TenderKey
from inaproc.bids.slots import DEFAULT_EXTENSIONS, DEFAULT_MAX_FILE_MB, Slot, slots_for
from inaproc.bids.upload_capability import UploadCapability
from inaproc.portals.models import Portal
from inaproc.tenders import stages
from inaproc.tenders.models import Package, PackageState, Participation
from inaproc.tenders.models.packages import PUBLIC_STATES
from inaproc.tenders.selectors.participation import ACTING_ROLES, package_with_stages, stage_of
from inaproc.vendors.models import Company, CompanyMember, RegistrationStatus

MIB = 1 << 20


def upload_open(package: Package, *, now: datetime) -> bool:
    """Bids are received during Upload Dokumen Penawaran of a published tender, by the
    server clock; the end is the deadline (a bid committed at the deadline is late)."""
    stage = stage_of(package, stages.BID_UPLOAD)
    return (
        package.state == PackageState.PUBLISHED
        and stage is not None
        and stage.starts_at <= now < stage.ends_at
    )


def max_sealed_bytes(max_file_mb: int) -> int:
    """The largest sealed file: the plain limit plus the format's overhead (a header of
    at most 64 KiB and a 16-byte tag per record of 1 MiB)."""
    return max_file_mb * MIB + 16 * (max_file_mb + 1) + 65_536 + 12


@dataclass(frozen=True)
class SlotView:
    slot: Slot
    max_file_mb: int
    extensions: tuple[str, ...]
    files: list[SealedFile]

    @property
    def max_sealed_bytes(self) -> int:
        return max_sealed_bytes(self.max_file_mb)

    @property
    def full(self) -> bool:
        return len(self.files) >= self.slot.max_files


def slot_rules(package: Package) -> dict[str, tuple[int, tuple[str, ...]]]:
    rules = {
        rule.slot: (rule.max_file_mb, tuple(filter(None, rule.extensions.split(","))))
        for rule in SlotRule.objects.filter(package=package)
    }
    return {
        slot.code: rules.get(
            slot.code,
            (DEFAULT_MAX_FILE_MB, ("json",) if slot.is_letter else DEFAULT_EXTENSIONS),
        )
        for slot in slots_for(package)
    }


def participation_for_upload(
    *, portal: Portal, company: Company, code: int
) -> Participation | None:
    """The company's participation in public tender `code`, with the package and its stages
    in two queries: the resumable-upload requests of a deadline need no more."""
    participation = (
        Participation.objects.select_related("package__portal", "company")
        .filter(
            package__portal=portal,
            package__code=code,
            package__state__in=PUBLIC_STATES,
            company=company,
        )
        .first()
    )
    if participation is not None:
        package_with_stages(participation.package, list(participation.package.stages.all()))
    return participation


def participation_for_capability(
    *, portal: Portal, capability: UploadCapability
) -> Participation | None:
    """The participation an upload capability names, with its package and stages, if it
    still holds: the tender public, the user an active vendor account still acting for
    the company (admin or bid preparer, not suspended), the company approved and the
    session record the capability was issued in not ended. Two queries, the session and
    the user never loaded: what each resumable-upload request of a deadline costs. The
    caller checks the upload stage (`upload_open`) by the server clock."""
    acting = CompanyMember.objects.filter(
        company=OuterRef("company"),
        user_id=capability.user_id,
        role__in=ACTING_ROLES,
        suspended_at__isnull=True,
        user__is_active=True,
        user__role=Role.VENDOR,
        user__portal=portal,
    )
    session_open = UserSession.objects.filter(
        pk=capability.user_session_id, user_id=capability.user_id, ended_at__isnull=True
    )
    participation = (
        Participation.objects.select_related("package", "company")
        .filter(
            pk=capability.participation_id,
            package__portal=portal,
            package__code=capability.code,
            package__state__in=PUBLIC_STATES,
            company__registration__status=RegistrationStatus.APPROVED,
        )
        .filter(Exists(acting), Exists(session_open))
        .first()
    )
    if participation is not None:
        participation.package.portal = portal
        package_with_stages(participation.package, list(participation.package.stages.all()))
    return participation


def draft_files(participation: Participation) -> QuerySet[SealedFile]:
    return SealedFile.objects.filter(participation=participation, in_draft=True)


def slot_views(participation: Participation, package: Package) -> list[SlotView]:
    rules = slot_rules(package)
    files = list(draft_files(participation))
    return [
        SlotView(
            slot=slot,
            max_file_mb=rules[slot.code][0],
            extensions=rules[slot.code][1],
            files=[file for file in files if file.slot == slot.code],
        )
        for slot in slots_for(package)
    ]


def current_bid(participation: Participation) -> BidVersion | None:
    return BidVersion.objects.filter(participation=participation, state=BidState.SUBMITTED).first()


def bid_versions(participation: Participation) -> QuerySet[BidVersion]:
    return BidVersion.objects.filter(participation=participation).order_by("-number")


def key_of_envelope(package: Package, envelope: int) -> TenderKey | None:
    return TenderKey.objects.filter(package=package, envelope=envelope).first()


def draft_matches_current(participation: Participation) -> bool:
    current = current_bid(participation)
    if current is None:
        return False
    in_version = set(current.files.values_list("pk", flat=True))
    return in_version == set(draft_files(participation).values_list("pk", flat=True))
