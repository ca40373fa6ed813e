"""Pengadaan Langsung in Chromium (issue 13 item 7, without award and contract): the
Pejabat Pengadaan finds an approved company by name (with the package's KBLI) and
invites it; the vendor joins through the join page; its sealed bid is submitted and the
official opens it alone (k = 1) through the services, as the sealed-bid flow leaves
them (tests/e2e/test_sealed_bid_flow.py covers those pages); the official evaluates
every step, refuses letters as a negotiated price, records the negotiated price,
proposes (decided at once: quorum 1), records the qualification proof and announces
the winner; the public non-tender winner page shows the negotiated price without
login. The new pages are checked with axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from inaproc.bids.models import TenderKey
from inaproc.bids.services.bids import bid_submit
from inaproc.bids.services.opening import envelope_open, opening_share_submit
from inaproc.evaluation.models import Negotiation
from inaproc.evaluation.selectors import announced_result
from inaproc.notifications.models import Email
from inaproc.tenders.models import Invitation, Participation
from tests.bids.factories import fill_draft, my_share
from tests.e2e import lifecycle as step
from tests.e2e.helpers import log_in, staff_log_in
from tests.e2e.lifecycle import new_page as _new_page
from tests.e2e.lifecycle import shot as _shot
from tests.e2e.test_accessibility import violations
from tests.factories import make_portal
from tests.spse import readers
from tests.tenders.invitation_factories import non_tender_package
from tests.tenders.participation_factories import make_vendor
from tests.tenders.public_factories import make_kbli

pytestmark = pytest.mark.e2e


def test_pejabat_pengadaan_invites_negotiates_and_announces(
    live_server, settings, page: Page, browser: Browser
):
    settings.SITE_URL = live_server.url
    base = live_server.url
    portal = make_portal("lpse-pl-e2e")
    now = timezone.now()
    package, official = non_tender_package(
        portal,
        tender_keys=True,
        clarification=(now - timedelta(hours=1), now - timedelta(minutes=30)),
    )
    kbli = make_kbli("46100", "Perdagangan Besar Atas Dasar Balas Jasa")
    package.kbli.add(kbli)
    vendor = make_vendor(portal)
    company = vendor.company
    company.name = "CV Maju Bersama Langsung"
    company.save()
    company.sectors.add(kbli)
    slug = portal.slug
    staff = f"{base}/{slug}/staf/paket/{package.pk}/"

    # The official invites the company found by name.
    staff_log_in(page, base, official)
    page.goto(f"{staff}undangan/")
    page.fill("#id_q", "Maju Bersama")
    page.locator("form[role=search] button").click()
    page.locator(f"form[action$='undangan/tambah/'] input[value='{company.pk}'] ~ button").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("undangan"))
    expect(page.locator("main")).to_contain_text("CV Maju Bersama Langsung")
    assert violations(page) == []
    _shot(page, "pl-invitations")
    assert Invitation.objects.filter(package=package, company=company).exists()
    assert Email.objects.filter(template="tenders/email/invited", to=vendor.user.email).exists()

    # The vendor joins; the public page says participation is by invitation.
    bidder = _new_page(browser)
    bidder.goto(f"{base}/{slug}/tender/{package.code}/")
    expect(bidder.locator("main")).to_contain_text("Hanya dengan undangan")
    log_in(bidder, base, slug, vendor.user.username)
    bidder.goto(f"{base}/{slug}/tender/{package.code}/ikut/")
    bidder.locator("#id_integrity_pact").check()
    bidder.locator("main form button[type=submit]").click()
    bidder.wait_for_url(lambda url: f"perusahaan/tender/{package.code}" in url)
    bidder.context.close()
    participation = Participation.objects.get(package=package, company=company)

    # The sealed bid and the opening by the official alone (k = 1), as the services do.
    fill_draft(participation, vendor.user, price=95_000_000)
    bid_submit(participation=participation, user=vendor.user)
    key = TenderKey.objects.get(package=package, envelope=1)
    when = package.stages.get(key="evaluasi_negosiasi_pl").starts_at + timedelta(minutes=1)
    assert opening_share_submit(key=key, member=official, share=my_share(key, official), now=when)
    envelope_open(key=TenderKey.objects.get(pk=key.pk))

    # Evaluation with negotiation.
    board = f"{staff}evaluasi/"
    entry = f"{board}peserta/{participation.pk}/"
    page.goto(entry)
    for stage in ("administrasi", "teknis", "harga", "kualifikasi"):
        page.select_option(f"#id_{stage}_result", "pass")
    page.fill("#id_corrected_price", "94.000.000")
    page.fill("#id_correction_note", "Pembulatan harga satuan.")
    page.locator("form.registration-form").first.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("evaluasi"))
    page.goto(entry)
    negotiation = page.locator("form[action$='negosiasi/']")
    page.fill("#id_negotiation-negotiated_price", "sembilan puluh juta")
    negotiation.locator("button").click()
    expect(page.locator("#id_negotiation-negotiated_price_errors")).to_be_visible()
    assert not Negotiation.objects.exists()
    page.fill("#id_negotiation-negotiated_price", "Rp 92.500.000")
    page.fill("#id_negotiation-note", "Disepakati dalam rapat negosiasi.")
    assert violations(page) == []
    _shot(page, "pl-negotiation")
    negotiation.locator("button").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("evaluasi"))
    expect(page.locator("main")).to_contain_text("92.500.000")
    assert violations(page) == []

    # The official's proposal is decided at once; the proof; the announcement.
    step.propose(page, board)
    step.invite_to_proof(page, board, participation.pk, "Kantor Pejabat Pengadaan")
    step.record_proof(page, board, participation.pk)
    step.announce(page, board)
    assert announced_result(package).winner == participation
    email = Email.objects.get(template="evaluation/email/winner_announced", to=vendor.user.email)
    assert "92.500.000" in email.body

    # The public non-tender winner page, without login.
    public = _new_page(browser)
    response = public.goto(f"{base}/{slug}/evaluasinontender/{package.code}/pemenang")
    assert response.status == 200
    assert violations(public) == []
    _shot(public, "pl-winner-public")
    (winner,) = readers.winners(public.content().encode())
    assert winner["nama_pemenang"] == "CV Maju Bersama Langsung"
    assert winner["harga_penawaran"] == "Rp 95.000.000,00"
    assert winner["harga_terkoreksi"] == "Rp 94.000.000,00"
    assert winner["hasil_negosiasi"] == "Rp 92.500.000,00"
    public.goto(f"{base}/{slug}/nontender/{package.code}/pengumumanpl")
    expect(public.locator("body")).to_contain_text("Dengan undangan")
    public.context.close()
