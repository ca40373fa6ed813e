"""Answers and approvals arriving at the same moment, on PostgreSQL: the package and the
objection rows are locked, so two Pokja members answering one objection at once leave one
answer, and two members giving the approval that reaches the quorum fail the tender once
(the later one is refused: the tender has already failed)."""

from inaproc.audit.models import AuditEvent
from inaproc.objections.models import Objection
from inaproc.objections.services.objections import (
    ObjectionRefused,
    objection_answer,
    objection_file,
)
from inaproc.tenders.models import FailureReason, Package, PackageState
from inaproc.tenders.services.failure import FailureRefused, tender_failure_approve
from inaproc.translog.models import LogEntry
from tests import helpers
from tests.factories import make_portal
from tests.helpers import POSTGRESQL_CONCURRENT
from tests.objections.factories import make_bidder, objection_tender, runners

pytestmark = POSTGRESQL_CONCURRENT


def test_two_members_answering_one_objection_at_once_leave_one_answer():
    portal = make_portal("lpse-konkuren-sanggah")
    package = objection_tender(portal)
    member, participation = make_bidder(package)
    objection = objection_file(participation=participation, member=member, reasons="x", uploads=[])
    first, second = runners(package)[:2]

    results = helpers.all_at_once(
        [
            lambda: objection_answer(
                objection=objection, user=first, decision="rejected", answer="Satu."
            ),
            lambda: objection_answer(
                objection=objection, user=second, decision="rejected", answer="Dua."
            ),
        ],
        refusals=(ObjectionRefused,),
    )

    assert sum(isinstance(r, ObjectionRefused) for r in results) == 1
    answered = Objection.objects.get(pk=objection.pk)
    assert answered.answer in ("Satu.", "Dua.")
    assert AuditEvent.objects.filter(verb="tender.objection_answered").count() == 1
    assert LogEntry.objects.filter(kind="tender.objection_answered").count() == 1


def test_the_last_two_failure_approvals_at_once_fail_the_tender_once():
    portal = make_portal("lpse-konkuren-gagal")
    package = objection_tender(portal, pokja_size=5)
    members = runners(package)
    tender_failure_approve(package=package, user=members[0], reason=FailureReason.FEW_BIDS)
    tender_failure_approve(package=package, user=members[1])

    results = helpers.all_at_once(
        [
            lambda user=user: tender_failure_approve(package=package, user=user)
            for user in members[2:4]
        ],
        refusals=(FailureRefused,),
    )

    assert results.count(True) == 1
    assert sum(isinstance(r, FailureRefused) for r in results) == 1
    assert Package.objects.get(pk=package.pk).state == PackageState.FAILED
    assert AuditEvent.objects.filter(verb="tender.failed").count() == 1
