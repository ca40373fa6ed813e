"""One review workflow for what the verifiers decide (registrations and changes of company
data; a company administrator withdrawing a change goes the same way): lock the row, let
the model's state machine say whether the decision may still be taken, apply it, record
the history and the audit row in the same transaction, and queue the email (sent on
commit). The services say only what differs, in a `Decision`.

Below both sub-packages (docs/decisions/0008): `vendors.registrations` and
`vendors.companies` import it; it imports neither."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar, cast

from django.db import models, transaction
from django.utils import timezone
from django_fsm import can_proceed

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.portals.models import Portal

# A model with a protected FSM `status`, `decided_by` and `decided_at` (Registration,
# ChangeRequest), whose decision transitions take `by=` and `at=`.
Subject = TypeVar("Subject", bound=models.Model)


class Reviewable(Protocol):
    """What a reviewed row has: a status with its label, and who decided it when."""

    pk: Any
    status: str
    decided_by: User | None
    decided_at: datetime | None

    def get_status_display(self) -> str: ...


class ReviewConflict(Exception):
    """The registration or change is not (or no longer) waiting for this decision: someone
    decided (or withdrew) it first, or it has not reached the queue yet. Carries the row as
    it is now, who decided it and when, and its status as shown to people."""

    def __init__(self, subject: Reviewable) -> None:
        super().__init__(f"{type(subject).__name__} {subject.pk} is {subject.status}")
        self.subject = subject
        self.decided_by: User | None = subject.decided_by
        self.decided_at: datetime | None = subject.decided_at
        self.status_label: str = str(subject.get_status_display())


def _no_payload(_subject: Any) -> None:
    return None


@dataclass(frozen=True, kw_only=True)
class Decision(Generic[Subject]):
    """What one decision does beyond what every decision does.

    `transition` names the model's transition; it is called with `by=actor`, `at=now`
    and `arguments`, and records who decided and when. `effects` run first and may refuse
    by raising (the transaction is then rolled back); `history` writes the history row
    after the save; `email` queues the email; `payload` gives the audit row's payload."""

    transition: str
    actor: User
    portal: Portal
    verb: str
    arguments: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    payload: Callable[[Subject], dict[str, Any] | None] = _no_payload
    effects: Callable[[Subject], None] | None = None
    history: Callable[[Subject], None] | None = None
    email: Callable[[Subject], None] | None = None
    context: AuditContext | None = None


def review_decide(*, lock: Callable[[], Subject], decision: Decision[Subject]) -> Subject:
    """Take `decision` on the row `lock()` returns, all in one transaction.

    `lock` fetches the row with `select_for_update` (and locks whatever must be locked
    before it, always in the same order). Raises ReviewConflict, changing nothing, unless
    the state machine allows the transition from the row's current status."""
    with transaction.atomic():
        subject = lock()
        transition = getattr(subject, decision.transition)
        if not can_proceed(transition):
            raise ReviewConflict(cast(Reviewable, subject))
        if decision.effects is not None:
            decision.effects(subject)
        transition(by=decision.actor, at=timezone.now(), **decision.arguments)
        subject.save()
        if decision.history is not None:
            decision.history(subject)
        audit_record(
            actor=decision.actor,
            verb=decision.verb,
            target=subject,
            portal=decision.portal,
            reason=decision.reason,
            payload=decision.payload(subject),
            context=decision.context,
        )
        if decision.email is not None:
            decision.email(subject)
    return subject


def rejection_reason(reason: str) -> str:
    """The reason of a rejection, which may not be empty (the forms require one too)."""
    if not reason.strip():
        raise ValueError("A rejection needs a reason.")
    return reason.strip()
