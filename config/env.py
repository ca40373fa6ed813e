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


def admins_parse(value: str) -> list[tuple[str, str]]:
    """ADMINS from the environment: addresses separated by commas, each `Name <address>`
    or a bare `address`; Django's (name, address) pairs. A malformed entry stops the
    start (ImproperlyConfigured) rather than silently mailing nobody."""
    from django.core.exceptions import ImproperlyConfigured

    admins = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        name, bracket, address = entry.rpartition("<")
        if bracket:
            if not address.endswith(">"):
                raise ImproperlyConfigured(f"ADMINS: {entry!r} lacks its closing '>'.")
            address = address[:-1]
        address = address.strip()
        if address.count("@") != 1 or " " in address or address.startswith("@"):
            raise ImproperlyConfigured(f"ADMINS: {entry!r} is not an email address.")
        admins.append((name.strip() or address, address))
    return admins
