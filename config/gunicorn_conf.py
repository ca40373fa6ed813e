"""gunicorn settings for Inaproc's metrics (docs/operations.md, "Metrics and alerts"):
`gunicorn -c config/gunicorn_conf.py config.wsgi …`. With PROMETHEUS_MULTIPROC_DIR set, each
worker writes its counters to files there and a scrape adds them up; a worker that exits
must be marked dead so that its live gauges stop counting. The directory must be emptied
before gunicorn starts (the systemd unit's ExecStartPre does it)."""

import os


def child_exit(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
