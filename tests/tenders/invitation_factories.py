"""Non-tender packages (Pengadaan Langsung) run by a Pejabat Pengadaan, for the
invitation, opening and negotiation tests."""

from datetime import timedelta

from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.tenders.models import Invitation, Package, PackageState
from tests.factories import make_user
from tests.tenders.participation_factories import make_package, make_schedule


def non_tender_package(
    portal, *, state: str = PackageState.PUBLISHED, tender_keys: bool = False, **schedule_options
):
    """(package, its Pejabat Pengadaan): a Pengadaan Langsung with the template's
    schedule (by default the clarification running now and bids due in two days), with
    the tender key of sealed bids (k = 1, the official's opening key) when `tender_keys`."""
    now = timezone.now()
    official = make_user(portal, role=Role.PEJABAT_PENGADAAN)
    package = make_package(
        portal, pejabat_pengadaan=official, state=state, schedule=False, tender_keys=tender_keys
    )
    Package.objects.filter(pk=package.pk).update(
        selection_method="pengadaan_langsung",
        schedule_template="pengadaan_langsung",
        procurement_type="barang",
    )
    package.refresh_from_db()
    schedule_options.setdefault("start", now - timedelta(hours=2))
    schedule_options.setdefault(
        "clarification", (now - timedelta(hours=1), now + timedelta(days=1))
    )
    schedule_options.setdefault("bid_deadline", now + timedelta(days=2))
    make_schedule(package, **schedule_options)
    return package, official


def invite(package, company) -> Invitation:
    return Invitation.objects.create(
        package=package, company=company, invited_by=package.pejabat_pengadaan
    )
