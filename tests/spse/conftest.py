"""SPSE readers' view of a portal: a token from the list page, the DataTables lists,
the detail pages parsed by position with BeautifulSoup and html5lib, as the scripts
people run against SPSE do (SPSE-COMPAT.md)."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from inaproc.bids.models import TenderKey
from inaproc.bids.services.bids import bid_submit
from inaproc.bids.services.opening import envelope_open, opening_share_submit
from inaproc.tenders.models import Package, Participation
from inaproc.tenders.services.packages import package_locations_set
from tests.bids.factories import after_deadline, fill_draft, my_share
from tests.tenders.participation_factories import make_vendor, published_tender

# The readers' own patterns.
TOKEN_IN_COOKIE = re.compile(r"___AT=([A-Za-z0-9]+)&")
TOKEN_IN_PAGE = re.compile(r"d\.authenticityToken[\s+]=[\s+]['\"]([0-9a-zA-Z]+)['\"];", re.DOTALL)
ERROR_PHRASES = (
    "Terjadi Kesalahan",
    "Maaf, terjadi error pada aplikasi SPSE.",
    "Halaman yang dituju tidak ditemukan",
)
PRICES = (900_000_000, 875_500_000)


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html5lib")


def content_of(response):
    """ "The first div whose classes include content"."""
    return soup_of(response).find("div", {"class": "content"})


def token_for(client, slug: str) -> str:
    client.get(f"/{slug}/lelang")
    return TOKEN_IN_COOKIE.search(client.cookies["SPSE_SESSION"].value).group(1)


def dt(client, slug: str, endpoint: str = "lelang", **params):
    """A list request as a script sends it (form-encoded POST, the token of the cookie
    unless `authenticityToken` is given)."""
    data = {"draw": "1", "start": "0", "length": "100"}
    if "authenticityToken" not in params:
        data["authenticityToken"] = token_for(client, slug)
    data.update(params)
    return client.post(
        f"/{slug}/dt/{endpoint}", data=data, headers={"X-Requested-With": "XMLHttpRequest"}
    )


def _named(tender, name: str):
    """`tender` renamed, with a work location."""
    Package.objects.filter(pk=tender.pk).update(name=name)
    package_locations_set(tender, [("jawa_barat", "Kota Bandung")])
    tender.refresh_from_db()
    return tender


def _bidders(tender, count: int = 2):
    rows = []
    for price in PRICES[:count]:
        member = make_vendor(tender.portal)
        participation = Participation.objects.create(
            package=tender,
            company=member.company,
            joined_by=member.user,
            integrity_pact_agreed_at=tender.published_at,
        )
        fill_draft(participation, member.user, price=price)
        bid_submit(participation=participation, user=member.user)
        rows.append((member, participation))
    return rows


@pytest.fixture
def in_upload(portal_a):
    """A published tender in Upload Dokumen Penawaran (deadline in two days) with one
    submitted bid: (tender, [(member, participation)])."""
    now = timezone.now()
    tender = _named(
        published_tender(
            portal_a, clarification=(now - timedelta(hours=1), now - timedelta(minutes=30))
        ),
        "Pengadaan Alat Berat",
    )
    return tender, _bidders(tender, count=1)


@pytest.fixture
def finished(portal_a, time_machine):
    """A tender whose two bids were opened and whose every stage is over, the clock
    moved past its last stage: (tender, [(member, participation)])."""
    now = timezone.now()
    tender = _named(
        published_tender(
            portal_a, clarification=(now - timedelta(hours=1), now - timedelta(minutes=30))
        ),
        "Pembangunan Jembatan Desa",
    )
    bidders = _bidders(tender)
    key = TenderKey.objects.get(package=tender)
    when = after_deadline(tender)
    for member in [m.user for m in tender.pokja.members.order_by("pk")][:2]:
        opening_share_submit(key=key, member=member, share=my_share(key, member), now=when)
    envelope_open(key=key)
    last = tender.stages.order_by("-ends_at").first()
    time_machine.move_to(last.ends_at + timedelta(hours=1))
    return tender, bidders
