"""The objection and evaluation apps together, through the real hook
(settings.TENDER_REEVALUATION_HOOKS = evaluation_reopen): an objection upheld with
"evaluate again" withdraws the announced winner (kept in history with the reason), so
nothing can be awarded until the Pokja decides and announces again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inaproc.evaluation.models import Announcement
from inaproc.evaluation.selectors import announced_result
from inaproc.evaluation.services import proof_invite, proof_record, winner_announce
from inaproc.objections.models import Decision, Outcome
from inaproc.objections.services.objections import objection_answer, objection_file
from inaproc.tenders.models import Package, PackageState
from inaproc.vendors.models import CompanyMember
from tests.evaluation.test_services import _decide, evaluated
from tests.objections.factories import objection_window

pytestmark = pytest.mark.django_db


def announced(portal):
    package, members, (first, second, third) = evaluated(portal)
    _decide(package, members, first, [third])
    proof_invite(
        package=package,
        user=members[0],
        participation=first,
        meeting_at=timezone.now() + timedelta(days=1),
        place="Ruang Pokja",
    )
    proof_record(package=package, user=members[0], participation=first, passed=True)
    winner_announce(package=package, user=members[0])
    return package, members, (first, second, third)


def test_an_objection_upheld_for_a_new_evaluation_withdraws_the_winner(portal_a, english):
    package, members, (first, second, _third) = announced(portal_a)
    assert announced_result(package).winner == first
    now = timezone.now()
    objection_window(package, starts=now - timedelta(hours=1), ends=now + timedelta(days=2))
    package = Package.objects.get(pk=package.pk)
    loser = CompanyMember.objects.get(company=second.company)
    objection = objection_file(
        participation=second, member=loser, reasons="Administrasi kami lengkap.", uploads=[]
    )

    objection_answer(
        objection=objection,
        user=members[0],
        decision=Decision.ACCEPTED,
        answer="Dokumen administrasi memang lengkap; evaluasi diulang.",
        outcome=Outcome.REEVALUATE,
    )

    assert announced_result(package) is None
    withdrawn = Announcement.objects.get()
    assert withdrawn.withdrawn_at is not None
    assert "evaluasi diulang" in withdrawn.withdraw_reason
    assert Package.objects.get(pk=package.pk).state == PackageState.PUBLISHED
