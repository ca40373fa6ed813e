"""Pengadaan Langsung evaluated by its Pejabat Pengadaan alone (his proposal decided at
once) with a negotiation: the negotiated price is a rupiah amount ≥ 0, not above the
corrected price nor the HPS; it is audited and logged, required of the proposed
winner, public on the non-tender winner and evaluation pages (SPSE's "hn") and in the
announcement email. Someone else evaluating is refused (404 on the pages)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.evaluation.models import Negotiation, ProposalState
from inaproc.evaluation.services import (
    EvaluationRefused,
    negotiation_record,
    proof_invite,
    proof_record,
    proposal_make,
    winner_announce,
)
from inaproc.notifications.models import Email
from inaproc.spse.selectors import evaluation_rows, winners
from inaproc.translog.models import LogEntry
from tests.evaluation.factories import opened_tender
from tests.evaluation.non_tender_factories import opened_non_tender
from tests.evaluation.test_services import passes
from tests.factories import make_user
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def _board(package, rest=""):
    return f"/{package.portal.slug}/staf/paket/{package.pk}/evaluasi/{rest}"


def test_negotiated_price_bounds(portal_a, english):
    """Above the corrected price, above the HPS, negative, fractional: refused, nothing
    saved; at or below both: saved, audited and logged."""
    package, official, [(_, bidder)] = opened_non_tender(
        portal_a, prices=(120_000_000,), hps=Decimal(110_000_000)
    )
    passes(package, official, bidder, corrected=115_000_000)
    for price, message in (
        (Decimal(116_000_000), "corrected price"),
        (Decimal(112_000_000), "HPS"),
        (Decimal(-1), "zero or more"),
        (Decimal("100.5"), "whole number"),
    ):
        with pytest.raises(ValidationError, match=message):
            negotiation_record(package=package, user=official, participation=bidder, price=price)
    assert not Negotiation.objects.exists()
    negotiation_record(
        package=package,
        user=official,
        participation=bidder,
        price=Decimal(105_000_000),
        note="Disepakati",
    )
    assert Negotiation.objects.get().negotiated_price == Decimal(105_000_000)
    assert AuditEvent.objects.filter(verb="tender.negotiated").count() == 1
    assert LogEntry.objects.filter(kind="tender.negotiated").count() == 1


def test_only_a_non_tender_package_negotiates_and_only_its_official(portal_a, english):
    """A Pokja's tender has no negotiation; another official is refused."""
    package, members, [(_, bidder), *_rest] = opened_tender(portal_a)
    with pytest.raises(EvaluationRefused):
        negotiation_record(package=package, user=members[0], participation=bidder, price=Decimal(1))
    package, _official, [(_, bidder)] = opened_non_tender(portal_a)
    other = make_user(portal_a, role=Role.PEJABAT_PENGADAAN)
    with pytest.raises(EvaluationRefused):
        negotiation_record(package=package, user=other, participation=bidder, price=Decimal(1))


def test_a_failed_bid_is_not_negotiated_and_the_winner_needs_a_negotiation(portal_a, english):
    """A bid that failed a step is not negotiated; the proposal waits for the winner's
    negotiated price, then the official's proposal is decided at once."""
    package, official, [(_, first), (_, second)] = opened_non_tender(
        portal_a, prices=(90_000_000, 85_000_000)
    )
    passes(package, official, first)
    passes(package, official, second, fail="administrasi")
    with pytest.raises(EvaluationRefused, match="failed"):
        negotiation_record(
            package=package, user=official, participation=second, price=Decimal(80_000_000)
        )
    with pytest.raises(EvaluationRefused, match="negotiated"):
        proposal_make(package=package, user=official, winner=first, reserves=[])
    negotiation_record(
        package=package, user=official, participation=first, price=Decimal(88_000_000)
    )
    proposal = proposal_make(package=package, user=official, winner=first, reserves=[])
    assert proposal.state == ProposalState.DECIDED
    with pytest.raises(EvaluationRefused, match="decided"):
        negotiation_record(
            package=package, user=official, participation=first, price=Decimal(87_000_000)
        )


def test_the_winner_announcement_shows_the_negotiated_price(portal_a, client):
    """Announced: the public winner and evaluation pages (no login) and the email carry
    the negotiated price."""
    package, official, [(vendor, bidder)] = opened_non_tender(portal_a, prices=(90_000_000,))
    passes(package, official, bidder, corrected=89_000_000)
    negotiation_record(
        package=package, user=official, participation=bidder, price=Decimal(87_500_000)
    )
    proposal_make(package=package, user=official, winner=bidder, reserves=[])
    proof_invite(
        package=package,
        user=official,
        participation=bidder,
        meeting_at=timezone.now() + timedelta(days=1),
        place="Kantor",
    )
    proof_record(package=package, user=official, participation=bidder, passed=True)
    winner_announce(package=package, user=official)
    (winner,) = winners(package, contracted=False)
    assert winner.negotiated_price == Decimal(87_500_000)
    (row,) = evaluation_rows(package)
    assert row.cells[5] == Decimal(87_500_000)
    email = Email.objects.get(template="evaluation/email/winner_announced", to=vendor.user.email)
    assert "87.500.000" in email.body
    page = client.get(f"/{portal_a.slug}/evaluasinontender/{package.code}/pemenang")
    assert page.status_code == 200
    assert "87.500.000" in page.content.decode()
    table = client.get(f"/{portal_a.slug}/evaluasinontender/{package.code}/hasil")
    assert "87.500.000" in table.content.decode()


def test_the_negotiation_page_refuses_bad_input_with_a_message(portal_a, english):
    """Letters, negatives and a price above the corrected price come back with a
    message and nothing saved; a good price is saved."""
    package, official, [(_, bidder)] = opened_non_tender(portal_a, prices=(90_000_000,))
    client = signed_in(official, english=True)
    url = _board(package, f"peserta/{bidder.pk}/negosiasi/")
    for value, message in (
        ("abc", "digits only"),
        ("-5", "below zero"),
        ("95000000", "corrected price"),
        ("", "required"),
    ):
        response = client.post(url, {"negotiation-negotiated_price": value})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Negotiation.objects.exists()
    response = client.post(
        url, {"negotiation-negotiated_price": "Rp 88.000.000", "negotiation-note": "Oke"}
    )
    assert response.status_code == 302
    assert Negotiation.objects.get().negotiated_price == Decimal(88_000_000)
    assert client.get(_board(package)).status_code == 200
    assert "88.000.000" in client.get(_board(package)).content.decode()


def test_someone_else_than_the_official_gets_404(portal_a, portal_b):
    """Another Pejabat Pengadaan, a Pokja member, another portal's official: 404 on the
    board, the entry and the negotiation pages; a Pokja tender has no negotiation page."""
    package, _official, [(_, bidder)] = opened_non_tender(portal_a)
    for user in (
        make_user(portal_a, role=Role.PEJABAT_PENGADAAN),
        make_user(portal_a, role=Role.POKJA),
        make_user(portal_b, role=Role.PEJABAT_PENGADAAN),
    ):
        client = signed_in(user)
        # Another portal's account is not signed in here: sent to the sign-in page.
        refused = (403, 404) if user.portal_id == portal_a.pk else (302,)
        assert client.get(_board(package)).status_code in refused
        assert client.get(_board(package, f"peserta/{bidder.pk}/")).status_code in refused
        response = client.post(
            _board(package, f"peserta/{bidder.pk}/negosiasi/"),
            {"negotiation-negotiated_price": "1"},
        )
        assert response.status_code in refused
    tender, members, [(_, tender_bidder), *_rest] = opened_tender(portal_a)
    response = signed_in(members[0]).post(
        _board(tender, f"peserta/{tender_bidder.pk}/negosiasi/"),
        {"negotiation-negotiated_price": "1"},
    )
    assert response.status_code == 404
    assert not Negotiation.objects.exists()


def test_garbage_on_the_negotiation_and_invitation_pages_is_never_a_500(portal_a):
    """The official's own pages refuse garbage with a page or a 404, never a 500."""
    package, official, [(_, bidder)] = opened_non_tender(portal_a)
    client = signed_in(official)
    url = _board(package, f"peserta/{bidder.pk}/negosiasi/")
    for value in ("١٢٣", "1" * 40, "1e99", "\x00", "%00", "NaN", "Infinity", "1,5"):
        response = client.post(
            url, {"negotiation-negotiated_price": value, "negotiation-note": "\x00"}
        )
        assert response.status_code == 200, value
    assert not Negotiation.objects.exists()
    invitations = f"/{portal_a.slug}/staf/paket/{package.pk}/undangan/"
    for query in ("\x00", "x" * 500, "%", "_", "'; drop table", "١٢٣"):
        assert client.get(invitations, {"q": query}).status_code == 200, query
    for company in ("%00", "1" * 40, "-1", "", "\x00"):
        for action in ("tambah/", "batal/"):
            assert client.post(invitations + action, {"company": company}).status_code == 404
