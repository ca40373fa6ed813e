"""The production settings for the two-app-servers test (tests/ops/test_two_app_servers.py):
everything from the environment as on a real server, except the static files, served
without a manifest so that the test need not run collectstatic first."""

from config.settings.production import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
