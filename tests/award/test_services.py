"""The award services: the award letter only by the package's PPK, only with an announced
winner and after the objection period and any appeal, once, with a number unique in the
portal; a readable PDF naming the winner and price, emailed to the winner; the contract
only after the letter, its value above the HPS or the pagu only with a justification;
both audited and logged, the contract an OCDS release."""

import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pypdf
import pytest
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.award.models import AwardLetter, Contract
from inaproc.award.services import AwardRefused, award_letter_issue, contract_record
from inaproc.files.storage import document_open
from inaproc.notifications.models import Email
from inaproc.objections.models import Appeal
from inaproc.objections.services.appeals import appeal_file
from inaproc.objections.services.objections import objection_answer, objection_file
from inaproc.opendata.models import Release
from inaproc.opendata.validation import release_errors
from inaproc.translog.models import LogEntry
from tests.award.factories import announced_tender, contract_input, issue_letter
from tests.evaluation.factories import opened_tender
from tests.factories import make_user
from tests.objections.factories import objection_window

pytestmark = pytest.mark.django_db


def _pdf_text(letter) -> str:
    with document_open(name=letter.stored_name) as file:
        reader = pypdf.PdfReader(io.BytesIO(file.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_ppk_issues_the_letter_a_valid_pdf_emailed_audited_logged(portal_a):
    """The letter names the winner at its corrected price; the PDF reads with pypdf and
    holds the number; the winning company is emailed; audit and log rows written."""
    package, _members, (winner_member, winner), _loser = announced_tender(portal_a)

    letter = issue_letter(package)

    assert letter.winner == winner
    assert letter.price == Decimal("870000000")
    text = _pdf_text(letter)
    assert "001/SPPBJ/DPU/XII/2026" in text
    assert winner.company.name in text
    assert "Rp 870.000.000,00" in text
    assert letter.content_type == "application/pdf" and letter.size > 1000
    emails = Email.objects.filter(template="award/email/letter_issued")
    assert winner_member.user.email in {email.to for email in emails}
    assert AuditEvent.objects.filter(verb="tender.award_letter_issued").count() == 1
    assert LogEntry.objects.filter(kind="tender.award_letter_issued").count() == 1


def test_no_letter_before_the_objection_period_ends(portal_a):
    """Masa Sanggah still running: refused with the reason, nothing saved or sent."""
    package, *_ = announced_tender(portal_a, sanggah_over=False)
    with pytest.raises(AwardRefused, match="Masa Sanggah"):
        issue_letter(package)
    assert not AwardLetter.objects.exists()
    assert not Email.objects.filter(template="award/email/letter_issued").exists()


def test_no_letter_while_an_appeal_is_open(portal_a, settings):
    """A construction tender whose rejected objection was appealed: refused until the
    budget holder decides."""
    settings.TENDER_REEVALUATION_HOOKS = []
    package, members, _winner, (loser_member, loser) = announced_tender(
        portal_a, sanggah_over=False
    )
    objection = objection_file(
        participation=loser, member=loser_member, reasons="Keberatan.", uploads=[]
    )
    objection_answer(objection=objection, user=members[0], decision="rejected", answer="Tidak.")
    objection.refresh_from_db()
    appeal_file(objection=objection, member=loser_member, reasons="Banding.")
    now = timezone.now()
    objection_window(package, starts=now - timedelta(days=3), ends=now - timedelta(hours=1))
    assert Appeal.objects.exists()
    with pytest.raises(AwardRefused, match="appeal"):
        issue_letter(package)
    assert not AwardLetter.objects.exists()


def test_no_letter_without_an_announced_winner(portal_a):
    """Opened and evaluated is not enough: the winner must be announced."""
    package, _members, _bidders = opened_tender(portal_a)
    with pytest.raises(AwardRefused, match="No winner"):
        award_letter_issue(
            package=package, user=package.ppk, number="1/SPPBJ/2026", letter_date=date(2026, 12, 7)
        )


def test_only_the_packages_ppk_issues_the_letter(portal_a):
    """Another PPK of the portal, a Pokja member: refused."""
    package, members, *_ = announced_tender(portal_a)
    other_ppk = make_user(portal_a, role=Role.PPK)
    for user in (other_ppk, members[0]):
        with pytest.raises(AwardRefused, match="PPK"):
            award_letter_issue(
                package=package, user=user, number="1/SPPBJ/2026", letter_date=date(2026, 12, 7)
            )
    assert not AwardLetter.objects.exists()


def test_the_letter_is_issued_once_and_its_number_is_unique_in_the_portal(portal_a):
    """A second letter of the tender is refused; another tender may not reuse the number."""
    package, *_ = announced_tender(portal_a)
    issue_letter(package)
    with pytest.raises(AwardRefused, match="already issued"):
        issue_letter(package, number="002/SPPBJ/2026")
    other, *_ = announced_tender(portal_a)
    with pytest.raises(AwardRefused, match="already has an award letter"):
        issue_letter(other)
    assert AwardLetter.objects.count() == 1


@pytest.mark.parametrize("number", ["", "   ", "SPPBJ/DPU", "<script>1</script>", "x" * 101])
def test_a_malformed_letter_number_is_refused(portal_a, number):
    package, *_ = announced_tender(portal_a)
    with pytest.raises(AwardRefused):
        issue_letter(package, number=number)
    assert not AwardLetter.objects.exists()


def test_no_contract_before_the_award_letter(portal_a):
    package, *_ = announced_tender(portal_a)
    with pytest.raises(AwardRefused, match="award letter"):
        contract_record(package=package, user=package.ppk, data=contract_input())
    assert not Contract.objects.exists()


def test_the_contract_is_recorded_audited_logged_and_an_ocds_contract_release(portal_a):
    """Within the HPS: recorded with its end date from the duration; audit, log and a
    valid OCDS release tagged contract."""
    package, *_ = announced_tender(portal_a)
    issue_letter(package)

    contract = contract_record(package=package, user=package.ppk, data=contract_input())

    assert contract.ends_on == date(2026, 12, 11) + timedelta(days=89)
    assert contract.justification == ""
    assert AuditEvent.objects.filter(verb="tender.contract_signed").count() == 1
    assert LogEntry.objects.filter(kind="tender.contract_signed").count() == 1
    release = Release.objects.filter(package=package, tag="contract").get()
    body = json.loads(release.body)
    assert release_errors(body) == []
    assert body["contracts"][0]["value"] == {"amount": 870000000, "currency": "IDR"}
    assert body["contracts"][0]["awardID"] == body["awards"][0]["id"]


def test_a_value_above_the_hps_or_pagu_needs_a_justification(portal_a):
    """Above the HPS (950 million) without a justification: refused, nothing saved;
    with one: recorded and kept."""
    package, *_ = announced_tender(portal_a)
    issue_letter(package)
    above = Decimal("960000000")
    with pytest.raises(AwardRefused, match="HPS"):
        contract_record(package=package, user=package.ppk, data=contract_input(value=above))
    above_pagu = Decimal("1100000000")
    with pytest.raises(AwardRefused, match="HPS and the pagu"):
        contract_record(package=package, user=package.ppk, data=contract_input(value=above_pagu))
    assert not Contract.objects.exists()

    contract = contract_record(
        package=package,
        user=package.ppk,
        data=contract_input(value=above, justification="Eskalasi harga baja."),
    )
    assert contract.justification == "Eskalasi harga baja."
    assert AuditEvent.objects.get(verb="tender.contract_signed").reason == "Eskalasi harga baja."


def test_the_contract_period_needs_an_end_or_days_that_agree(portal_a):
    package, *_ = announced_tender(portal_a)
    issue_letter(package)
    for changes in (
        {"duration_days": None},
        {"duration_days": 0},
        {"ends_on": date(2026, 12, 1), "duration_days": None},
        {"ends_on": date(2026, 12, 20), "duration_days": 90},
    ):
        with pytest.raises(AwardRefused):
            contract_record(package=package, user=package.ppk, data=contract_input(**changes))
    contract = contract_record(
        package=package,
        user=package.ppk,
        data=contract_input(ends_on=date(2026, 12, 20), duration_days=None),
    )
    assert contract.duration_days == 10


def test_the_contract_is_recorded_once_by_the_ppk_only(portal_a):
    package, members, *_ = announced_tender(portal_a)
    issue_letter(package)
    with pytest.raises(AwardRefused, match="PPK"):
        contract_record(package=package, user=members[0], data=contract_input())
    contract_record(package=package, user=package.ppk, data=contract_input())
    with pytest.raises(AwardRefused, match="already recorded"):
        contract_record(package=package, user=package.ppk, data=contract_input(number="K-2"))
    assert Contract.objects.count() == 1


def test_the_winner_announcement_is_an_ocds_award_release(portal_a):
    """ADR 0013: the winner announcement appends a valid release tagged award, the
    winner a supplier party by NPWP, the value the corrected price."""
    package, _members, (_winner_member, winner), _loser = announced_tender(portal_a)
    release = Release.objects.filter(package=package, tag="award").get()
    body = json.loads(release.body)
    assert release_errors(body) == []
    (award,) = body["awards"]
    assert award["value"] == {"amount": 870000000, "currency": "IDR"}
    supplier = next(party for party in body["parties"] if "supplier" in party["roles"])
    assert supplier["identifier"]["id"] == winner.company.npwp
    assert award["suppliers"][0]["id"] == supplier["id"]


def test_a_reopened_evaluation_cancels_the_withdrawn_award_in_open_data(portal_a):
    """An upheld objection reopens the evaluation: a tenderUpdate release whose award is
    cancelled, and the compiled record no longer shows it active."""
    from inaproc.evaluation.services import evaluation_reopen
    from inaproc.opendata.models import Record

    package, members, *_ = announced_tender(portal_a)
    evaluation_reopen(package, actor=members[0], reason="Sanggah diterima.")

    release = Release.objects.filter(package=package).order_by("-seq").first()
    body = json.loads(release.body)
    assert release.tag == "tenderUpdate" and release_errors(body) == []
    assert [award["status"] for award in body["awards"]] == ["cancelled"]
    compiled = json.loads(Record.objects.get(package=package).compiled)
    assert [award["status"] for award in compiled["awards"]] == ["cancelled"]
