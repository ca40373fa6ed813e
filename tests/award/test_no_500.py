"""A sweep of every award page (enumerated from the URL resolver, so a new page is swept
without anyone adding it here): GET, an empty POST and a POST of garbage, by anonymous
visitors, the winner, a losing participant, a vendor of another portal, a Pokja member,
the PPK, another PPK and the portal administrator, against this portal's package,
another portal's and a missing one. Never a server error; another portal's package
answers exactly as a missing one; a GET changes nothing."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from tests.award.factories import announced_tender, issue_letter
from tests.factories import make_portal, make_user
from tests.helpers import signed_in
from tests.tenders.participation_factories import make_vendor

pytestmark = pytest.mark.django_db

MISSING = 999_999_999_999
GARBAGE = {
    "number": "ẞ" * 30_000,
    "letter_date": "2026-13-45",
    "signed_on": "\x00",
    "value": "1e99",
    "starts_on": "kemarin",
    "ends_on": ["a", "b"],
    "duration_days": "-5",
    "justification": "ẞ" * 30_000,
}


def _routes() -> list[tuple[str, tuple[str, ...]]]:
    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name and namespace == "award":
                yield f"{namespace}:{entry.name}", tuple(entry.pattern.converters)

    return sorted(set(walk(get_resolver().url_patterns, None)))


def _world(portal):
    package, members, winner, loser = announced_tender(portal)
    issue_letter(package, number=f"1/SPPBJ/{portal.slug}")
    return package, members, winner, loser, {"code": package.code, "package_id": package.pk}


def test_no_award_page_errors_or_tells_another_portals_package_from_a_missing_one(english):
    home_portal, other_portal = make_portal("lpse-sapu-award-a"), make_portal("lpse-sapu-award-b")
    package, members, (winner, _), (loser, _), home = _world(home_portal)
    *_, other = _world(other_portal)
    missing = dict.fromkeys(home, MISSING)
    people = {
        "anonymous": Client(),
        "winner": signed_in(winner.user),
        "loser": signed_in(loser.user),
        "vendor_elsewhere": signed_in(make_vendor(other_portal).user),
        "pokja": signed_in(members[0]),
        "ppk": signed_in(package.ppk),
        "other_ppk": signed_in(make_user(home_portal, role=Role.PPK)),
        "admin": signed_in(make_user(home_portal, role=Role.PORTAL_ADMIN)),
    }
    assert len(_routes()) == 6
    problems = []
    for name, arguments in _routes():
        for who, client in people.items():
            answers = {}
            for label, ids in (("home", home), ("other", other), ("missing", missing)):
                kwargs = {"portal_slug": home_portal.slug, **{a: ids[a] for a in arguments}}
                url = reverse(name, kwargs=kwargs)
                before = AuditEvent.objects.count()
                got = client.get(url)
                if AuditEvent.objects.count() != before:
                    problems.append(f"GET {name} as {who} ({label}) wrote an audit row")
                for method, data in (("GET", None), ("POST", {}), ("POST", GARBAGE)):
                    response = got if data is None else client.post(url, data)
                    if response.status_code >= 500:
                        problems.append(f"{method} {name} as {who} ({label}): 500")
                    answers.setdefault(label, []).append(
                        (response.status_code, response.get("Location", "").split("?")[0])
                    )
            if answers["other"] != answers["missing"]:
                problems.append(
                    f"{name} as {who}: other {answers['other']} != {answers['missing']}"
                )
    assert not problems, "\n".join(problems)
