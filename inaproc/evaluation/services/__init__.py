"""Writes of the evaluation. `evaluation_reopen` is what other apps call (an upheld
objection sends the tender back to evaluation)."""

from inaproc.evaluation.services.announcement import (
    evaluation_reopen,
    file_one_announce,
    winner_announce,
)
from inaproc.evaluation.services.common import EvaluationRefused
from inaproc.evaluation.services.decision import proposal_approve, proposal_make
from inaproc.evaluation.services.entries import StepInput, entries_record, weights_set
from inaproc.evaluation.services.negotiation import negotiation_record
from inaproc.evaluation.services.proof import proof_invite, proof_record

__all__ = [
    "EvaluationRefused",
    "StepInput",
    "entries_record",
    "evaluation_reopen",
    "file_one_announce",
    "negotiation_record",
    "proof_invite",
    "proof_record",
    "proposal_approve",
    "proposal_make",
    "weights_set",
    "winner_announce",
]
