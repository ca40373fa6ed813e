"""Evaluation to winner in Chromium (issue 13 items 1–3): a Pokja member evaluates three
opened bids through the forms (one fails administrasi with its reason, one is corrected
and wins on the corrected price) and proposes the ranking's result; a second member
approves it (the quorum, 2 of 3); the winner is invited to the qualification proof, the
outcome recorded, the winner announced (every participant emailed); the public
evaluation and winner pages are read without login as SPSE readers read them.

The opened bids are made directly (tests/evaluation/factories.py), as the opening of the
sealed-bid flow leaves them (tests/e2e/test_sealed_bid_flow.py covers that part). The
board and the result page are checked with axe."""

import pytest
from playwright.sync_api import Browser, Page, expect

from inaproc.evaluation.selectors import announced_result
from inaproc.notifications.models import Email
from tests.e2e import lifecycle as step
from tests.e2e.helpers import log_in, staff_log_in
from tests.e2e.lifecycle import new_page as _new_page
from tests.e2e.lifecycle import shot as _shot
from tests.e2e.test_accessibility import violations
from tests.evaluation.factories import opened_tender
from tests.factories import make_portal
from tests.spse import readers

pytestmark = pytest.mark.e2e


def _evaluate(
    page: Page, url: str, results: dict[str, str], *, shot: str = "", **fields: str
) -> None:
    page.goto(url)
    for stage, result in results.items():
        page.select_option(f"#id_{stage}_result", result)
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    if shot:
        assert violations(page) == []
        _shot(page, shot)
    page.locator("form.registration-form button[type=submit]").click()
    page.wait_for_url(lambda current: current.rstrip("/").endswith("evaluasi"))


def test_pokja_evaluates_proves_and_announces_and_the_public_reads_it(
    live_server, settings, page: Page, browser: Browser
):
    settings.SITE_URL = live_server.url
    base = live_server.url
    portal = make_portal("lpse-evaluasi-e2e")
    package, members, bidders = opened_tender(portal)
    (_, cheap_after_correction), (_, failing), (_, second_best) = bidders
    board = f"{base}/{portal.slug}/staf/paket/{package.pk}/evaluasi/"
    passing = {step: "pass" for step in ("administrasi", "teknis", "harga", "kualifikasi")}

    staff_log_in(page, base, members[0])
    page.goto(board)
    assert violations(page) == []
    _evaluate(
        page,
        f"{board}peserta/{cheap_after_correction.pk}/",
        passing,
        corrected_price="870.000.000",
        correction_note="Kesalahan perkalian volume pada item 3.",
    )
    _evaluate(
        page,
        f"{board}peserta/{failing.pk}/",
        {**passing, "administrasi": "fail"},
        shot="evaluation-entry",
        administrasi_reason="Jaminan penawaran tidak dilampirkan.",
    )
    _evaluate(page, f"{board}peserta/{second_best.pk}/", passing)

    # The ranking proposes the corrected 870 million first, the 880 second.
    expect(page.locator("#id_winner")).to_have_value(str(cheap_after_correction.pk))
    expect(page.locator("#id_reserve1")).to_have_value(str(second_best.pk))
    _shot(page, "evaluation-board")
    step.propose(page, board)

    second = _new_page(browser)
    staff_log_in(second, base, members[1])
    step.approve_proposal(second, board)
    expect(second.locator("#id_meeting_at")).to_be_visible()
    second.context.close()

    page.goto(board)
    assert violations(page) == []
    step.invite_to_proof(page, board, cheap_after_correction.pk, "Ruang Rapat Pokja, Lantai 2")
    assert Email.objects.filter(template="evaluation/email/proof_invitation").exists()
    step.record_proof(page, board, cheap_after_correction.pk)
    _shot(page, "evaluation-proof")
    step.announce(page, board)
    assert announced_result(package).winner == cheap_after_correction
    assert Email.objects.filter(template="evaluation/email/winner_announced").count() == 3

    public = _new_page(browser)
    response = public.goto(f"{base}/{portal.slug}/evaluasi/{package.code}/hasil")
    assert response.status == 200
    assert violations(public) == []
    _shot(public, "evaluation-public")
    header, rows = readers.evaluation(public.content().encode())
    assert header[2:5] == ["a", "t", "st"]
    names = [row[1] for row in rows]
    assert len(rows) == 3
    failing_row = rows[[i for i, n in enumerate(names) if failing.company.name in n][0]]
    assert failing_row[2] == readers.ICONS["fa-close"]
    public.goto(f"{base}/{portal.slug}/evaluasi/{package.code}/pemenang")
    (winner,) = readers.winners(public.content().encode())
    assert winner["nama_pemenang"] == cheap_after_correction.company.name
    assert winner["harga_penawaran"] == "Rp 900.000.000,00"
    assert winner["harga_terkoreksi"] == "Rp 870.000.000,00"
    public.context.close()

    vendor = _new_page(browser)
    member = failing.company.members.first()
    log_in(vendor, base, portal.slug, member.user.username)
    vendor.goto(f"{base}/{portal.slug}/perusahaan/tender/{package.code}/hasil/")
    expect(vendor.locator("main")).to_contain_text("Jaminan penawaran tidak dilampirkan.")
    expect(vendor.locator("main")).not_to_contain_text("Kesalahan perkalian volume")
    assert violations(vendor) == []
    vendor.context.close()
