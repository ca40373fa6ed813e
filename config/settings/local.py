"""`make run`: a developer's machine. SQLite and console email unless told otherwise."""

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)
# `runserver` is one process: its local-memory cache is shared by all its requests.
# Changes made by other processes (the task worker, commands) show within the entries'
# lifetimes (PAGE_CACHE_SECONDS, five minutes for portals and maintenance windows).
SHARED_CACHE = env.bool("SHARED_CACHE", default=True)
