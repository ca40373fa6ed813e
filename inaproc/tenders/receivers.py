"""The tenders app's answer to the announcements app's `outage_recorded` (connected in
`TendersConfig.ready`): the grace runs in the task queue, so that recording an outage
never fails because of a tender, and is retried by the `apply_outage_grace` command."""

import logging
from typing import Any

logger = logging.getLogger(__name__)


def on_outage_recorded(*, kind: str, pk: int, **_kwargs: Any) -> None:
    from inaproc.tenders.tasks import apply_outage_grace

    try:
        apply_outage_grace.enqueue(kind=kind, pk=pk)
    except Exception:  # the command catches up; recording the outage stands
        logger.exception("could not enqueue the grace for %s:%s", kind, pk)
