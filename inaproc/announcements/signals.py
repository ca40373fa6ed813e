"""Signals of the announcements app for the apps above it.

Announcements may not import tenders (the layers of STYLE.md), yet a recorded outage
must move bid deadlines (TENDERS.md §3, the grace for platform failure). So this app
announces outages with `outage_recorded` and the tenders app listens
(`TendersConfig.ready`); nothing here knows what listens.

`outage_recorded` is sent once the transaction that recorded the outage has committed,
with `kind` ("incident" or "maintenance") and `pk`: after an incident is recorded and
after a maintenance window is scheduled or cancelled (a cancelled window may have been
under way). Receivers must be idempotent and must not raise; the tenders app only
enqueues a task. The `apply_outage_grace` command covers anything a receiver missed.
"""

from django.db import transaction
from django.dispatch import Signal

outage_recorded = Signal()


def outage_announce(*, sender: type, kind: str, pk: int) -> None:
    """Send `outage_recorded` when the current transaction commits."""
    transaction.on_commit(lambda: outage_recorded.send(sender=sender, kind=kind, pk=pk))
