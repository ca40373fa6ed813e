"""The Pokja's rules per part of the bid: the largest file and the file types allowed.
Set by a runner until bids start to be received (vendors must know them before sealing)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import User
from inaproc.audit.services import audit_record
from inaproc.bids.models import SlotRule
from inaproc.bids.slots import slots_for
from inaproc.core.context import AuditContext
from inaproc.core.exceptions import ApplicationError
from inaproc.tenders import stages
from inaproc.tenders.access import is_runner
from inaproc.tenders.models import Package, PackageState
from inaproc.tenders.selectors.participation import package_with_stages, stage_of
from inaproc.tenders.services.locks import package_locked


class SlotRulesRefused(ApplicationError):
    """The rules cannot be changed now; the message says why."""


def slot_rules_editable(package: Package, *, now: datetime) -> bool:
    if package.state not in (PackageState.ASSIGNED, PackageState.PUBLISHED):
        return False
    stage = stage_of(package, stages.BID_UPLOAD)
    return stage is None or now < stage.starts_at


def slot_rules_set(
    *,
    package: Package,
    user: User,
    rules: dict[str, tuple[int, str]],
    context: AuditContext | None = None,
) -> None:
    """Set (max MB, comma-separated extensions) for each slot code of `rules`."""
    with transaction.atomic():
        locked = package_locked(package.pk)
        package_with_stages(locked, list(locked.stages.all()))
        if not is_runner(package=locked, user=user) or not slot_rules_editable(
            locked, now=timezone.now()
        ):
            raise SlotRulesRefused(
                _("The rules of the bid can be changed only until bids start to be received.")
            )
        codes = {slot.code for slot in slots_for(locked)}
        for code, (max_file_mb, extensions) in rules.items():
            if code not in codes:
                continue
            SlotRule.objects.update_or_create(
                package=locked,
                slot=code,
                defaults={"max_file_mb": max_file_mb, "extensions": extensions},
            )
        audit_record(
            actor=user,
            verb="bids.slot_rules_set",
            target=locked,
            portal=locked.portal,
            payload={"code": locked.code, "rules": {k: list(v) for k, v in rules.items()}},
            context=context,
        )
