"""Pemberian Penjelasan: questions during the stage, answers by the runner until the bid
deadline, every participant reads everything without the asker; staff see the asker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.tenders.models import Question, QuestionAttachment
from inaproc.tenders.selectors.participation import QUESTIONS_PER_PARTICIPANT
from inaproc.tenders.services.clarification import (
    ClarificationRefused,
    question_answer,
    question_ask,
)
from inaproc.tenders.services.participation import participation_join
from tests.factories import make_user
from tests.helpers import signed_in
from tests.tenders.participation_factories import make_vendor, published_tender
from tests.vendors.builders import png_bytes, upload

pytestmark = pytest.mark.django_db
ANSWERED = "tenders/email/question_answered"


@pytest.fixture
def tender(portal_a):
    """A tender in its clarification with two participants."""
    package = published_tender(portal_a)
    first, second = make_vendor(portal_a), make_vendor(portal_a)
    participations = [
        participation_join(package=package, member=member, integrity_pact=True)
        for member in (first, second)
    ]
    runner = package.pokja.members.first().user
    return package, (first, second), participations, runner


def _ask_url(package):
    return f"/{package.portal.slug}/perusahaan/tender/{package.code}/pertanyaan/"


def test_a_participant_asks_with_a_pdf_and_it_is_audited(tender):
    package, (first, _second), _participations, _runner = tender
    response = signed_in(first.user).post(
        _ask_url(package), {"text": "Apakah boleh konsorsium?", "attachment": upload("soal.pdf")}
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.text == "Apakah boleh konsorsium?"
    assert QuestionAttachment.objects.filter(question=question).count() == 1
    assert AuditEvent.objects.filter(verb="tender.question_asked").count() == 1


def test_a_non_pdf_attachment_or_an_empty_question_gets_a_message_and_nothing_saved(
    tender, english
):
    package, (first, _second), _participations, _runner = tender
    client = signed_in(first.user, english=True)
    response = client.post(
        _ask_url(package),
        {"text": "Gambar", "attachment": upload("gambar.png", png_bytes())},
    )
    assert response.status_code == 200
    assert "Attach a PDF file." in response.content.decode()
    response = client.post(_ask_url(package), {"text": "   "})
    assert response.status_code == 200
    assert "Write your question." in response.content.decode()
    assert not Question.objects.exists()


def test_a_question_after_the_stage_ended_is_refused(portal_a, english):
    now = timezone.now()
    package = published_tender(
        portal_a, clarification=(now - timedelta(days=1), now - timedelta(minutes=1))
    )
    member = make_vendor(portal_a)
    participation = participation_join(package=package, member=member, integrity_pact=True)

    with pytest.raises(ClarificationRefused, match="only be asked during"):
        question_ask(participation=participation, member=member, text="Terlambat?", uploads=[])
    response = signed_in(member.user, english=True).post(
        _ask_url(package), {"text": "Terlambat?"}, follow=True
    )
    assert response.status_code == 200
    assert "Questions can only be asked during Pemberian Penjelasan." in response.content.decode()
    assert not Question.objects.exists()


def test_a_viewer_and_a_non_participant_cannot_ask(tender, portal_a):
    package, (first, _second), _participations, _runner = tender
    viewer = make_vendor(portal_a, role="viewer", company=first.company)
    stranger = make_vendor(portal_a)
    assert signed_in(viewer.user).post(_ask_url(package), {"text": "x"}).status_code == 403
    assert signed_in(stranger.user).post(_ask_url(package), {"text": "x"}).status_code == 404
    assert not Question.objects.exists()


def test_questions_per_participant_are_limited(tender, settings):
    package, (first, _second), (participation, _), _runner = tender
    for n in range(QUESTIONS_PER_PARTICIPANT):
        question_ask(participation=participation, member=first, text=f"Q{n}", uploads=[])
    with pytest.raises(ClarificationRefused):
        question_ask(participation=participation, member=first, text="Satu lagi", uploads=[])
    assert Question.objects.count() == QUESTIONS_PER_PARTICIPANT


def test_the_answer_is_emailed_to_every_participant_and_audited(tender, english):
    package, (first, second), (participation, _), runner = tender
    question = question_ask(participation=participation, member=first, text="Q?", uploads=[])

    response = signed_in(runner).post(
        f"/lpse-a/staf/paket/{package.pk}/pertanyaan/{question.pk}/jawab/",
        {"answer": "Boleh."},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.answer, question.answered_by) == ("Boleh.", runner)
    assert sorted(Email.objects.filter(template=ANSWERED).values_list("to", flat=True)) == sorted(
        [first.user.email, second.user.email]
    )
    assert AuditEvent.objects.filter(verb="tender.question_answered").count() == 1
    with pytest.raises(ClarificationRefused, match="already been answered"):
        question_answer(question=question, user=runner, answer="Lagi")


def test_participants_see_questions_without_the_asker_staff_see_the_company(tender):
    package, (first, second), (participation, _), runner = tender
    question_ask(participation=participation, member=first, text="Pertanyaan rahasia?", uploads=[])

    page = signed_in(second.user).get(f"/lpse-a/perusahaan/tender/{package.code}/")
    text = page.content.decode()
    assert "Pertanyaan rahasia?" in text
    assert first.company.name not in text
    staff = signed_in(runner).get(f"/lpse-a/staf/paket/{package.pk}/pertanyaan/")
    assert first.company.name in staff.content.decode()


def test_an_answer_is_refused_after_the_bid_deadline_and_for_a_stranger(portal_a, english):
    now = timezone.now()
    package = published_tender(portal_a)
    member = make_vendor(portal_a)
    participation = participation_join(package=package, member=member, integrity_pact=True)
    question = question_ask(participation=participation, member=member, text="Q?", uploads=[])
    stranger = make_user(portal_a, role=Role.POKJA)
    with pytest.raises(ClarificationRefused):
        question_answer(question=question, user=stranger, answer="x")
    assert (
        signed_in(stranger)
        .post(f"/lpse-a/staf/paket/{package.pk}/pertanyaan/{question.pk}/jawab/", {"answer": "x"})
        .status_code
        == 404
    )
    package.stages.filter(key="upload_penawaran").update(
        starts_at=now - timedelta(hours=2), ends_at=now - timedelta(seconds=1)
    )
    runner = package.pokja.members.first().user
    with pytest.raises(ClarificationRefused, match="until the bid deadline"):
        question_answer(question=question, user=runner, answer="Terlambat")
    question.refresh_from_db()
    assert question.answered_at is None
    assert not Email.objects.filter(template=ANSWERED).exists()


def test_question_files_reach_participants_under_a_neutral_name(tender, portal_a):
    package, (first, second), (participation, _), runner = tender
    signed_in(first.user).post(_ask_url(package), {"text": "Q", "attachment": upload("PT-A.pdf")})
    question = Question.objects.get()
    url = f"/lpse-a/perusahaan/tender/{package.code}/pertanyaan/{question.pk}/lampiran/"
    response = signed_in(second.user).get(url)
    assert response.status_code == 200
    assert "PT-A" not in response["Content-Disposition"]
    assert signed_in(make_vendor(portal_a).user).get(url).status_code == 404
    staff_url = f"/lpse-a/staf/paket/{package.pk}/pertanyaan/{question.pk}/lampiran/"
    assert signed_in(runner).get(staff_url).status_code == 200
