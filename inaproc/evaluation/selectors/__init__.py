"""Reads of the evaluation. `announced_result` is what other apps ask (objections,
award): None before the winner is announced."""

from inaproc.evaluation.selectors.board import (
    Candidate,
    Standing,
    evaluation_refusal,
    evaluation_standing,
)
from inaproc.evaluation.selectors.public import (
    AnnouncedResult,
    announced_result,
    file_two_bidders,
)

__all__ = [
    "AnnouncedResult",
    "Candidate",
    "Standing",
    "announced_result",
    "evaluation_refusal",
    "evaluation_standing",
    "file_two_bidders",
]
