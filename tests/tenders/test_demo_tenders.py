"""load_demo gives each portal officials and tenders in every state a visitor should see
(issue 12, item 11)."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from inaproc.accounts.models import Role, User
from inaproc.bids.models import BidOpening, KeyShare, TenderKey
from inaproc.bids.services.opening import envelope_open, opening_share_submit
from inaproc.demo.management.commands.load_demo import DEMO_PORTALS, demo_bidders
from inaproc.demo.tenders import (
    OFFICIALS,
    OPENING_PL,
    OPENING_PL_PRICE,
    OPENING_PRICES,
    OPENING_TENDER,
)
from inaproc.seal.opening_key import load_opening_key_file
from inaproc.seal.tender_keys import unwrap_share
from inaproc.tenders.models import Package, PackageState, Question
from inaproc.tenders.stages import BID_UPLOAD, CLARIFICATION, FINISHED, standing_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.DOCUMENT_ROOT = str(tmp_path)
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def standing(package: Package):
    return standing_at(package.stages.all(), timezone.now())


def test_each_portal_has_its_officials_signing_in_with_the_printed_passwords(demo):
    for slug in ("kemenkeu", "surabaya"):
        for official in OFFICIALS:
            user = User.objects.get(portal__slug=slug, username=official.username)
            assert user.has_role(official.role)
            assert user.check_password(official.password)


def test_each_portal_has_tenders_in_every_state_of_the_tour(demo):
    for slug in ("kemenkeu", "surabaya"):
        packages = Package.objects.filter(portal__slug=slug)
        states = set(packages.values_list("state", flat=True))
        assert {PackageState.DRAFT, PackageState.ASSIGNED, PackageState.PUBLISHED} <= states
        published = [standing(p) for p in packages.filter(state=PackageState.PUBLISHED)]
        assert any(s.is_running(CLARIFICATION) for s in published)
        assert any(s.is_running(BID_UPLOAD) for s in published)
        assert any(s.label == FINISHED for s in published)


def test_the_bid_deadline_of_the_open_tender_is_tomorrow(demo):
    for package in Package.objects.filter(state=PackageState.PUBLISHED):
        stage = package.stages.filter(key=BID_UPLOAD).first()
        if stage and standing(package).is_running(BID_UPLOAD):
            days = (timezone.localdate(stage.ends_at) - timezone.localdate()).days
            assert days == 1


def test_the_tender_in_clarification_has_an_answered_question_and_an_addendum(demo):
    for package in Package.objects.filter(state=PackageState.PUBLISHED):
        if standing(package).is_running(CLARIFICATION) and package.participations.exists():
            assert Question.objects.filter(package=package, answered_at__isnull=False).exists()
            assert package.documents.filter(kind="addendum").exists()
            break
    else:
        pytest.fail("no demo tender in clarification with a participant")


def test_load_demo_again_adds_no_second_set_of_tenders(demo):
    count = Package.objects.count()
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Package.objects.count() == count


def test_one_package_waits_for_the_second_pokja_approval(demo):
    package = Package.objects.filter(state=PackageState.ASSIGNED).first()
    assert package.approvals.count() == 1
    assert User.objects.filter(portal=package.portal, username="pokja2").get().has_role(Role.POKJA)


def test_the_demo_participants_got_the_answer_and_the_addendum_by_email(demo):
    from inaproc.notifications.models import Email

    templates = set(Email.objects.values_list("template", flat=True))
    assert any("answer" in t for t in templates)
    assert any("addendum" in t for t in templates)


def _open_with_key_files(key: TenderKey, usernames: tuple[str, ...], settings) -> None:
    """Each official's share, unwrapped with the printed key file and password."""
    passwords = {official.username: official.password for official in OFFICIALS}
    slug = key.package.portal.slug
    for username in usernames:
        path = Path(settings.DEMO_KEY_DIR) / f"{slug}-{username}.inpkey"
        private = load_opening_key_file(path.read_text(), passwords[username])
        share = KeyShare.objects.get(tender_key=key, member__username=username)
        plain = unwrap_share(
            private,
            bytes(share.ephemeral_key),
            bytes(share.ciphertext),
            tender=str(key.package.code),
            envelope=1,
        )
        opening_share_submit(key=key, member=share.member, share=plain)
    envelope_open(key=key)


def test_a_demo_tender_in_its_opening_stage_opens_with_the_printed_key_files(demo, settings):
    """The tour's opening: three demo companies' sealed bids wait on a tender whose
    opening stage runs; two Pokja key files (passphrase: the printed password) open all
    three, with the prices the walk from opening to contract expects."""
    key = TenderKey.objects.get(package__portal__slug="kemenkeu", package__name=OPENING_TENDER)
    assert key.package.procurement_type == "barang"  # no sanggah banding holds the award
    _open_with_key_files(key, ("pokja1", "pokja2"), settings)
    openings = BidOpening.objects.filter(tender_key=key).select_related(
        "bid_version__participation__company"
    )
    assert {o.status for o in openings} == {"opened"}
    prices = {o.bid_version.participation.company.name: int(o.offer_price) for o in openings}
    assert prices == dict(
        zip(
            ["PT Maju Bersama Konstruksi", "PT Bina Karya Mandiri", "CV Cahaya Teknik Utama"],
            OPENING_PRICES,
            strict=True,
        )
    )


def test_the_demo_pengadaan_langsung_in_its_opening_stage_opens_with_the_officials_key(
    demo, settings
):
    """The non-tender walk: the invited demo vendor's sealed bid; the Pejabat
    Pengadaan's key file alone (k = 1) opens it."""
    for slug in ("kemenkeu", "surabaya"):
        key = TenderKey.objects.get(package__portal__slug=slug, package__name=OPENING_PL)
        assert key.package.invitations.count() == 1
        _open_with_key_files(key, ("pejabat",), settings)
        (opening,) = BidOpening.objects.filter(tender_key=key)
        assert opening.status == "opened"
        assert int(opening.offer_price) == OPENING_PL_PRICE


def test_the_demo_vendor_is_invited_to_the_pengadaan_langsung(demo):
    """The demo's Pengadaan Langsung are by invitation; the demo vendor's company is
    invited, so the tour can join the announced one."""
    for slug in ("kemenkeu", "surabaya"):
        packages = Package.objects.filter(portal__slug=slug, selection_method="pengadaan_langsung")
        assert packages.count() == 2
        assert all(package.invitations.count() == 1 for package in packages)


def test_load_demo_prints_the_other_bidders_logins(settings, tmp_path):
    """The two other bidding companies sign in with printed passwords on each portal."""
    settings.DOCUMENT_ROOT = str(tmp_path)
    output = io.StringIO()
    call_command("load_demo", force=True, stdout=output)
    bidders = [a for spec in DEMO_PORTALS for a in demo_bidders(spec["slug"])]
    assert len(bidders) == 4
    for account in bidders:
        assert f"{account.username:<18} {account.password}" in output.getvalue()
        user = User.objects.get(portal__slug=account.portal, username=account.username)
        assert user.check_password(account.password)
        assert user.company_membership.company.name == account.company["name"]
