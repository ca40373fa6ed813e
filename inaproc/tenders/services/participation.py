"""Joining a published tender ("Ikut Tender") and the bid-deadline reminders.

Reminders: 24 hours and 2 hours before the bid deadline, to the company's acting users.
A task is queued for each when a company joins; the task reads the deadline again when it
runs (it may have moved), sends only inside its window and only once per deadline
(`ParticipationReminder`), and queues itself again when the deadline moved later. The
`send_tender_reminders` command finds due reminders the same way, for deadlines moved
after the tasks were queued; run it every few minutes.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.tenders import stages
from inaproc.tenders.models import (
    Invitation,
    Package,
    PackageState,
    Participation,
    ParticipationReminder,
    ReminderKind,
    ScheduleStage,
)
from inaproc.tenders.models.choices import NON_TENDER_METHODS
from inaproc.tenders.selectors.participation import (
    ACTING_ROLES,
    acting_members,
    bid_deadline,
    joining_open,
)
from inaproc.tenders.services.locks import package_locked
from inaproc.tenders.services.participation_mail import email_to, participant_page_link
from inaproc.vendors.models import CompanyMember, RegistrationStatus

REMINDER_EMAIL = "tenders/email/bid_deadline_reminder"
REMINDER_OFFSETS = {ReminderKind.DAY: timedelta(hours=24), ReminderKind.HOURS: timedelta(hours=2)}


class ParticipationRefused(ApplicationError):
    """The company cannot join (now); the message says why."""


def _check_member(member: CompanyMember, package: Package) -> None:
    company = member.company
    registration = getattr(company, "registration", None)
    if (
        company.portal_id != package.portal_id
        or registration is None
        or registration.status != RegistrationStatus.APPROVED
    ):
        raise ParticipationRefused(_("Only an approved company of this portal can join."))
    if member.suspended_at is not None or not member.user.is_active:
        raise ParticipationRefused(_("Your account is suspended in your company."))
    if member.role not in ACTING_ROLES:
        raise ParticipationRefused(
            _("Only the company's administrator or a bid preparer can join a tender.")
        )


def participation_join(
    *,
    package: Package,
    member: CompanyMember,
    integrity_pact: bool,
    context: AuditContext | None = None,
) -> Participation:
    """`member`'s company joins the published `package` after agreeing to the integrity
    pact, while joining is open. Joining twice is refused (the unique constraint decides
    when two joins meet)."""
    if not integrity_pact:
        raise ParticipationRefused(_("Agree to the integrity pact to join."))
    _check_member(member, package)
    now = timezone.now()
    with transaction.atomic():
        locked = package_locked(package.pk, with_stages=True)
        if not joining_open(locked, now=now):
            raise ParticipationRefused(_("Joining this tender is closed."))
        if (
            locked.selection_method in NON_TENDER_METHODS
            and not Invitation.objects.filter(package=locked, company=member.company).exists()
        ):
            raise ParticipationRefused(
                _(
                    "Participation in this package is by invitation only, and your company "
                    "has not been invited."
                )
            )
        try:
            with transaction.atomic():
                participation = Participation.objects.create(
                    package=locked,
                    company=member.company,
                    joined_by=member.user,
                    integrity_pact_agreed_at=now,
                )
        except IntegrityError:
            raise ParticipationRefused(
                _("Your company already takes part in this tender.")
            ) from None
        audit_record(
            actor=member.user,
            verb="tender.joined",
            target=locked,
            portal=locked.portal,
            payload={"code": locked.code, "company": member.company_id},
            context=context,
        )
        transaction.on_commit(lambda: reminders_plan(participation_id=participation.pk))
    return participation


def reminder_due_at(deadline: datetime, kind: str) -> datetime:
    return deadline - REMINDER_OFFSETS[ReminderKind(kind)]


def reminders_plan(*, participation_id: int) -> None:
    """Queue both reminder tasks of a participation, each to run when it falls due."""
    participation = (
        Participation.objects.select_related("package").filter(pk=participation_id).first()
    )
    if participation is None:
        return
    deadline = bid_deadline(participation.package)
    if deadline is None:
        return
    for kind in ReminderKind.values:
        _enqueue(participation_id, kind, reminder_due_at(deadline, kind))


def package_reminders_plan(*, package: Package) -> None:
    """Queue the reminders of every participant again (e.g. after the bid deadline moved);
    harmless when they are queued already: each sends once per deadline."""
    for participation_id in package.participations.values_list("pk", flat=True):
        transaction.on_commit(
            lambda pk=participation_id: reminders_plan(participation_id=pk)  # type: ignore[misc]
        )


def _enqueue(participation_id: int, kind: str, run_after: datetime) -> None:
    from inaproc.tenders.reminder_tasks import send_participation_reminder

    send_participation_reminder.using(run_after=run_after).enqueue(
        participation_id=participation_id, kind=kind
    )


def _window(deadline: datetime, kind: str) -> tuple[datetime, datetime]:
    """When a reminder of `kind` may go: from its due time until the next kind's (the
    2-hour one makes a late 24-hour one pointless) or the deadline."""
    start = reminder_due_at(deadline, kind)
    end = reminder_due_at(deadline, ReminderKind.HOURS) if kind == ReminderKind.DAY else deadline
    return start, end


def reminder_send(*, participation_id: int, kind: str, now: datetime | None = None) -> str:
    """Send one reminder if it is due now and was not sent for this deadline. Returns
    "sent", "later" (not due yet: the deadline moved later), or "skipped"."""
    now = now or timezone.now()
    participation = (
        Participation.objects.select_related("package__portal", "company")
        .filter(pk=participation_id, package__state=PackageState.PUBLISHED)
        .first()
    )
    if participation is None or kind not in ReminderKind.values:
        return "skipped"
    deadline = bid_deadline(participation.package)
    if deadline is None:
        return "skipped"
    start, end = _window(deadline, kind)
    if now < start:
        return "later"
    # Not inside the window, or the company joined after it opened (it saw the deadline).
    if now >= end or participation.joined_at >= start:
        return "skipped"
    with transaction.atomic():
        _, created = ParticipationReminder.objects.get_or_create(
            participation=participation, kind=kind, deadline=deadline
        )
        if not created:
            return "skipped"
        _remind(participation, deadline, kind)
    return "sent"


def _remind(participation: Participation, deadline: datetime, kind: str) -> None:
    package = participation.package
    email_to(
        [m.user.email for m in acting_members(participation.company) if m.user.email],
        package=package,
        template=REMINDER_EMAIL,
        context={
            "deadline": deadline,
            "hours": int(REMINDER_OFFSETS[ReminderKind(kind)].total_seconds() // 3600),
            "tender_url": participant_page_link(package),
        },
    )


def reminders_due_send(*, now: datetime | None = None) -> int:
    """Send every reminder due now (the command's work): participations of published
    tenders whose bid deadline is within the next 24 hours. Returns how many went."""
    now = now or timezone.now()
    soon = ScheduleStage.objects.filter(
        key=stages.BID_UPLOAD,
        ends_at__gt=now,
        ends_at__lte=now + REMINDER_OFFSETS[ReminderKind.DAY],
        package__state=PackageState.PUBLISHED,
    ).values_list("package_id", flat=True)
    sent = 0
    for participation_id in Participation.objects.filter(package_id__in=soon).values_list(
        "pk", flat=True
    ):
        for kind in ReminderKind.values:
            if reminder_send(participation_id=participation_id, kind=kind, now=now) == "sent":
                sent += 1
    return sent


def reminder_run(*, participation_id: int, kind: str) -> str:
    """The task's work: send the reminder if due; when the deadline moved later, queue
    the task again for the new due time."""
    outcome = reminder_send(participation_id=participation_id, kind=kind)
    if outcome == "later":
        participation = Participation.objects.select_related("package").get(pk=participation_id)
        deadline = bid_deadline(participation.package)
        if deadline is not None:
            _enqueue(participation_id, kind, reminder_due_at(deadline, kind))
    return outcome
