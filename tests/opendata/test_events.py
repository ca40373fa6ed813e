"""Every public event of a tender writes one OCDS release in the transaction of the event
(docs/decisions/0013): publication, schedule change, addendum, cancellation, opening;
drafts, unpublished packages and refused changes write none. Each release validates
against the OCDS 1.1.5 schema and its closed codelists."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from inaproc.bids.models import TenderKey
from inaproc.bids.services.bids import bid_submit
from inaproc.bids.services.opening import envelope_open, opening_share_submit
from inaproc.opendata.mapping import ocid_for
from inaproc.opendata.models import Record, Release
from inaproc.tenders.models import PackageState, Participation, TenderDocumentKind
from inaproc.tenders.services.documents import tender_document_add
from inaproc.tenders.services.publication import (
    PublicationRefused,
    publication_approve,
    tender_cancel,
)
from inaproc.tenders.services.schedule import schedule_change
from inaproc.tenders.stages import BID_UPLOAD
from tests.bids.factories import after_deadline, fill_draft, my_share
from tests.opendata.helpers import assert_valid_release, compiled_of, releases_of
from tests.tenders.participation_factories import (
    make_package,
    make_pokja,
    make_vendor,
    published_tender,
)
from tests.tenders.test_documents import checked_pdf
from tests.tenders.test_schedule import NOW, OPENING, published_on_upload, runner_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path / "documents"


def _publish(portal):
    pokja, members = make_pokja(portal)
    package = make_package(portal, pokja=pokja)
    publication_approve(package=package, user=members[0])
    assert Release.objects.count() == 0  # one approval publishes nothing
    publication_approve(package=package, user=members[1])
    package.refresh_from_db()
    return package


def test_publication_writes_a_planning_and_tender_release(portal_a, settings):
    """The quorum's last approval writes one release tagged planning + tender: the ocid
    from the deployment's prefix, portal and code, HPS and pagu in IDR, the SPSE method
    mapped and kept in the details, buyer and procuring entity as parties."""
    settings.OCDS_OCID_PREFIX = "ocds-abc123"
    package = _publish(portal_a)

    [release] = releases_of(package)
    assert_valid_release(release)
    assert release["ocid"] == f"ocds-abc123-{portal_a.slug}-{package.code}"
    assert release["tag"] == ["planning", "tender"]
    tender = release["tender"]
    assert tender["status"] == "active" and tender["id"] == str(package.code)
    assert tender["value"] == {"amount": int(package.hps), "currency": "IDR"}
    assert release["planning"]["budget"]["amount"] == {
        "amount": int(package.pagu),
        "currency": "IDR",
    }
    assert release["planning"]["budget"]["projectID"] == package.rup_code
    assert tender["procurementMethod"] == "open"
    assert tender["procurementMethodDetails"].startswith("Tender · Pascakualifikasi")
    assert tender["tenderPeriod"]["endDate"]
    roles = {party["roles"][0]: party for party in release["parties"]}
    assert set(roles) == {"buyer", "procuringEntity"}
    assert release["buyer"]["id"] == roles["buyer"]["id"]
    assert Record.objects.get(package=package).first_seq == Release.objects.get().seq


def test_drafts_and_assigned_packages_write_nothing(portal_a):
    """A draft or a package still with its Pokja has no release and no record."""
    make_package(portal_a, state=PackageState.DRAFT, tender_keys=False)
    make_package(portal_a, pokja=make_pokja(portal_a)[0])
    call_command("ocds_backfill", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Release.objects.count() == 0 and Record.objects.count() == 0


def test_a_schedule_change_writes_a_tender_update_with_its_amendment(portal_a):
    """A changed deadline writes a tenderUpdate whose tender period is the new one and
    whose amendment gives the reason; a refused change writes nothing."""
    day = timedelta(days=1)
    with time_machine.travel(NOW, tick=False):
        package, times = published_on_upload(portal_a)
        schedule_change(
            package=package,
            times={
                BID_UPLOAD: (times[BID_UPLOAD][0], times[BID_UPLOAD][1] + day),
                OPENING: (times[OPENING][0] + day, times[OPENING][1] + day),
            },
            reason="Perpanjangan.",
            by=runner_of(package),
            context=None,
        )
        before = Release.objects.count()
        with pytest.raises(Exception):  # noqa: B017 - any refusal
            schedule_change(
                package=package, times={}, reason="", by=runner_of(package), context=None
            )
    assert Release.objects.count() == before
    first, update = releases_of(package)  # the backfilled tender release, then the update
    assert first["tag"] == ["planning", "tender"]
    assert update["tag"] == ["tenderUpdate"]
    assert_valid_release(update)
    [amendment] = update["tender"]["amendments"]
    assert amendment["rationale"] == "Perpanjangan."
    new_end = (times[BID_UPLOAD][1] + day).astimezone(tz=None)
    assert update["tender"]["tenderPeriod"]["endDate"].startswith(
        new_end.astimezone(tz=__import__("datetime").UTC).strftime("%Y-%m-%dT%H:%M")
    )


def test_an_addendum_adds_a_document_without_a_file_address(portal_a):
    """An addendum writes a tenderUpdate listing it as the public page does (title,
    date, note) with no file URL: the files are for participants only."""
    package = published_tender(portal_a)
    tender_document_add(
        package=package,
        kind=TenderDocumentKind.ADDENDUM,
        upload=checked_pdf("adendum.pdf"),
        note="Spesifikasi diubah.",
        by=package.pokja.members.first().user,
    )
    update = releases_of(package)[-1]
    assert_valid_release(update)
    addendum = update["tender"]["documents"][-1]
    assert addendum["title"].startswith("Adendum Dokumen Pemilihan")
    assert addendum["description"] == "Spesifikasi diubah." and "url" not in addendum
    notice = update["tender"]["documents"][0]
    assert notice["documentType"] == "tenderNotice" and notice["url"].endswith(
        f"/tender/{package.code}/"
    )


def test_cancellation_writes_a_tender_cancellation(portal_a):
    """A cancelled tender's last release is tagged tenderCancellation, status cancelled,
    with the reason as the amendment's rationale; the compiled record says cancelled."""
    package = published_tender(portal_a)
    with pytest.raises(PublicationRefused):
        tender_cancel(package=package, user=runner_of(package), reason=" ")
    assert Release.objects.count() == 0
    tender_cancel(package=package, user=runner_of(package), reason="Anggaran dialihkan")

    cancellation = releases_of(package)[-1]
    assert_valid_release(cancellation)
    assert cancellation["tag"] == ["tenderCancellation"]
    assert cancellation["tender"]["status"] == "cancelled"
    assert cancellation["tender"]["amendments"][0]["rationale"] == "Anggaran dialihkan"
    assert compiled_of(package)["tender"]["status"] == "cancelled"


def test_an_event_rolled_back_leaves_no_release_and_no_gap(portal_a):
    """A release written in a transaction that rolls back is gone with it, and the next
    release takes the same number: the sequence has no gap."""
    package = published_tender(portal_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        tender_cancel(package=package, user=runner_of(package), reason="Dibatalkan")
        raise RuntimeError
    assert Release.objects.count() == 0
    tender_cancel(package=package, user=runner_of(package), reason="Dibatalkan")
    assert list(Release.objects.values_list("seq", flat=True)) == [1, 2]


def test_the_opening_names_the_tenderers_with_their_npwp(portal_a, settings):
    """After the opening, a tenderUpdate lists the firms whose bids were opened as
    tenderers and as parties with the NPWP scheme; before it, no firm is named."""
    settings.OCDS_NPWP_SCHEME = "ID-NPWP"
    now = timezone.now()
    package = published_tender(
        portal_a, clarification=(now - timedelta(hours=1), now - timedelta(minutes=30))
    )
    member = make_vendor(portal_a)
    participation = Participation.objects.create(
        package=package,
        company=member.company,
        joined_by=member.user,
        integrity_pact_agreed_at=package.published_at,
    )
    fill_draft(participation, member.user, price=912_345_678)
    bid_submit(participation=participation, user=member.user)
    assert Release.objects.count() == 0  # a bid is not a public event of the tender
    key = TenderKey.objects.get(package=package)
    when = after_deadline(package)
    for official in [m.user for m in package.pokja.members.order_by("pk")][:2]:
        opening_share_submit(key=key, member=official, share=my_share(key, official), now=when)
    envelope_open(key=key)

    first, opened = releases_of(package)
    assert "tenderers" not in first["tender"]
    assert member.company.name not in str(first)
    assert_valid_release(opened)
    assert opened["tag"] == ["tenderUpdate"]
    npwp = member.company.npwp
    assert opened["tender"]["tenderers"] == [{"id": f"ID-NPWP-{npwp}", "name": member.company.name}]
    tenderer = next(p for p in opened["parties"] if p["roles"] == ["tenderer"])
    assert tenderer["identifier"] == {
        "scheme": "ID-NPWP",
        "id": npwp,
        "legalName": member.company.name,
    }
    assert opened["tender"]["numberOfTenderers"] == 1
    assert "912345678" not in str(opened)  # no bid prices: the bids extension is not used
    assert ocid_for(portal_a, package.code) == opened["ocid"]


def test_a_failed_tender_writes_a_tender_update_with_status_unsuccessful(portal_a):
    """Tender gagal: a tenderUpdate whose tender status is unsuccessful, the explanation
    as the amendment's rationale; the compiled record says unsuccessful."""
    from inaproc.tenders.models import FailureReason
    from inaproc.tenders.services.failure import tender_fail

    package = published_tender(portal_a)
    tender_fail(
        package=package, reason=FailureReason.FEW_BIDS, note="Hanya satu penawaran.", actor=None
    )

    failure = releases_of(package)[-1]
    assert_valid_release(failure)
    assert failure["tag"] == ["tenderUpdate"]
    assert failure["tender"]["status"] == "unsuccessful"
    assert failure["tender"]["amendments"][0]["rationale"] == "Hanya satu penawaran."
    assert compiled_of(package)["tender"]["status"] == "unsuccessful"


def test_the_backfill_of_a_failed_tender_ends_with_its_failure(portal_a, settings):
    """A tender that failed before open data was switched on: its tender release as
    published, then the failure (status unsuccessful)."""
    from inaproc.opendata.services import release_backfill
    from inaproc.tenders.models import FailureReason
    from inaproc.tenders.services.failure import tender_fail

    settings.TRANSLOG_ENTRY_HOOKS = []  # open data off
    package = published_tender(portal_a)
    tender_fail(package=package, reason=FailureReason.NONE_PASSED, note="", actor=None)
    assert Release.objects.count() == 0

    written = release_backfill(package=package)

    assert len(written) == 2
    failure = releases_of(package)[-1]
    assert_valid_release(failure)
    assert failure["tender"]["status"] == "unsuccessful"
    assert failure["tender"]["amendments"][0]["rationale"] == FailureReason.NONE_PASSED
