"""Sanggah banding (Pekerjaan Konstruksi): the objector of a rejected objection appeals
to the budget holder (PA/KPA); the package's PPK or a portal administrator enters the
budget holder's decision. An accepted appeal has the effects of an upheld objection."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import Role, User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.objections.models import Appeal, Decision, Objection, Outcome
from inaproc.objections.selectors import appeal_open, may_act
from inaproc.objections.services.effects import email_company, log_decision, upheld_apply
from inaproc.objections.services.objections import ObjectionRefused, objection_number
from inaproc.tenders.models import Package, PackageState
from inaproc.tenders.services.locks import package_locked
from inaproc.vendors.models import CompanyMember

APPEAL_DECIDED_EMAIL = "objections/email/appeal_decided"


def appeal_file(
    *,
    objection: Objection,
    member: CompanyMember,
    reasons: str,
    context: AuditContext | None = None,
) -> Appeal:
    reasons = reasons.strip()
    if not reasons:
        raise ObjectionRefused(_("Write the reasons for your appeal."))
    if member.company_id != objection.participation.company_id or not may_act(member):
        raise ObjectionRefused(
            _("Only the company's administrator or a bid preparer can file an appeal.")
        )
    with transaction.atomic():
        package = package_locked(objection.package_id, with_stages=True)
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        locked.package = package
        if not appeal_open(locked, now=timezone.now()):
            raise ObjectionRefused(_("An appeal of this objection cannot be filed."))
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(
                    objection=locked, filed_by=member.user, reasons=reasons
                )
        except IntegrityError:
            raise ObjectionRefused(_("An appeal of this objection cannot be filed.")) from None
        audit_record(
            actor=member.user,
            verb="tender.appeal_filed",
            target=package,
            portal=package.portal,
            payload={"code": package.code, "objection": locked.pk, "appeal": appeal.pk},
            context=context,
        )
    return appeal


def may_decide_appeals(*, package: Package, user: User) -> bool:
    """The package's PPK, or a portal administrator of its portal, records the budget
    holder's (PA/KPA) decision."""
    if not (user.is_authenticated and user.is_active and user.portal_id == package.portal_id):
        return False
    return (package.ppk_id == user.pk and user.has_role(Role.PPK)) or user.has_role(
        Role.PORTAL_ADMIN
    )


def appeal_decide(
    *,
    appeal: Appeal,
    user: User,
    decision: str,
    reasons: str,
    outcome: str = "",
    context: AuditContext | None = None,
) -> Appeal:
    reasons = reasons.strip()
    if decision not in Decision.values:
        raise ObjectionRefused(_("Choose whether the appeal is accepted or rejected."))
    if not reasons:
        raise ObjectionRefused(_("Write the reasons of the decision."))
    if decision == Decision.ACCEPTED and outcome not in Outcome.values:
        raise ObjectionRefused(
            _("Choose what the accepted appeal does: evaluate again or fail the tender.")
        )
    with transaction.atomic():
        package = package_locked(appeal.objection.package_id)
        if not may_decide_appeals(package=package, user=user):
            raise ObjectionRefused(_("You cannot record decisions on appeals of this tender."))
        if package.state != PackageState.PUBLISHED:
            raise ObjectionRefused(_("Appeals of this tender can no longer be decided."))
        locked = (
            Appeal.objects.select_for_update()
            .select_related("objection__participation__company")
            .get(pk=appeal.pk)
        )
        if locked.decided_at is not None:
            raise ObjectionRefused(_("This appeal has already been decided."))
        locked.decision, locked.decision_reasons, locked.decided_by = decision, reasons, user
        locked.outcome = outcome if decision == Decision.ACCEPTED else ""
        locked.decided_at = timezone.now()
        locked.save(
            update_fields=["decision", "decision_reasons", "decided_by", "outcome", "decided_at"]
        )
        audit_record(
            actor=user,
            verb="tender.appeal_decided",
            target=package,
            portal=package.portal,
            payload={"code": package.code, "appeal": locked.pk, "decision": decision},
            reason=reasons,
            context=context,
        )
        log_decision(
            package=package,
            kind="tender.appeal_decided",
            number=objection_number(locked.objection),
            decision=decision,
            outcome=locked.outcome,
            at=locked.decided_at,
        )
        email_company(
            company=locked.objection.participation.company,
            package=package,
            template=APPEAL_DECIDED_EMAIL,
            context={"appeal": locked},
        )
        if decision == Decision.ACCEPTED:
            upheld_apply(
                package=package, outcome=outcome, reasons=reasons, actor=user, context=context
            )
    return locked
