"""load_demo gives each portal officials and tenders in every state a visitor should see
(issue 12, item 11)."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from inaproc.accounts.models import Role, User
from inaproc.bids.models import BidOpening, KeyShare, TenderKey
from inaproc.bids.services.opening import envelope_open, opening_share_submit
from inaproc.demo.tenders import OFFICIALS
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


def test_a_demo_tender_in_its_opening_stage_opens_with_the_printed_key_files(demo, settings):
    """The tour's opening: the demo company's sealed bid waits on a tender whose opening
    stage runs; two Pokja key files (passphrase: the printed password) open it."""
    key = TenderKey.objects.get(
        package__portal__slug="kemenkeu", package__name="Pengadaan Perangkat Jaringan Kantor"
    )
    passwords = {official.username: official.password for official in OFFICIALS}
    for username in ("pokja1", "pokja2"):
        path = Path(settings.DEMO_KEY_DIR) / f"kemenkeu-{username}.inpkey"
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
    (opening,) = BidOpening.objects.filter(tender_key=key)
    assert opening.status == "opened" and opening.offer_price


def test_the_demo_vendor_is_invited_to_the_pengadaan_langsung(demo):
    """The demo's Pengadaan Langsung is by invitation; the demo vendor's company is
    invited, so the tour can join it."""
    for slug in ("kemenkeu", "surabaya"):
        package = Package.objects.get(portal__slug=slug, selection_method="pengadaan_langsung")
        assert package.invitations.count() == 1
