"""`make run`: a developer's machine. SQLite and console email unless told otherwise."""

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)
