"""The emails of the tender and staff actions are written in Indonesian (the portal's
language: the recipients chose none) and name the portal, whatever language the
official who acted browses in; every official action leaves an audit row."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.notifications.models import Email
from inaproc.tenders.models import PackageState, PokjaMember, Question, ReminderKind
from inaproc.tenders.services.participation import reminder_send
from inaproc.tenders.stages import CLARIFICATION
from tests.factories import make_user
from tests.helpers import signed_in
from tests.tenders import participation_factories as tf
from tests.tenders.test_access_holes import joined, pdf

pytestmark = pytest.mark.django_db

# Words of an English sentence that no Indonesian email of ours contains.
ENGLISH = re.compile(r"\b(the|was|has been|your|Hello|tender is|question)\b", re.IGNORECASE)


def assert_indonesian_with_portal_name(email: Email) -> None:
    text = f"{email.subject}\n{email.body}"
    assert "LPSE Alpha" in text, (email.template, text)
    # Links and names apart, no English sentence is left.
    prose = re.sub(r"https?://\S+", "", text).replace("Pembangunan Gedung Kantor", "")
    assert not ENGLISH.search(prose), (email.template, ENGLISH.search(prose), text)


def runner_of(package):
    return PokjaMember.objects.filter(pokja=package.pokja).order_by("pk").first().user


def test_participants_emails_are_indonesian_and_name_the_portal(portal_a):
    package = tf.published_tender(portal_a)
    member = joined(package)
    question = Question.objects.create(
        package=package,
        participation=package.participations.get(),
        asked_by=member.user,
        text="Apakah boleh konsorsium?",
    )
    runner = signed_in(runner_of(package), english=True)
    url = f"/lpse-a/staf/paket/{package.pk}/"

    runner.post(f"{url}pertanyaan/{question.pk}/jawab/", {"answer": "Boleh."})
    runner.post(f"{url}adendum/", {"upload": pdf("adendum.pdf"), "note": "Jadwal diubah."})
    last = package.stages.order_by("-position").first()
    later = timezone.localtime(last.ends_at + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    schedule = {
        f"{stage.key}__{edge}": timezone.localtime(getattr(stage, f"{edge}")).strftime(
            "%Y-%m-%d %H:%M"
        )
        for stage in package.stages.all()
        for edge in ("starts_at", "ends_at")
    }
    runner.post(
        f"{url}jadwal/",
        {**schedule, f"{last.key}__ends_at": later, "reason": "Permintaan peserta."},
    )
    runner.post(f"{url}batalkan/", {"reason": "Anggaran dialihkan."})

    templates = set(Email.objects.values_list("template", flat=True))
    assert {
        "tenders/email/question_answered",
        "tenders/email/addendum",
        "tenders/email/schedule_changed",
        "tenders/email/cancelled",
    } <= templates
    for email in Email.objects.all():
        assert_indonesian_with_portal_name(email)
    verbs = set(AuditEvent.objects.filter(actor__isnull=False).values_list("verb", flat=True))
    assert {
        "tender.question_answered",
        "tender.addendum_published",
        "tender.schedule_changed",
        "tender.cancelled",
    } <= verbs


def test_the_ppk_is_emailed_in_indonesian_when_the_quorum_publishes(portal_a):
    pokja, members = tf.make_pokja(portal_a)
    package = tf.make_package(portal_a, pokja=pokja, start=timezone.now() + timedelta(hours=1))
    for member in members[:2]:
        signed_in(member, english=True).post(f"/lpse-a/staf/paket/{package.pk}/publikasi/setujui/")

    package.refresh_from_db()
    assert package.state == PackageState.PUBLISHED
    (email,) = Email.objects.filter(template="tenders/email/published")
    assert_indonesian_with_portal_name(email)
    assert AuditEvent.objects.filter(verb="tender.publication_approved").count() == 2


def test_the_bid_deadline_reminder_is_indonesian(portal_a):
    now = timezone.now()
    package = tf.published_tender(
        portal_a,
        clarification=(now - timedelta(hours=3), now - timedelta(hours=2)),
        bid_deadline=now + timedelta(hours=1),
    )
    member = joined(package)
    package.participations.update(joined_at=now - timedelta(days=1))

    with translation.override("en"):
        assert (
            reminder_send(participation_id=package.participations.get().pk, kind=ReminderKind.HOURS)
            == "sent"
        )

    (email,) = Email.objects.filter(template="tenders/email/bid_deadline_reminder")
    assert email.to == member.user.email
    assert_indonesian_with_portal_name(email)


def test_the_staff_invitation_is_indonesian_even_from_an_english_speaking_admin(portal_a):
    admin = signed_in(make_user(portal_a, role=Role.PORTAL_ADMIN), english=True)

    response = admin.post(
        "/lpse-a/staf/pengguna/undang/",
        {"full_name": "Sri Pokja", "email": "sri@example.id", "username": "sri", "roles": "pokja"},
    )

    assert response.status_code == 302
    (email,) = Email.objects.filter(template="accounts/email/staff_invitation")
    assert_indonesian_with_portal_name(email)
    assert AuditEvent.objects.filter(verb="staff.invited").exists()


def test_clarification_is_the_running_stage_of_the_factory_tender(portal_a):
    """(The first test relies on it: the answer and the addendum need the stage.)"""
    package = tf.published_tender(portal_a)
    stage = package.stages.get(key=CLARIFICATION)
    assert stage.starts_at <= timezone.now() < stage.ends_at
