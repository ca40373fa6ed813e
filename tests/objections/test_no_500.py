"""A sweep of every objections page (enumerated from the URL resolver, so a new page is
swept without anyone adding it here): GET, an empty POST and a POST of garbage, by
anonymous visitors, the objector, another participant, a vendor of another portal, a
runner, a Pokja member of another tender, the PPK and the portal administrator, against
this portal's tender, another portal's and a missing one. Never a server error; another
portal's tender answers exactly as a missing one; a GET changes nothing."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.files.services import files_store
from inaproc.objections.models import Appeal, ObjectionAttachment
from inaproc.objections.services.objections import objection_answer, objection_file
from tests.factories import make_portal, make_user
from tests.helpers import signed_in
from tests.objections.factories import make_bidder, objection_tender, runners
from tests.tenders.participation_factories import make_vendor
from tests.vendors.builders import checked

pytestmark = pytest.mark.django_db

MISSING = 999_999_999_999
GARBAGE = {
    "reasons": "ẞ" * 30_000,
    "decision": "\x00maybe",
    "outcome": ["fail", "reevaluate", "explode"],
    "attachments": "not-a-file",
}


def _routes() -> list[tuple[str, tuple[str, ...]]]:
    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name and namespace == "objections":
                yield f"{namespace}:{entry.name}", tuple(entry.pattern.converters)

    return sorted(set(walk(get_resolver().url_patterns, None)))


def _world(portal):
    package = objection_tender(portal)
    member, participation = make_bidder(package)
    objection = objection_file(participation=participation, member=member, reasons="x", uploads=[])
    (fields,) = files_store(items=[checked("objection", "b.pdf")], portal=portal)
    attachment = ObjectionAttachment.objects.create(objection=objection, **fields)
    objection_answer(objection=objection, user=runners(package)[0], decision="rejected", answer="y")
    appeal = Appeal.objects.create(objection=objection, filed_by=member.user, reasons="z")
    ids = {
        "code": package.code,
        "package_id": package.pk,
        "objection_id": objection.pk,
        "attachment_id": attachment.pk,
        "appeal_id": appeal.pk,
    }
    return package, member, ids


def test_no_objections_page_errors_or_tells_another_portals_tender_from_a_missing_one():
    home_portal, other_portal = make_portal("lpse-sapu-a"), make_portal("lpse-sapu-b")
    package, objector, home = _world(home_portal)
    _other_package, _other_member, other = _world(other_portal)
    missing = dict.fromkeys(home, MISSING)
    other_bidder, _ = make_bidder(package)
    stranger_runner = runners(objection_tender(home_portal))[0]
    people = {
        "anonymous": Client(),
        "objector": signed_in(objector.user),
        "other_bidder": signed_in(other_bidder.user),
        "vendor_elsewhere": signed_in(make_vendor(other_portal).user),
        "runner": signed_in(runners(package)[0]),
        "stranger_runner": signed_in(stranger_runner),
        "ppk": signed_in(package.ppk),
        "admin": signed_in(make_user(home_portal, role=Role.PORTAL_ADMIN)),
    }
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
