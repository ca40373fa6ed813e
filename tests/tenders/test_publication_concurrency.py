"""Approvals and joins arriving at the same moment, on PostgreSQL: the package row is
locked, so the quorum publishes exactly once; two joins of one company leave one
participation (the unique constraint decides)."""

from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.tenders.models import Package, PackageState, Participation, PublicationApproval
from inaproc.tenders.services.participation import ParticipationRefused, participation_join
from inaproc.tenders.services.publication import PublicationRefused, publication_approve
from tests import helpers
from tests.factories import make_portal
from tests.helpers import POSTGRESQL_CONCURRENT
from tests.tenders.participation_factories import (
    make_package,
    make_pokja,
    make_vendor,
    published_tender,
)

pytestmark = POSTGRESQL_CONCURRENT


def test_approvals_reaching_the_quorum_at_once_publish_exactly_once():
    portal = make_portal("lpse-konkuren-publikasi")
    pokja, members = make_pokja(portal, size=5)
    package = make_package(portal, pokja=pokja)
    publication_approve(package=package, user=members[0])
    publication_approve(package=package, user=members[1])

    results = helpers.all_at_once(
        [lambda user=user: publication_approve(package=package, user=user) for user in members[2:]],
        refusals=(PublicationRefused,),
    )

    assert results.count(True) == 1
    assert sum(isinstance(r, PublicationRefused) for r in results) == 2
    assert Package.objects.get(pk=package.pk).state == PackageState.PUBLISHED
    assert PublicationApproval.objects.filter(package=package).count() == 3
    assert AuditEvent.objects.filter(verb="tender.published").count() == 1
    assert Email.objects.filter(template="tenders/email/published").count() == 1


def test_two_members_giving_the_last_two_approvals_at_once_publish_once():
    portal = make_portal("lpse-konkuren-kuorum")
    pokja, members = make_pokja(portal, size=3)
    package = make_package(portal, pokja=pokja)

    results = helpers.all_at_once(
        [lambda user=user: publication_approve(package=package, user=user) for user in members[:2]]
    )

    assert sorted(results) == [False, True]
    assert AuditEvent.objects.filter(verb="tender.published").count() == 1


def test_two_joins_of_one_company_at_once_leave_one_participation():
    portal = make_portal("lpse-konkuren-ikut")
    package = published_tender(portal)
    admin = make_vendor(portal)
    preparer = make_vendor(portal, role="bid_preparer", company=admin.company)

    results = helpers.all_at_once(
        [
            lambda member=member: participation_join(
                package=package, member=member, integrity_pact=True
            )
            for member in (admin, preparer)
        ],
        refusals=(ParticipationRefused,),
    )

    assert sum(isinstance(r, Participation) for r in results) == 1
    assert sum(isinstance(r, ParticipationRefused) for r in results) == 1
    assert Participation.objects.filter(package=package).count() == 1
    assert AuditEvent.objects.filter(verb="tender.joined").count() == 1
