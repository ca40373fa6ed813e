"""Once the PPK has issued the award letter (SPPBJ) the tender is settled: the Pokja can
neither declare it failed (the quorum's approval, or a failure decided elsewhere) nor
cancel it, through the services or the pages; nothing is saved and nobody is emailed."""

import pytest

from inaproc.notifications.models import Email
from inaproc.tenders.models import FailureApproval, FailureReason, Package, PackageState
from inaproc.tenders.services.failure import (
    FailureRefused,
    tender_fail,
    tender_failure_approve,
)
from inaproc.tenders.services.publication import PublicationRefused, tender_cancel
from tests.award.factories import announced_tender, issue_letter
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded(portal_a):
    package, members, _winner, _loser = announced_tender(portal_a)
    issue_letter(package)
    return package, members


def _unchanged(package: Package) -> None:
    package.refresh_from_db()
    assert package.state == PackageState.PUBLISHED
    assert not FailureApproval.objects.filter(package=package).exists()


def test_a_pokja_member_cannot_propose_the_failure_after_the_award_letter(awarded):
    """The first approval of a failure is refused with the reason."""
    package, members = awarded
    with pytest.raises(FailureRefused, match="award letter"):
        tender_failure_approve(
            package=package, user=members[0], reason=FailureReason.BUDGET_WITHDRAWN
        )
    _unchanged(package)


def test_a_failure_decided_elsewhere_is_refused_after_the_award_letter(awarded):
    """An upheld objection or appeal fails a tender through tender_fail: not once the
    letter is out."""
    package, _members = awarded
    emails = Email.objects.count()
    with pytest.raises(FailureRefused, match="award letter"):
        tender_fail(package=package, reason=FailureReason.OBJECTION_UPHELD, note="", actor=None)
    _unchanged(package)
    assert Email.objects.count() == emails


def test_the_tender_cannot_be_cancelled_after_the_award_letter(awarded):
    """Cancelling is refused with the reason; the participants are not emailed."""
    package, members = awarded
    emails = Email.objects.count()
    with pytest.raises(PublicationRefused, match="award letter"):
        tender_cancel(package=package, user=members[0], reason="Anggaran dipotong.")
    _unchanged(package)
    assert Email.objects.count() == emails


def test_the_pages_show_the_refusal_and_change_nothing(awarded):
    """The failure and cancel forms answer with a redirect and the message, never a 500."""
    package, members = awarded
    client = signed_in(members[0], english=True)
    base = f"/{package.portal.slug}/staf/paket/{package.pk}/"
    for url, data in (
        (f"{base}gagal/", {"reason": "budget_withdrawn", "note": ""}),
        (f"{base}batalkan/", {"reason": "Anggaran dipotong."}),
    ):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        assert "The award letter (SPPBJ) has been issued" in response.content.decode()
    _unchanged(package)
