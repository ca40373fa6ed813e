"""Every sealed-bid page (enumerated from the `bids` URL namespace, so a new page is swept
without anyone adding it here), requested as an attacker and a careless user would: GET,
empty and garbage POSTs and the other upload methods, by anonymous visitors, the bidding
company's users, another company, the tender's Pokja and an official without a hand in
it. Never a server error; an anonymous visitor reaches only the public pages; a GET
changes nothing."""

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inaproc.audit.models import AuditEvent
from tests.bids.factories import fill_draft
from tests.factories import make_user
from tests.helpers import signed_in
from tests.tenders.participation_factories import make_vendor

pytestmark = pytest.mark.django_db

PUBLIC = {"bids:key_file", "bids:participants", "bids:opening_record"}
MISSING = 999_999_999_999
GARBAGE = {
    "slot": "\x00" + "Ω" * 300,
    "file": "not a file",
    "public_key": "A" * 5000,
    "replace": "maybe",
    "payload": '{"envelopes": [{"envelope": 99999999999999999999, "public_key": 1}]}',
    "envelope": "-1",
    "share": "%%%",
    "penawaran-max_file_mb": "9" * 40,
    "penawaran-extensions": "\u202e" * 300,
}


def _routes():
    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern):
                yield namespace, entry

    return sorted(
        {
            (f"{namespace}:{entry.name}", tuple(sorted(entry.pattern.converters)))
            for namespace, entry in walk(get_resolver().url_patterns, None)
            if namespace == "bids"
        }
    )


def test_no_sealed_bid_page_answers_500(portal_a, tender, bidder):
    member, participation = bidder
    fill_draft(participation, member.user)
    viewer = make_vendor(portal_a, role="viewer", company=member.company)
    people = {
        "anonymous": Client(),
        "bidder": signed_in(member.user),
        "viewer": signed_in(viewer.user),
        "other company": signed_in(make_vendor(portal_a).user),
        "pokja": signed_in(tender.pokja.members.first().user),
        "other official": signed_in(make_user(portal_a, role="pokja")),
    }
    values = {
        "portal_slug": portal_a.slug,
        "code": tender.code,
        "package_id": tender.pk,
        "file_id": participation.sealed_files.first().pk,
        "number": 1,
        "envelope": 1,
        "upload_id": uuid.uuid4(),
    }
    routes = _routes()
    assert len(routes) >= 15
    for name, arguments in routes:
        variants = [
            values,
            {
                **values,
                **{
                    k: MISSING
                    for k in arguments
                    if k in ("code", "package_id", "file_id", "number", "envelope")
                },
            },
        ]
        for kwargs in variants:
            url = reverse(
                name,
                kwargs={k: v for k, v in kwargs.items() if k in arguments or k == "portal_slug"},
            )
            for who, client in people.items():
                before = AuditEvent.objects.count()
                response = client.get(url)
                assert response.status_code < 500, (name, who, "GET")
                assert AuditEvent.objects.count() == before, (name, who, "GET wrote")
                if who == "anonymous" and name not in PUBLIC:
                    assert response.status_code in (302, 403, 404, 405), (
                        name,
                        response.status_code,
                    )
                for data in ({}, GARBAGE):
                    response = client.post(url, data)
                    assert response.status_code < 500, (name, who, "POST", data is GARBAGE)
                for method in ("PATCH", "HEAD", "OPTIONS", "DELETE"):
                    response = client.generic(method, url, b"\x00" * 10, HTTP_TUS_RESUMABLE="1.0.0")
                    assert response.status_code < 500, (name, who, method)
