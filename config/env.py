"""The one place that reads the environment (django-environ).

Every setting that an operator may change is read here, with a default that makes
`make run` work with nothing set. README.md lists them all.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# A local .env file is a convenience for developers; real deployments set variables.
_dotenv = BASE_DIR / ".env"
if _dotenv.is_file():
    environ.Env.read_env(str(_dotenv), overwrite=False)
