"""What every evaluation write shares: the refusal, the package lock, the runner check,
and one audited and logged decision."""

from typing import Any

from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.evaluation.models import Evaluation
from inaproc.tenders.access import is_runner
from inaproc.tenders.models import Package, PackageState
from inaproc.tenders.services.locks import package_locked
from inaproc.translog.services import append_entry


class EvaluationRefused(ApplicationError):
    """The evaluation write cannot happen; the message says why."""


def locked_evaluation(package: Package, user: User | None) -> tuple[Package, Evaluation]:
    """The package locked (every evaluation write of a package waits for the one
    before), checked published and run by `user` (None: the system), and its
    evaluation (made on first use)."""
    locked = package_locked(package.pk)
    if locked.state != PackageState.PUBLISHED:
        raise EvaluationRefused(_("This tender is not being evaluated."))
    if user is not None and not is_runner(package=locked, user=user):
        raise EvaluationRefused(_("Only the tender's Pokja may evaluate it."))
    evaluation, _created = Evaluation.objects.get_or_create(package=locked)
    return locked, evaluation


def record(
    package: Package,
    *,
    actor: User | None,
    verb: str,
    payload: dict[str, Any],
    log: dict[str, Any] | None = None,
    reason: str = "",
    context: AuditContext | None = None,
) -> None:
    """Audit `verb` (a public tender event: the public pages' cache is dropped) and,
    with `log`, append the public body to the portal's transparency log."""
    audit_record(
        actor=actor,
        verb=verb,
        target=package,
        portal=package.portal,
        payload={"code": package.code, **payload},
        reason=reason,
        context=context,
    )
    if log is not None:
        append_entry(portal=package.portal, kind=verb, body={"tender": str(package.code), **log})
