"""Two members deciding at once, on PostgreSQL: the package and proposal rows are
locked, so the result is decided exactly once (one audit row, one log entry) and the
other member is told it is already decided."""

from inaproc.audit.models import AuditEvent
from inaproc.evaluation.models import Proposal, ProposalApproval, ProposalState
from inaproc.evaluation.services import EvaluationRefused, proposal_approve, proposal_make
from inaproc.translog.models import LogEntry
from tests import helpers
from tests.evaluation.factories import opened_tender
from tests.evaluation.test_services import passes
from tests.factories import make_portal
from tests.helpers import POSTGRESQL_CONCURRENT

pytestmark = POSTGRESQL_CONCURRENT


def test_two_members_deciding_at_once_give_one_result():
    """Quorum 2 of 3: the proposer counts; the two others approve at the same moment.
    One decides, the other is refused; one decided proposal, one audit row, one log
    entry."""
    portal = make_portal("lpse-konkuren-evaluasi")
    package, members, bidders = opened_tender(portal)
    for _member, participation in bidders:
        passes(package, members[0], participation)
    proposal_make(package=package, user=members[0], winner=bidders[0][1], reserves=[])

    results = helpers.all_at_once(
        [lambda user=user: proposal_approve(package=package, user=user) for user in members[1:]],
        refusals=(EvaluationRefused,),
    )

    assert sum(isinstance(r, EvaluationRefused) for r in results) == 1
    assert Proposal.objects.filter(state=ProposalState.DECIDED).count() == 1
    assert ProposalApproval.objects.count() == 2
    assert AuditEvent.objects.filter(verb="tender.evaluation_decided").count() == 1
    assert LogEntry.objects.filter(kind="tender.evaluation_decided").count() == 1


def test_two_members_proposing_at_once_leave_one_current_proposal():
    portal = make_portal("lpse-konkuren-usulan")
    package, members, bidders = opened_tender(portal)
    for _member, participation in bidders:
        passes(package, members[0], participation)

    helpers.all_at_once(
        [
            lambda user=user: proposal_make(
                package=package, user=user, winner=bidders[1][1], reserves=[]
            )
            for user in members[:2]
        ],
        refusals=(EvaluationRefused,),
    )

    assert Proposal.objects.filter(state__in=["proposed", "decided"]).count() == 1
