"""The evaluation pages: only the package's Pokja members reach them (another portal's
or another Pokja's package is 404); bad input comes back as a message next to its field,
never a 500 and nothing saved; the vendor sees its own notes only; the public SPSE pages
show the result, without login, only after the announcement."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inaproc.evaluation.models import Entry, Evaluation
from inaproc.evaluation.services import proof_invite, proof_record, winner_announce
from tests.evaluation.factories import opened_tender
from tests.evaluation.test_services import _decide, evaluated, passes
from tests.factories import make_user
from tests.helpers import signed_in
from tests.spse import readers

pytestmark = pytest.mark.django_db


def board(package, tail=""):
    return f"/{package.portal.slug}/staf/paket/{package.pk}/evaluasi/{tail}"


def entry_url(package, participation):
    return board(package, f"peserta/{participation.pk}/")


def test_the_board_for_the_pokja_and_404_for_anyone_else(portal_a, portal_b):
    """A member sees the board; a Pokja member of another package, and a Pokja member of
    another portal asking with the package's id under their own portal, get 404."""
    package, members, _ = opened_tender(portal_a)
    _other, others, _ = opened_tender(portal_a)
    outsider = make_user(portal_b, role="pokja")

    assert signed_in(members[0]).get(board(package)).status_code == 200
    assert signed_in(others[0]).get(board(package)).status_code == 404
    response = signed_in(outsider).get(f"/{portal_b.slug}/staf/paket/{package.pk}/evaluasi/")
    assert response.status_code == 404
    assert signed_in(others[0]).post(board(package, "setujui/")).status_code == 404


def test_a_vendor_cannot_reach_the_board(portal_a):
    package, _members, bidders = opened_tender(portal_a)
    response = signed_in(bidders[0][0].user).get(board(package))
    assert response.status_code in (403, 404)


def test_the_board_before_the_opening_says_so(portal_a, english):
    package, members, bidders = opened_tender(portal_a, opened=False)
    client = signed_in(members[0])
    assert "only after the opening" in client.get(board(package)).content.decode()
    response = client.post(entry_url(package, bidders[0][1]), {"administrasi_result": "pass"})
    assert response.status_code == 200
    assert "only after the opening" in response.content.decode()
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"administrasi_result": "fail"}, "Write the reason why the bid fails this step."),
        ({"harga_result": "pass", "corrected_price": "-5"}, "cannot be below zero"),
        ({"harga_result": "pass", "corrected_price": "delapan ratus"}, "digits only"),
        ({"harga_result": "pass", "corrected_price": "12a000"}, "digits only"),
        ({"harga_result": "pass", "corrected_price": "9" * 20}, "too large"),
    ],
)
def test_bad_entries_come_back_with_a_message_and_save_nothing(portal_a, english, data, message):
    """A fail without a reason, a corrected price below zero, with letters, or too
    large: the form says so next to the field; nothing is saved."""
    package, members, bidders = opened_tender(portal_a)
    response = signed_in(members[0]).post(entry_url(package, bidders[0][1]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Entry.objects.exists()


def test_an_entry_is_saved_with_its_corrected_price(portal_a, english):
    package, members, bidders = opened_tender(portal_a)
    data = {
        "administrasi_result": "pass",
        "harga_result": "pass",
        "corrected_price": "Rp 870.000.000",
        "correction_note": "Kesalahan penjumlahan",
    }
    response = signed_in(members[0]).post(entry_url(package, bidders[0][1]), data)
    assert response.status_code == 302
    harga = Entry.objects.get(step="harga")
    assert harga.corrected_price == 870_000_000 and harga.entered_by == members[0]


def test_weights_not_adding_up_are_shown_and_not_saved(portal_a, english):
    package, members, _ = opened_tender(portal_a, evaluation_method="sistem_nilai")
    response = signed_in(members[0]).post(board(package, "bobot/"), {"technical": 60, "price": 30})
    assert response.status_code == 200
    assert "must add up to 100 %" in response.content.decode()
    assert not Evaluation.objects.filter(technical_weight__isnull=False).exists()


def test_unknown_or_foreign_choices_never_500(portal_a, english):
    """Made-up participant ids in the forms: a form error or a 404, never a 500."""
    package, members, _ = opened_tender(portal_a)
    client = signed_in(members[0])
    assert client.post(board(package, "usulan/"), {"winner": "999999"}).status_code == 200
    assert client.post(board(package, "usulan/"), {"winner": "x"}).status_code == 200
    assert client.get(board(package, "peserta/999999/")).status_code == 404
    assert (
        client.post(board(package, "pembuktian/hasil/"), {"participation": "1"}).status_code == 200
    )
    assert client.post(board(package, "umumkan/")).status_code == 302


def _announced(portal):
    package, members, (first, second, third) = evaluated(portal)
    _decide(package, members, first, [third])
    proof_invite(
        package=package,
        user=members[0],
        participation=first,
        meeting_at=timezone.now() + timedelta(days=1),
        place="Ruang Pokja",
    )
    proof_record(package=package, user=members[0], participation=first, passed=True)
    winner_announce(package=package, user=members[0])
    return package, members, (first, second, third)


def test_the_public_pages_show_the_result_only_after_the_announcement(client, portal_a):
    """Without login: before, no evaluation row and no winner; after, the SPSE readers
    find every participant with the one-letter marks and the winner."""
    package, members, (first, second, third) = evaluated(portal_a)
    hasil = f"/{portal_a.slug}/evaluasi/{package.code}/hasil"
    pemenang = f"/{portal_a.slug}/evaluasi/{package.code}/pemenang"
    assert readers.evaluation(client.get(hasil).content)[1] == []
    assert readers.winners(client.get(pemenang).content) is None
    _decide(package, members, first, [third])
    proof_invite(
        package=package,
        user=members[0],
        participation=first,
        meeting_at=timezone.now() + timedelta(days=1),
        place="Ruang Pokja",
    )
    proof_record(package=package, user=members[0], participation=first, passed=True)
    winner_announce(package=package, user=members[0])

    header, rows = readers.evaluation(client.get(hasil).content)
    assert header[:4] == ["no", "nama_peserta", "a", "t"]
    assert len(rows) == 3
    column = dict(zip(header, rows[1], strict=False))
    assert column["a"] == readers.ICONS["fa-close"]
    assert rows[0][-2] is True  # the second `p`: the winner's star
    (winner,) = readers.winners(client.get(pemenang).content)
    assert winner["nama_pemenang"] == first.company.name
    assert winner["harga_terkoreksi"] == "Rp 870.000.000,00"
    peserta = readers.participants(
        client.get(f"/{portal_a.slug}/lelang/{package.code}/peserta").content
    )
    corrected = {row["nama_peserta"]: row["harga_terkoreksi"] for row in peserta}
    assert corrected[first.company.name] == "Rp 870.000.000,00"
    assert corrected[third.company.name] == "-"


def test_the_vendor_sees_its_own_notes_only(portal_a, english):
    """The losing company sees its failed step with the reason and the winner's name;
    never another company's notes."""
    package, members, (first, second, third) = _announced(portal_a)
    member = second.company.members.first()
    page = signed_in(member.user).get(f"/{portal_a.slug}/perusahaan/tender/{package.code}/hasil/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Dokumen tidak lengkap" in text
    assert f"The winner is {first.company.name}" in text
    assert "Koreksi aritmatik" not in text  # the winner's correction note


def test_the_vendor_result_page_before_any_announcement(portal_a, english):
    package, members, bidders = opened_tender(portal_a)
    passes(package, members[0], bidders[0][1], fail="teknis")
    member = bidders[0][0]
    page = signed_in(member.user).get(f"/{portal_a.slug}/perusahaan/tender/{package.code}/hasil/")
    assert "No result is announced yet." in page.content.decode()
    assert "Dokumen tidak lengkap" not in page.content.decode()


def test_my_tenders_shows_each_tenders_result(portal_a, english):
    """ "My tenders" (tenders app) shows the announced result through
    settings.PARTICIPATION_RESULTS: the winner sees "Winner", a failed bidder "Not the
    winner"."""
    package, _members, (first, second, _third) = _announced(portal_a)
    url = f"/{portal_a.slug}/perusahaan/tender/"
    winner_page = signed_in(first.company.members.first().user).get(url).content.decode()
    loser_page = signed_in(second.company.members.first().user).get(url).content.decode()
    assert "Result: Winner" in winner_page
    assert "Result: Not the winner" in loser_page


def test_the_entry_page_links_the_bids_opened_documents(portal_a, english):
    """The member evaluating a bid finds its opened documents (the opening's private
    copies) on the same page; another bid's are not listed."""
    from inaproc.bids.models import BidVersion, OpenedFile, SealedFile, TenderKey

    package, members, bidders = opened_tender(portal_a)
    (_, mine), (_, other) = bidders[0], bidders[1]
    key = TenderKey.objects.get(package=package, envelope=1)
    for participation, name in ((mine, "penawaran-saya.pdf"), (other, "penawaran-lain.pdf")):
        sealed = SealedFile.objects.create(
            participation=participation,
            slot="penawaran",
            envelope=1,
            stored_name=f"sealed-{participation.pk}",
            size=10,
            sha256="a" * 64,
            in_draft=False,
        )
        BidVersion.objects.get(participation=participation).files.add(sealed)
        OpenedFile.objects.create(
            tender_key=key,
            sealed_file=sealed,
            status="opened",
            stored_name=f"opened-{participation.pk}",
            original_name=name,
        )
    text = signed_in(members[0]).get(entry_url(package, mine)).content.decode()
    assert "penawaran-saya.pdf" in text
    assert "penawaran-lain.pdf" not in text
