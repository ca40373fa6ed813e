"""Production: everything secure by default; the environment must say the rest."""

import os

from django.core.exceptions import ImproperlyConfigured

from config.env import admins_parse, env

# What base.py would quietly default for a developer (SQLite in the release folder, emails
# printed with their private links to the log, links to http://127.0.0.1:8000) a server
# must be told: refuse to start without it, naming every one missing.
REQUIRED_ENVIRONMENT = {
    "DATABASE_URL": "the PostgreSQL database, e.g. postgres://inaproc@/inaproc",
    "EMAIL_URL": "the mail server, e.g. smtp+tls://user:password@mail.example.go.id:587",
    "SITE_URL": "the public address used in emailed links, e.g. https://lpse.example.go.id",
}
_missing = [name for name in REQUIRED_ENVIRONMENT if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need "
        + "; ".join(f"{name} ({REQUIRED_ENVIRONMENT[name]})" for name in _missing)
        + ". Set them in /etc/inaproc/inaproc.env (docs/operations.md, §1 'Settings and secrets')."
    )

from config.settings.base import *  # noqa: E402, F403

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# Required: the log's signing keys must not depend on SECRET_KEY (docs/decisions/0012).
LOG_KEY_ENCRYPTION_KEY = env.str("LOG_KEY_ENCRYPTION_KEY")

# Errors reach the operator: with ADMINS="Name <ops@example.go.id>,<b@example.go.id>" every
# unhandled error of a request (a 500) is also emailed to them, with its traceback
# (docs/operations.md, "Errors reach the operator").
ADMINS = admins_parse(env.str("ADMINS", default=""))
LOGGING["handlers"]["mail_admins"] = {  # noqa: F405
    "class": "django.utils.log.AdminEmailHandler",
    "level": "ERROR",
    "filters": ["request_id"],
}
LOGGING["loggers"]["django.request"] = {"handlers": ["mail_admins"]}  # noqa: F405

SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Load balancers and the metrics scraper call the application directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# One JSON object per log line unless LOG_FORMAT=plain (docs/operations.md, "Logs").
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = "plain" if LOG_FORMAT == "plain" else "json"  # noqa: F405

# HSTS preload is a commitment for the whole registered domain and all its
# subdomains; the operator opts in with SECURE_HSTS_PRELOAD=true (docs/security.md).
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405
