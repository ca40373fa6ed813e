"""A sweep of every evaluation page (enumerated from the `evaluation` URL namespace, so
a new page is swept without anyone adding it here): GET, an empty POST and POSTs of
garbage, by an anonymous visitor, a bidder, a Pokja member of another package, a member
of another portal and the tender's own member, against an opened tender of this portal
and of another. Never a server error; another portal's package answers as a missing
one; a GET writes nothing."""

import pytest
from django.test import Client
from django.urls import get_resolver

from inaproc.audit.models import AuditEvent
from inaproc.evaluation.models import Entry, Proposal
from tests.evaluation.factories import opened_tender
from tests.evaluation.test_services import passes
from tests.factories import make_user
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

GARBAGE = [
    {},
    {
        "administrasi_result": "fail",
        "teknis_result": "zzz",
        "teknis_score": "-1e99",
        "corrected_price": "١٢٣",
        "technical": "999999999999999999999",
        "price": "-5",
        "winner": "%00",
        "reserve1": "1" * 40,
        "participation": "-1",
        "meeting_at": "2026-13-45T99:99",
        "meeting_link": "javascript:alert(1)",
        "place": "x" * 5000,
        "outcome": "maybe",
        "reason": "\x00",
    },
]


def evaluation_routes() -> list[str]:
    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        inner = getattr(pattern, "url_patterns", None)
        if inner is None:
            continue
        for sub in inner:
            if getattr(sub, "namespace", None) == "evaluation":
                return [str(p.pattern) for p in sub.url_patterns]
    raise AssertionError("the evaluation namespace is not mounted")


class _Missing:
    pk = code = 999_999_999


def _fill(route: str, package, participation) -> str:
    return (
        route.replace("<int:package_id>", str(package.pk))
        .replace("<int:participation_id>", str(participation.pk))
        .replace("<int:code>", str(package.code))
    )


def test_no_evaluation_page_answers_500(portal_a, portal_b):
    package, members, bidders = opened_tender(portal_a)
    for _member, participation in bidders:
        passes(package, members[0], participation)
    foreign, foreign_members, foreign_bidders = opened_tender(portal_b)
    _other, others, _ = opened_tender(portal_a)
    people = {
        "anonymous": None,
        "bidder": bidders[0][0].user,
        "other pokja": others[0],
        "other portal": make_user(portal_b, role="pokja"),
        "member": members[0],
    }
    routes = evaluation_routes()
    assert len(routes) >= 10
    for name, user in people.items():
        client = signed_in(user) if user is not None else Client()
        for route in routes:
            for target, participation in (
                (package, bidders[1][1]),
                (foreign, foreign_bidders[0][1]),
            ):
                url = f"/{portal_a.slug}/" + _fill(route, target, participation)
                before = AuditEvent.objects.count()
                response = client.get(url)
                assert response.status_code < 500, (name, url)
                assert AuditEvent.objects.count() == before, (name, url, "GET wrote")
                if target is foreign:
                    missing = f"/{portal_a.slug}/" + _fill(route, _Missing, _Missing)
                    assert response.status_code == client.get(missing).status_code, (name, url)
                for data in GARBAGE:
                    response = client.post(url, data)
                    assert response.status_code < 500, (name, url, data)
    assert not Entry.objects.filter(participation__package=foreign).exists()
    assert not Proposal.objects.exists()
