"""The production settings plus one bare view (bench_urls.py), for benchmarks/public_pages."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
