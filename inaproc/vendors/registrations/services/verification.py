"""Verifiers decide on registrations: approve (the account becomes active), reject with a
reason, or ask for changes per field or document. One decision per queue visit: the row is
locked and a registration no longer in the queue refuses a second decision (ReviewConflict;
the workflow is `vendors.review`, shared with changes of company data)."""

from collections.abc import Callable

from django.utils.translation import get_language

from inaproc.accounts.models import User
from inaproc.core.context import AuditContext
from inaproc.notifications.services import email_send
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.vendors.companies.selectors.company import note_labels
from inaproc.vendors.models import EventKind, Registration, RegistrationEvent
from inaproc.vendors.review import Decision, rejection_reason, review_decide


def _locked(*, registration_id: int, portal: Portal) -> Callable[[], Registration]:
    def lock() -> Registration:
        return (
            # Only this row: FOR UPDATE on the joined portal row would hold up every
            # insert that refers to the portal (audit rows, emails, login attempts).
            Registration.objects.select_for_update(of=("self",))
            .select_related("company", "applicant", "portal", "decided_by")
            .get(pk=registration_id, portal=portal)
        )

    return lock


def _decide(
    *,
    registration_id: int,
    portal: Portal,
    verifier: User,
    transition: str,
    event_kind: str,
    verb: str,
    arguments: dict | None = None,
    effects: Callable[[Registration], None] | None = None,
    message: str = "",
    notes: dict | None = None,
    email_template: str,
    context: AuditContext | None = None,
) -> Registration:
    """The review workflow (`vendors.review`) with a registration's history event, audit
    payload and email. Raises ReviewConflict unless the registration is in the queue."""

    def history(registration: Registration) -> None:
        RegistrationEvent.objects.create(
            registration=registration,
            kind=event_kind,
            actor=verifier,
            message=message,
            notes=notes or {},
        )

    def email(registration: Registration) -> None:
        _decision_email(
            registration=registration, template=email_template, message=message, notes=notes
        )

    decision = Decision[Registration](
        transition=transition,
        arguments=arguments or {},
        actor=verifier,
        portal=portal,
        verb=verb,
        reason=message,
        payload=lambda _registration: {"fields": sorted(notes)} if notes else None,
        effects=effects,
        history=history,
        email=email,
        context=context,
    )
    return review_decide(
        lock=_locked(registration_id=registration_id, portal=portal), decision=decision
    )


def _decision_email(*, registration: Registration, template: str, message: str, notes) -> None:

    portal = registration.portal
    email_send(
        to=registration.applicant.email,
        portal=portal,
        template=template,
        language=get_language(),
        context={
            "company_name": registration.company.name,
            "username": registration.applicant.username,
            "message": message,
            "notes": note_labels(notes or {}),
            "login_url": portal_absolute_url(portal, "accounts:login"),
            "reset_url": portal_absolute_url(portal, "accounts:password_reset"),
        },
    )


def registration_approve(
    *, registration_id: int, portal: Portal, verifier: User, context: AuditContext | None = None
) -> Registration:
    """Approve: the vendor's account becomes active and the vendor is told, with the login
    link of this portal."""

    def activate(registration: Registration) -> None:
        applicant = registration.applicant
        applicant.is_active = True
        applicant.save(update_fields=["is_active"])

    return _decide(
        registration_id=registration_id,
        portal=portal,
        verifier=verifier,
        transition="approve",
        effects=activate,
        event_kind=EventKind.APPROVED,
        verb="registration.approved",
        email_template="vendors/email/registration_approved",
        context=context,
    )


def registration_reject(
    *,
    registration_id: int,
    portal: Portal,
    verifier: User,
    reason: str,
    context: AuditContext | None = None,
) -> Registration:
    reason = rejection_reason(reason)
    return _decide(
        registration_id=registration_id,
        portal=portal,
        verifier=verifier,
        transition="reject",
        arguments={"reason": reason},
        event_kind=EventKind.REJECTED,
        verb="registration.rejected",
        message=reason,
        email_template="vendors/email/registration_rejected",
        context=context,
    )


def registration_request_changes(
    *,
    registration_id: int,
    portal: Portal,
    verifier: User,
    notes: dict[str, str],
    message: str = "",
    context: AuditContext | None = None,
) -> Registration:
    """Ask for changes: `notes` maps a field name or `document:<kind>` to what to fix."""
    notes = {key: text.strip() for key, text in notes.items() if text and text.strip()}
    if not notes and not message.strip():
        raise ValueError("A request for changes needs at least one note.")
    return _decide(
        registration_id=registration_id,
        portal=portal,
        verifier=verifier,
        transition="request_changes",
        event_kind=EventKind.CHANGES_REQUESTED,
        verb="registration.changes_requested",
        message=message.strip(),
        notes=notes,
        email_template="vendors/email/registration_changes_requested",
        context=context,
    )
