"""Award test data through the real services: an opened tender (tests.evaluation),
evaluated, decided, proved and announced, then Masa Sanggah moved into the past (or
left running), and the package's PPK."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from inaproc.award.services import ContractInput, award_letter_issue
from inaproc.evaluation.services import (
    StepInput,
    entries_record,
    proof_invite,
    proof_record,
    proposal_approve,
    proposal_make,
    winner_announce,
)
from inaproc.tenders.models import Package
from tests.evaluation.factories import opened_tender
from tests.objections.factories import objection_window

STEPS = ("administrasi", "teknis", "harga", "kualifikasi")


def _passes(package, user, participation, *, corrected=None):
    inputs = [
        StepInput(
            step=step,
            passed=True,
            reason="",
            score=None,
            corrected_price=Decimal(corrected) if corrected and step == "harga" else None,
            correction_note="Koreksi aritmatik" if corrected and step == "harga" else "",
        )
        for step in STEPS
    ]
    entries_record(package=package, user=user, participation=participation, inputs=inputs)


def announced_tender(portal, *, sanggah_over: bool = True):
    """(package, Pokja members, winner (vendor member, participation), loser) of a
    tender whose winner (bid 900 million corrected to 870 million) is announced; Masa
    Sanggah ended an hour ago (or runs for two more days)."""
    package, members, bidders = opened_tender(portal, prices=(900_000_000, 920_000_000))
    (winner_member, winner), loser = bidders
    _passes(package, members[0], winner, corrected=870_000_000)
    _passes(package, members[0], loser[1])
    proposal_make(package=package, user=members[0], winner=winner, reserves=[loser[1]])
    proposal_approve(package=package, user=members[1])
    proof_invite(
        package=package,
        user=members[0],
        participation=winner,
        meeting_at=timezone.now() + timedelta(days=1),
        place="Ruang Pokja",
    )
    proof_record(package=package, user=members[0], participation=winner, passed=True)
    winner_announce(package=package, user=members[0])
    now = timezone.now()
    if sanggah_over:
        objection_window(package, starts=now - timedelta(days=3), ends=now - timedelta(hours=1))
    else:
        objection_window(package, starts=now - timedelta(hours=1), ends=now + timedelta(days=2))
    package = Package.objects.select_related("ppk", "portal").get(pk=package.pk)
    return package, members, (winner_member, winner), loser


def issue_letter(package, number="001/SPPBJ/DPU/XII/2026"):
    return award_letter_issue(
        package=package, user=package.ppk, number=number, letter_date=date(2026, 12, 7)
    )


def contract_input(**changes) -> ContractInput:
    fields = {
        "number": "KTR-01/DPU/2026",
        "signed_on": date(2026, 12, 10),
        "value": Decimal("870000000"),
        "ppk_name": "Budi Santoso",
        "ppk_position": "Kepala Bidang",
        "vendor_signatory_name": "Siti Rahma",
        "vendor_signatory_position": "Direktur Utama",
        "starts_on": date(2026, 12, 11),
        "ends_on": None,
        "duration_days": 90,
        "justification": "",
        **changes,
    }
    return ContractInput(**fields)
