"""Public tender events reach the portal's transparency log in the transaction of the
change: publication, schedule change, addendum, cancellation (one entry each), and a
refused change appends nothing."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from inaproc.tenders.models import ScheduleStage, TenderDocumentKind
from inaproc.tenders.services.documents import tender_document_add
from inaproc.tenders.services.publication import (
    PublicationRefused,
    publication_approve,
    tender_cancel,
)
from inaproc.tenders.services.schedule import schedule_change
from inaproc.tenders.stages import BID_UPLOAD
from inaproc.translog.models import LogEntry
from inaproc.translog.services import utc_iso
from tests.tenders.participation_factories import make_package, make_pokja, published_tender
from tests.tenders.test_documents import checked_pdf
from tests.tenders.test_schedule import NOW, OPENING, published_on_upload, runner_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path) -> Path:
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    return settings.DOCUMENT_ROOT


def bodies(portal) -> list[dict]:
    return [json.loads(e.body) for e in LogEntry.objects.filter(portal=portal).order_by("index")]


def test_publishing_a_tender_appends_one_entry(portal_a):
    """The quorum's last approval publishes the tender and logs it once, with its code,
    name, schedule and the documents' hashes; the earlier approval logs nothing."""
    pokja, members = make_pokja(portal_a)
    package = make_package(portal_a, pokja=pokja)

    publication_approve(package=package, user=members[0])
    assert bodies(portal_a) == []
    publication_approve(package=package, user=members[1])

    [body] = bodies(portal_a)
    package.refresh_from_db()
    assert body["kind"] == "tender.published"
    assert body["tender"] == str(package.code) and body["name"] == package.name
    assert len(body["schedule"]) == ScheduleStage.objects.filter(package=package).count()
    assert body["documents"][0]["sha256"] == package.documents.get().sha256


def test_cancelling_appends_the_reason_and_a_refusal_appends_nothing(portal_a):
    """A cancellation is logged with its reason; a refused one (no reason) is not."""
    package = published_tender(portal_a)
    runner = package.pokja.members.first().user

    with pytest.raises(PublicationRefused):
        tender_cancel(package=package, user=runner, reason=" ")
    assert bodies(portal_a) == []
    tender_cancel(package=package, user=runner, reason="Anggaran dialihkan")

    [body] = bodies(portal_a)
    assert body["kind"] == "tender.cancelled" and body["reason"] == "Anggaran dialihkan"


def test_a_schedule_change_is_logged_with_old_and_new_times(portal_a):
    """A changed bid deadline is logged with the previous and the new times."""
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

    [body] = bodies(portal_a)
    assert body["kind"] == "tender.schedule_changed" and body["reason"] == "Perpanjangan."
    change = next(c for c in body["changes"] if c["stage"] == BID_UPLOAD)
    assert change["previous"][1] == utc_iso(times[BID_UPLOAD][1])
    assert change["new"][1] == utc_iso(times[BID_UPLOAD][1] + day)


def test_an_addendum_is_logged_with_its_hash(portal_a):
    """An addendum during the clarification is logged with its version and SHA-256."""
    package = published_tender(portal_a)

    document = tender_document_add(
        package=package,
        kind=TenderDocumentKind.ADDENDUM,
        upload=checked_pdf("adendum.pdf"),
        note="Spesifikasi diubah.",
        by=package.pokja.members.first().user,
    )

    [body] = bodies(portal_a)
    assert body["kind"] == "tender.addendum" and body["note"] == "Spesifikasi diubah."
    assert body["document"]["sha256"] == document.sha256
