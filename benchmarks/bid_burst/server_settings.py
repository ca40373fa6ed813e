"""Settings of the gunicorn server in benchmarks/bid_burst/run.py: the production
settings unchanged, with one more URL (the plain-copy baseline, `copy_urls.py`). Never
used outside the benchmark."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bid_burst.copy_urls"
