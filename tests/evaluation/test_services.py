"""The evaluation services: only after the opening; a fail needs its reason; weights add
up to 100 %; the corrected price is a rupiah amount ≥ 0; the Pokja's quorum decides;
a failed proof moves to the next reserve; the announcement is public, emailed, audited
and logged; reopening withdraws it and keeps it; file II opens only for file I's passes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from inaproc.audit.models import AuditEvent
from inaproc.bids.models import TenderKey
from inaproc.bids.selectors.opening import bids_to_open
from inaproc.evaluation.models import Announcement, Entry, ProposalState
from inaproc.evaluation.selectors import announced_result, evaluation_standing
from inaproc.evaluation.selectors.public import file_two_bidders
from inaproc.evaluation.services import (
    EvaluationRefused,
    StepInput,
    entries_record,
    evaluation_reopen,
    file_one_announce,
    proof_invite,
    proof_record,
    proposal_approve,
    proposal_make,
    weights_set,
    winner_announce,
)
from inaproc.notifications.models import Email
from inaproc.spse.selectors import Mark, evaluation_rows, winners
from inaproc.translog.models import LogEntry
from tests.evaluation.factories import opened_tender

pytestmark = pytest.mark.django_db

ALL = ("administrasi", "teknis", "harga", "kualifikasi")


def passes(package, user, participation, *, corrected=None, score=None, fail=None):
    inputs = []
    for step in ALL:
        failed = step == fail
        inputs.append(
            StepInput(
                step=step,
                passed=not failed,
                reason="Dokumen tidak lengkap" if failed else "",
                score=Decimal(score) if score is not None and step == "teknis" else None,
                corrected_price=Decimal(corrected) if corrected and step == "harga" else None,
                correction_note="Koreksi aritmatik" if corrected and step == "harga" else "",
            )
        )
    return entries_record(package=package, user=user, participation=participation, inputs=inputs)


def evaluated(portal):
    """Three opened bids (900, 875, 880 million): the 875 fails administrasi, the 900 is
    corrected to 870 and ranks first; the 880 second."""
    package, members, bidders = opened_tender(portal)
    (_, first), (_, second), (_, third) = bidders
    passes(package, members[0], first, corrected=870_000_000)
    passes(package, members[0], second, fail="administrasi")
    passes(package, members[1], third)
    return package, members, (first, second, third)


def test_evaluating_before_the_opening_is_refused(portal_a, english):
    """No entry before the tender key of file I is opened."""
    package, members, bidders = opened_tender(portal_a, opened=False)
    with pytest.raises(EvaluationRefused, match="only after the opening"):
        passes(package, members[0], bidders[0][1])
    assert not Entry.objects.exists()


def test_a_fail_without_a_reason_is_refused_and_nothing_saved(portal_a, english):
    """A fail carries its written reason: the service refuses, the database too."""
    package, members, bidders = opened_tender(portal_a)
    inputs = [StepInput(step="administrasi", passed=True), StepInput(step="teknis", passed=False)]
    with pytest.raises(ValidationError) as error:
        entries_record(package=package, user=members[0], participation=bidders[0][1], inputs=inputs)
    assert "teknis_reason" in error.value.message_dict
    assert not Entry.objects.exists()
    evaluation = package.evaluation if hasattr(package, "evaluation") else None
    with pytest.raises(IntegrityError):
        Entry.objects.create(
            evaluation=evaluation or _evaluation(package),
            participation=bidders[0][1],
            step="teknis",
            passed=False,
            reason="",
            entered_by=members[0],
        )


def _evaluation(package):
    from inaproc.evaluation.models import Evaluation

    return Evaluation.objects.get_or_create(package=package)[0]


def test_a_negative_corrected_price_is_refused(portal_a, english):
    """The corrected price is zero or more."""
    package, members, bidders = opened_tender(portal_a)
    with pytest.raises(ValidationError) as error:
        entries_record(
            package=package,
            user=members[0],
            participation=bidders[0][1],
            inputs=[StepInput(step="harga", passed=True, corrected_price=Decimal(-1))],
        )
    assert "corrected_price" in error.value.message_dict
    assert not Entry.objects.exists()


def test_weights_must_add_up_to_100(portal_a, english):
    """A weighted method's weights total 100 %; anything else is refused and unchanged."""
    package, members, _ = opened_tender(portal_a, evaluation_method="sistem_nilai")
    with pytest.raises(ValidationError, match="100 %"):
        weights_set(package=package, user=members[0], technical=70, price=20)
    assert not hasattr(package, "evaluation") or package.evaluation.technical_weight is None
    evaluation = weights_set(package=package, user=members[0], technical=70, price=30)
    assert (evaluation.technical_weight, evaluation.price_weight) == (70, 30)


def test_weights_are_refused_for_a_price_method(portal_a, english):
    package, members, _ = opened_tender(portal_a)
    with pytest.raises(EvaluationRefused, match="uses no weights"):
        weights_set(package=package, user=members[0], technical=50, price=50)


def test_a_scored_method_needs_weights_before_a_proposal(portal_a, english):
    package, members, bidders = opened_tender(portal_a, evaluation_method="kualitas_biaya")
    passes(package, members[0], bidders[0][1], score=80)
    with pytest.raises(EvaluationRefused, match="weights"):
        proposal_make(package=package, user=members[0], winner=bidders[0][1], reserves=[])


def test_only_the_pokja_evaluates(portal_a, english):
    """A Pokja member of another package is refused."""
    package, _members, bidders = opened_tender(portal_a)
    _other, others, _ = opened_tender(portal_a)
    with pytest.raises(EvaluationRefused, match="Only the tender's Pokja"):
        passes(package, others[0], bidders[0][1])


def test_ranking_one_fails_administrasi_one_wins_on_corrected_price(portal_a):
    """The 875 million bid fails administrasi; the 900 million bid corrected to 870
    ranks first, the 880 second."""
    package, _members, (first, second, third) = evaluated(portal_a)
    standing = evaluation_standing(package)
    assert [row.participation for row in standing.ranked] == [first, third]
    assert standing.ranked[0].price == Decimal(870_000_000)
    assert second not in [row.participation for row in standing.ranked]


def test_the_quorum_decides_and_a_member_approves_once(portal_a, english):
    """The proposer's approval counts; the second member's reaches the quorum (2 of 3):
    decided, audited and logged once; a further approval is refused."""
    package, members, (first, _second, third) = evaluated(portal_a)
    proposal = proposal_make(package=package, user=members[0], winner=first, reserves=[third])
    assert proposal.state == ProposalState.PROPOSED
    with pytest.raises(EvaluationRefused, match="already approved"):
        proposal_approve(package=package, user=members[0])
    proposal = proposal_approve(package=package, user=members[1])
    assert proposal.state == ProposalState.DECIDED
    with pytest.raises(EvaluationRefused, match="already decided"):
        proposal_approve(package=package, user=members[2])
    assert AuditEvent.objects.filter(verb="tender.evaluation_decided").count() == 1
    entry = LogEntry.objects.get(kind="tender.evaluation_decided")
    assert str(package.code) in entry.body
    with pytest.raises(EvaluationRefused, match="decided"):
        passes(package, members[0], first)


def test_a_failed_bid_cannot_be_proposed(portal_a, english):
    package, members, (_first, second, _third) = evaluated(portal_a)
    with pytest.raises(EvaluationRefused, match="passed every step"):
        proposal_make(package=package, user=members[0], winner=second, reserves=[])


def _decide(package, members, winner, reserves):
    proposal_make(package=package, user=members[0], winner=winner, reserves=reserves)
    proposal_approve(package=package, user=members[1])


def test_a_failed_proof_moves_to_the_reserve_who_is_announced(portal_a, english):
    """The winner's proof fails (with its reason): the reserve is invited, proves, and
    is announced; every participant is emailed; the result is public and logged."""
    package, members, (first, _second, third) = evaluated(portal_a)
    _decide(package, members, first, [third])
    when = timezone.now() + timezone.timedelta(days=1)
    proof_invite(
        package=package, user=members[0], participation=first, meeting_at=when, place="Ruang Pokja"
    )
    assert Email.objects.filter(template="evaluation/email/proof_invitation").exists()
    with pytest.raises(EvaluationRefused):
        proof_record(package=package, user=members[0], participation=first, passed=False)
    proof_record(
        package=package, user=members[0], participation=first, passed=False, reason="Ijazah palsu"
    )
    assert evaluation_standing(package).awaited == third
    with pytest.raises(EvaluationRefused, match="proof"):
        winner_announce(package=package, user=members[0])
    proof_invite(
        package=package,
        user=members[0],
        participation=third,
        meeting_at=when,
        meeting_link="https://meet.example.id/pokja",
    )
    proof_record(package=package, user=members[0], participation=third, passed=True)
    assert announced_result(package) is None
    winner_announce(package=package, user=members[0])

    result = announced_result(package)
    assert result.winner == third and result.reserves == []
    assert Email.objects.filter(template="evaluation/email/winner_announced").count() == 3
    assert LogEntry.objects.filter(kind="tender.winner_announced").count() == 1
    assert AuditEvent.objects.filter(verb="tender.winner_announced").count() == 1
    rows = evaluation_rows(package)
    assert [r.winner for r in rows] == [False, False, True]
    assert rows[1].cells[0] == Mark.FAILED
    assert rows[0].cells[4] == Decimal(870_000_000)
    assert rows[0].cells[8] == Mark.FAILED and rows[2].cells[8] == Mark.PASSED
    (winner,) = winners(package, contracted=False)
    assert winner.npwp == third.company.npwp and winner.corrected_price == Decimal(880_000_000)
    assert winners(package, contracted=True) == []


def test_nothing_is_public_before_the_announcement(portal_a):
    package, members, (first, _second, third) = evaluated(portal_a)
    _decide(package, members, first, [third])
    assert evaluation_rows(package) == []
    assert winners(package, contracted=False) == []


def test_reopening_withdraws_the_announcement_and_keeps_it(portal_a, english):
    """An upheld objection reopens: announced_result is None again, the withdrawn
    announcement stays with its reason, audited and logged; entries can change."""
    package, members, (first, _second, third) = evaluated(portal_a)
    _decide(package, members, first, [third])
    when = timezone.now() + timezone.timedelta(days=1)
    proof_invite(
        package=package, user=members[0], participation=first, meeting_at=when, place="Ruang"
    )
    proof_record(package=package, user=members[0], participation=first, passed=True)
    winner_announce(package=package, user=members[0])
    with pytest.raises(EvaluationRefused, match="reason"):
        evaluation_reopen(package, actor=members[0], reason=" ")

    assert evaluation_reopen(package, actor=members[0], reason="Sanggah diterima") is True

    assert announced_result(package) is None
    old = Announcement.objects.get()
    assert old.withdrawn_at is not None and old.withdraw_reason == "Sanggah diterima"
    assert AuditEvent.objects.filter(verb="tender.evaluation_reopened").count() == 1
    assert LogEntry.objects.filter(kind="tender.evaluation_reopened").count() == 1
    assert evaluation_rows(package) == []
    passes(package, members[0], first, fail="teknis")
    assert evaluation_reopen(package, actor=None, reason="Lagi") is False


def test_file_two_opens_only_for_the_bids_that_passed_file_one(portal_a, english):
    """A two-file tender: announce file I's result; the opening of envelope 2 then
    takes only the bids that passed (settings.OPENING_FILE_TWO_BIDDERS)."""
    package, members, bidders = opened_tender(
        portal_a,
        document_method="dua_file",
        qualification_method="pra",
        schedule_template="pra_dua_file",
    )
    (_, first), (_, second), (_, third) = bidders
    key_two = TenderKey.objects.get(package=package, envelope=2)
    for participation in (first, third):
        entries_record(
            package=package,
            user=members[0],
            participation=participation,
            inputs=[StepInput("administrasi", True), StepInput("teknis", True)],
        )
    with pytest.raises(EvaluationRefused, match="every bid"):
        file_one_announce(package=package, user=members[0])
    entries_record(
        package=package,
        user=members[0],
        participation=second,
        inputs=[StepInput("administrasi", True), StepInput("teknis", False, reason="Metode")],
    )
    assert file_two_bidders(package) is None
    assert {v.participation_id for v in bids_to_open(key_two)} == {first.pk, second.pk, third.pk}

    with pytest.raises(EvaluationRefused, match="only after file II is opened"):
        entries_record(
            package=package,
            user=members[0],
            participation=first,
            inputs=[StepInput("harga", True)],
        )
    file_one_announce(package=package, user=members[0])

    assert file_two_bidders(package) == {first.pk, third.pk}
    assert {v.participation_id for v in bids_to_open(key_two)} == {first.pk, third.pk}
    assert LogEntry.objects.filter(kind="tender.file_one_announced").count() == 1
