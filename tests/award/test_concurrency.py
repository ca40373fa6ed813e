"""Two requests of the PPK at the same moment, on PostgreSQL: the package row is locked,
so one award letter is issued (the other refused, its PDF not kept) and one contract is
recorded."""

from inaproc.audit.models import AuditEvent
from inaproc.award.models import AwardLetter, Contract
from inaproc.award.services import AwardRefused, contract_record
from inaproc.translog.models import LogEntry
from tests import helpers
from tests.award.factories import announced_tender, contract_input, issue_letter
from tests.factories import make_portal
from tests.helpers import POSTGRESQL_CONCURRENT

pytestmark = POSTGRESQL_CONCURRENT


def test_two_letter_requests_at_once_issue_one_letter():
    package, *_ = announced_tender(make_portal("lpse-konkuren-sppbj"))

    results = helpers.all_at_once(
        [
            lambda: issue_letter(package, "1/SPPBJ/2026"),
            lambda: issue_letter(package, "2/SPPBJ/2026"),
        ],
        refusals=(AwardRefused,),
    )

    assert sum(isinstance(result, AwardRefused) for result in results) == 1
    assert AwardLetter.objects.filter(package=package).count() == 1
    assert AuditEvent.objects.filter(verb="tender.award_letter_issued").count() == 1
    assert LogEntry.objects.filter(kind="tender.award_letter_issued").count() == 1


def test_two_contract_requests_at_once_record_one_contract():
    package, *_ = announced_tender(make_portal("lpse-konkuren-kontrak"))
    issue_letter(package)

    results = helpers.all_at_once(
        [
            lambda: contract_record(
                package=package, user=package.ppk, data=contract_input(number="K-1")
            ),
            lambda: contract_record(
                package=package, user=package.ppk, data=contract_input(number="K-2")
            ),
        ],
        refusals=(AwardRefused,),
    )

    assert sum(isinstance(result, AwardRefused) for result in results) == 1
    assert Contract.objects.filter(package=package).count() == 1
    assert LogEntry.objects.filter(kind="tender.contract_signed").count() == 1
