"""What an upheld objection or appeal does to its tender, what it logs, and who is told."""

from django.conf import settings
from django.utils.module_loading import import_string

from inaproc.accounts.models import User
from inaproc.core.context import AuditContext
from inaproc.objections.models import Outcome
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.tenders.models import FailureReason, Package
from inaproc.tenders.selectors.participation import acting_members
from inaproc.tenders.selectors.pokja import pokja_active_members
from inaproc.tenders.services.failure import tender_fail
from inaproc.tenders.services.participation_mail import email_to
from inaproc.translog.services import append_entry, utc_iso
from inaproc.vendors.models import Company


def upheld_apply(
    *,
    package: Package,
    outcome: str,
    reasons: str,
    actor: User,
    context: AuditContext | None,
) -> None:
    """REEVALUATE: each of settings.TENDER_REEVALUATION_HOOKS is called with the package,
    the actor and the reasons (the evaluation app reopens its evaluation); FAIL: the
    tender fails at once with "objection upheld" and the reasons."""
    if outcome == Outcome.FAIL:
        tender_fail(
            package=package,
            reason=FailureReason.OBJECTION_UPHELD,
            note=reasons,
            actor=actor,
            context=context,
        )
        return
    for path in settings.TENDER_REEVALUATION_HOOKS:
        import_string(path)(package, actor=actor, reason=reasons)


def log_decision(*, package: Package, kind: str, number: int, decision: str, outcome: str, at):
    """A public log entry of an answer or an appeal decision: which objection (its
    number in the tender), the decision and its effect; not the texts (public only after
    Masa Sanggah, on the tender's page)."""
    append_entry(
        portal=package.portal,
        kind=kind,
        body={
            "tender": str(package.code),
            "objection": number,
            "decision": decision,
            "outcome": outcome,
            "at": utc_iso(at),
        },
    )


def company_addresses(company: Company) -> list[str]:
    addresses = [company.email, *(m.user.email for m in acting_members(company))]
    seen: dict[str, str] = {}
    for address in addresses:
        if address and address.strip():
            seen.setdefault(address.strip().lower(), address.strip())
    return sorted(seen.values())


def email_company(*, company: Company, package: Package, template: str, context: dict) -> None:
    url = portal_absolute_url(package.portal, "objections:participant_objection", code=package.code)
    email_to(
        company_addresses(company),
        package=package,
        template=template,
        context={"objection_url": url, **context},
    )


def email_runners(*, package: Package, template: str, context: dict) -> None:
    runners = (
        pokja_active_members(package.pokja)
        if package.pokja is not None
        else [package.pejabat_pengadaan]
        if package.pejabat_pengadaan is not None
        else []
    )
    url = portal_absolute_url(package.portal, "objections:staff_objections", package_id=package.pk)
    email_to(
        sorted({user.email for user in runners if user.email}),
        package=package,
        template=template,
        context={"staff_url": url, **context},
    )
