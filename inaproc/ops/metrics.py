"""The metrics endpoint's registry: every process's counters (prometheus_client's
multiprocess mode under gunicorn, when PROMETHEUS_MULTIPROC_DIR is set) plus gauges read
from the database at the scrape (queues), which are the same whichever worker answers."""

import os
from collections.abc import Iterator

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from inaproc.ops.selectors import queue_state


class QueueCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        state = queue_state()
        gauges = (
            ("inaproc_tasks_ready", "Background tasks ready to run now.", state.tasks_ready),
            (
                "inaproc_tasks_oldest_ready_seconds",
                "Age of the oldest background task ready to run (0 when none).",
                state.oldest_ready_seconds,
            ),
            ("inaproc_tasks_running", "Background tasks running.", state.tasks_running),
            (
                "inaproc_tasks_failed",
                "Background tasks that ended in an error.",
                state.tasks_failed,
            ),
            ("inaproc_emails_queued", "Emails waiting to be delivered.", state.emails_queued),
            (
                "inaproc_emails_oldest_queued_seconds",
                "Age of the oldest email waiting to be delivered (0 when none).",
                state.oldest_email_seconds,
            ),
            ("inaproc_emails_failed", "Emails given up after every attempt.", state.emails_failed),
        )
        for name, documentation, value in gauges:
            yield GaugeMetricFamily(name, documentation, value=value)


def metrics_text() -> bytes:
    """The exposition text of one scrape: the counters, then the queue gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counters = CollectorRegistry()
        multiprocess.MultiProcessCollector(counters)
    else:
        counters = REGISTRY
    queues = CollectorRegistry()
    queues.register(QueueCollector())
    return generate_latest(counters) + generate_latest(queues)
