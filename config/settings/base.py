"""Settings shared by every environment. Behaviour is toggled by environment variables."""

from django.core.exceptions import ImproperlyConfigured

from config.env import BASE_DIR, env

# =============================================================================
# Core
# =============================================================================
SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "captcha",
    "inaproc.core",
    "inaproc.portals",
    "inaproc.accounts",
    "inaproc.audit",
    "inaproc.notifications",
    "inaproc.translog",
    "inaproc.reference",
    "inaproc.files",
    "inaproc.uploads",
    "inaproc.vendors",
    "inaproc.helpdesk",
    "inaproc.announcements",
    "inaproc.tenders",
    "inaproc.bids",
    "inaproc.evaluation",
    "inaproc.objections",
    "inaproc.award",
    "inaproc.spse",
    "inaproc.opendata",
    "inaproc.search",
    "inaproc.ops",
    "inaproc.demo",
    "django_prometheus",
]

MIDDLEWARE = [
    # First: every later log line carries the request id; the metrics time everything.
    "inaproc.core.requestid.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Anonymous public pages from the shared cache: after the middleware whose headers
    # every page gets, before everything a cached page does not need (session, user,
    # CSRF, language, portal; docs/decisions/0014-public-page-cache.md).
    "inaproc.portals.middleware.PublicPageCacheMiddleware",
    # Each portal its own session and CSRF cookie (docs/decisions/0015-per-portal-cookies.md):
    # before everything that reads or sets them.
    "inaproc.portals.cookies.PortalCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "inaproc.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, so that even the "form expired" page knows its portal.
    "inaproc.portals.middleware.PortalMiddleware",
    "inaproc.accounts.middleware.PortalAuthenticationMiddleware",
    "inaproc.accounts.middleware.SessionTimeoutMiddleware",
    "inaproc.accounts.middleware.SecondFactorEnrolmentMiddleware",
    "inaproc.announcements.middleware.MaintenanceMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "inaproc.core.middleware.PrivatePageCacheMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "inaproc" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "inaproc.portals.context_processors.portal",
                "inaproc.announcements.context_processors.maintenance",
            ],
        },
    }
]

# =============================================================================
# Database
# =============================================================================
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database of `make run` and the tests: concurrent requests (a verifier's
    # page loads its document previews at once) wait for one another's writes instead of
    # failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
# The few hand-written queries that take longer to plan than to run are prepared once
# per connection on PostgreSQL (inaproc/core/prepared.py); off behind a pooler that
# moves a client between server connections (PgBouncer in transaction mode).
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# =============================================================================
# Cache (docs/decisions/0014-public-page-cache.md)
# =============================================================================
# Redis when REDIS_URL is set (e.g. redis://127.0.0.1:6379/0), shared by every worker and
# every app server; else each process's own memory. Short socket timeouts: a Redis that
# hangs costs a request at most this long, then the app leaves it alone for a while and
# serves pages uncached (inaproc/core/cache.py).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "inaproc.core.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="inaproc"),
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_TIMEOUT_SECONDS", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT_SECONDS", default=0.5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whether every process serving requests sees the same cache, so that the portals, the
# maintenance windows and anonymous public pages may be cached across requests (an
# invalidation must reach every worker). True with Redis; a local-memory cache is shared
# only by the threads of one process (`make run`: config/settings/local.py).
SHARED_CACHE = env.bool("SHARED_CACHE", default=bool(REDIS_URL))
# The longest an anonymous public page is served from the cache: what changes with the
# clock alone (a tender's current stage, an announcement's publication time) shows at
# most this late; changes made through the application show at once.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)

# =============================================================================
# Accounts and authentication
# =============================================================================
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["inaproc.accounts.backends.PortalBackend"]
LOGIN_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "email")},
    },
    # Names by whole words (a password with a word of 4+ letters of the full name);
    # the portal's, institution's and company's names in accounts.services.password_validate.
    {"NAME": "inaproc.accounts.validators.FullNameWordsValidator"},
    {"NAME": "inaproc.accounts.validators.UsernameInPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 15},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "inaproc.accounts.validators.MaximumLengthValidator"},
]
# Reset links: the platform ceiling; each portal may shorten it (password_reset_minutes).
PASSWORD_RESET_TIMEOUT = 60 * 60

# Sign-in protection (DESIGN.md §5). Lockout numbers are per portal (Portal fields);
# these are the platform-wide ones.
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=30)
LOGIN_IP_FAILURE_WINDOW_MINUTES = env.int("LOGIN_IP_FAILURE_WINDOW_MINUTES", default=15)
LOGIN_CODE_MINUTES = 10
# Emails an address may be sent per hour and kind (reset, username reminder, login code).
ACCOUNT_EMAILS_PER_HOUR = env.int("ACCOUNT_EMAILS_PER_HOUR", default=3)
# Anonymous email requests (all kinds) one address may make per portal and hour.
ACCOUNT_EMAIL_REQUESTS_PER_ADDRESS = env.int("ACCOUNT_EMAIL_REQUESTS_PER_ADDRESS", default=20)
LOGIN_ACTIVITY_RETENTION_DAYS = env.int("LOGIN_ACTIVITY_RETENTION_DAYS", default=365)
LOGIN_ACTIVITY_VISIBLE_DAYS = 90
# A session's last-seen time is written at most this often (one UPDATE per interval).
SESSION_TOUCH_SECONDS = 60

# django-simple-captcha: letters and digits without look-alikes, served by the app.
CAPTCHA_CHALLENGE_FUNCT = "inaproc.accounts.captcha.challenge"
CAPTCHA_LETTER_ROTATION = (-25, 25)
CAPTCHA_TIMEOUT = 10  # minutes
# Forms long enough to need longer (minutes; inaproc.accounts.captcha.challenge_minutes
# says why that is safe): the registration page is about 8,500 px tall on a phone.
CAPTCHA_FORM_MINUTES = {"registration": 60}
CAPTCHA_IMAGE_SIZE = (180, 60)
CAPTCHA_FONT_SIZE = 36
CAPTCHA_GET_FROM_POOL = False

# Usernames are unique per portal, not globally: the check that USERNAME_FIELD is
# unique does not apply to our portal-aware backend (docs/decisions/0002).
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

# =============================================================================
# Sessions, cookies and security headers
# =============================================================================
# The platform's pages use these names; each portal's pages `<name>_<slug>` on the path
# `/<slug>/` (inaproc/portals/cookies.py, docs/decisions/0015-per-portal-cookies.md).
SESSION_COOKIE_NAME = "inaproc_session"
CSRF_COOKIE_NAME = "csrftoken"
# An hour beyond the longest absolute session lifetime (12 h): the server ends sessions by
# the portal's policy (SessionTimeoutMiddleware) and can say why; the cookie is a backstop.
SESSION_COOKIE_AGE = 13 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "inaproc.core.views.csrf_failure"
# One-time messages live in the (server-side) session, not in a `messages` cookie: nothing
# of what the page said travels in a cookie, and a message survives the redirect of any
# anonymous page too (SessionMiddleware comes before MessageMiddleware).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# =============================================================================
# Internationalisation: Indonesian first, English second; WIB
# =============================================================================
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "inaproc_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LOCALE_PATHS = [BASE_DIR / "inaproc" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

# =============================================================================
# Static files (served by the app itself through WhiteNoise; no CDN)
# =============================================================================
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "inaproc" / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Uploaded files (vendor documents, ticket attachments, tender documents, sealed bids):
# outside any URL, under random names, in STORAGES["documents"] (inaproc/files/storage.py).
# DOCUMENT_STORAGE=disk (the default): DOCUMENT_ROOT on this machine. DOCUMENT_STORAGE=s3:
# a bucket of an S3-compatible object store (inaproc/files/objectstore.py, private objects,
# no URLs; docs/decisions/0016). DOCUMENT_STORAGE_BACKEND may still name any other class.
DOCUMENT_ROOT = env.path("DOCUMENT_ROOT", default=str(BASE_DIR / "var" / "documents"))
DOCUMENT_STORAGE = env.str("DOCUMENT_STORAGE", default="disk")
if DOCUMENT_STORAGE not in ("disk", "s3"):
    raise ImproperlyConfigured("DOCUMENT_STORAGE must be 'disk' or 's3'.")
if DOCUMENT_STORAGE == "s3":
    _documents = {
        "BACKEND": "inaproc.files.objectstore.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
            "region_name": env.str("S3_REGION", default=None),
            "access_key": env.str("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default=None),
            "addressing_style": env.str("S3_ADDRESSING_STYLE", default="auto"),
            "location": env.str("S3_PREFIX", default=""),
            "default_acl": env.str("S3_OBJECT_ACL", default="private") or None,
            "verify": env.str("S3_CA_BUNDLE", default=None),
        },
    }
else:
    _documents = {"BACKEND": "inaproc.files.storage.PrivateFileSystemStorage"}
if env.str("DOCUMENT_STORAGE_BACKEND", default=""):
    _documents = {"BACKEND": env.str("DOCUMENT_STORAGE_BACKEND")}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "documents": _documents,
}
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# A request with more file data than this goes to temporary files on disk, not memory
# (Django's default), in FILE_UPLOAD_TEMP_DIR (the system's temp folder if unset).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=None)
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Resumable (tus) uploads, e.g. sealed bids (inaproc/uploads): the partial files, one per
# upload, in a directory shared by every application server; an upload unfinished after
# UPLOAD_EXPIRY_HOURS is deleted by `prune_uploads` (run hourly).
UPLOAD_TEMP_ROOT = env.path("UPLOAD_TEMP_ROOT", default=str(BASE_DIR / "var" / "uploads"))
UPLOAD_EXPIRY_HOURS = env.int("UPLOAD_EXPIRY_HOURS", default=24)
# Files kept across a failed submit (HeldUpload) are kept whatever the CAPTCHA said, so
# one client address may hold at most this many files and megabytes at a time (a day).
HELD_UPLOADS_PER_ADDRESS = env.int("HELD_UPLOADS_PER_ADDRESS", default=60)
HELD_UPLOAD_MEGABYTES_PER_ADDRESS = env.int("HELD_UPLOAD_MEGABYTES_PER_ADDRESS", default=300)
# A correct password of an inactive account: a vendor awaiting verification sees the
# status of the registration (accounts.flows.login.inactive_login_response).
INACTIVE_LOGIN_HANDLERS = [
    "inaproc.vendors.registrations.views.registration_status.inactive_login_response"
]
# Whether a vendor account administers its company (a portal may require a second factor
# of vendor administrators; accounts does not know company roles).
VENDOR_ADMIN_CHECK = "inaproc.vendors.companies.selectors.members.is_company_admin"
# The Pokja groups a staff member's leaving would put below their quorum (docs/decisions/0010).
POKJA_QUORUM_CHECK = "inaproc.tenders.selectors.pokja.pokjas_short_without"
# What higher apps require before a tender may be published (docs/decisions/0010): each is a
# function of the package returning the reasons it may not be published yet.
PUBLICATION_BLOCKERS = ["inaproc.bids.selectors.ceremony.ceremony_blockers"]
# Whether a portal had a bid deadline in a time span: the transparency log then signs a tree
# head (docs/decisions/0010).
TREE_HEAD_DEADLINE_CHECK = "inaproc.tenders.selectors.schedule.bid_deadline_between"
# Called with every new transparency-log entry, inside its transaction (docs/decisions/0013):
# open data turns the public events of a tender into OCDS releases.
TRANSLOG_ENTRY_HOOKS = ["inaproc.opendata.services.on_log_entry"]
# The transparency log caches the hashes of its complete subtrees of 2^this leaves and
# more (translog.LogNode): a proof reads O(log n) of them and under 2^this leaves per
# level below; the table holds about size / 2^(this - 1) rows per portal.
TRANSLOG_NODE_CACHE_LEVEL = 8
# The bids whose file I passed, once the evaluation announced it (docs/decisions/0010): the
# opening of a later envelope opens only these (a function of the package returning the
# participation ids, or None while file I's result is not announced).
OPENING_FILE_TWO_BIDDERS = "inaproc.evaluation.selectors.public.file_two_bidders"
# A company's announced result per tender for "My tenders" (docs/decisions/0010): a function
# of a list of participations returning {participation id: a few words}.
PARTICIPATION_RESULTS = "inaproc.evaluation.selectors.vendor.result_labels"
# Called when an upheld objection or appeal sends a tender back to evaluation (docs/
# decisions/0010): each is a function `(package, *, actor, reason)`; the evaluation app
# adds its `evaluation_reopen` here.
TENDER_REEVALUATION_HOOKS: list[str] = ["inaproc.evaluation.services.evaluation_reopen"]

# ------------------------------------------------------------------------------
# Objections (sanggah) and appeals (sanggah banding), docs/tenders.md
# ------------------------------------------------------------------------------
# The Pokja answers objections until this many days after the end of Masa Sanggah (later
# answers are still taken, and shown as late).
OBJECTION_ANSWER_DAYS = env.int("OBJECTION_ANSWER_DAYS", default=3)
# A construction tender's objector may appeal a rejected objection until this many days
# after the answer; the budget holder is expected to decide within APPEAL_DECISION_DAYS.
APPEAL_FILING_DAYS = env.int("APPEAL_FILING_DAYS", default=5)
APPEAL_DECISION_DAYS = env.int("APPEAL_DECISION_DAYS", default=14)

# ------------------------------------------------------------------------------
# Open data (OCDS, docs/open-data.md)
# ------------------------------------------------------------------------------
# The deployment's ocid prefix, registered with the Open Contracting Partnership
# ("ocds-" and six characters). The default is a placeholder: register before publishing.
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-xxxxxx")
# The identifier scheme of companies' NPWP (org-id.guide style; see docs/open-data.md).
OCDS_NPWP_SCHEME = env.str("OCDS_NPWP_SCHEME", default="ID-NPWP")
# The publisher named in the packages of the platform-wide endpoints.
OCDS_PUBLISHER_NAME = env.str("OCDS_PUBLISHER_NAME", default="Inaproc")
# The licence URL of the data, given in every package when set.
OCDS_LICENSE = env.str("OCDS_LICENSE", default="")
# Where the daily bulk files (JSON Lines, gzip) are written and served from.
OCDS_BULK_ROOT = env.path("OCDS_BULK_ROOT", default=str(BASE_DIR / "var" / "ocds-bulk"))
# Requests per address per minute to the open-data endpoints (a client at one a second
# never reaches it).
OCDS_RATE_LIMIT_PER_MINUTE = env.int("OCDS_RATE_LIMIT_PER_MINUTE", default=120)
# The demo officials' opening key files (load_demo writes them; passphrase: the password).
DEMO_KEY_DIR = env.str("DEMO_KEY_DIR", default=str(BASE_DIR / "var" / "demo-keys"))
# Sealed bids: bytes a company may have in unfinished resumable uploads at once.
BID_UPLOAD_QUOTA_MB = env.int("BID_UPLOAD_QUOTA_MB", default=4096)
# The pieces the bid page sends (the tus endpoint takes at most 16 MiB per request): most
# bids travel in one request; a broken connection keeps what arrived.
BID_UPLOAD_CHUNK_MB = env.int("BID_UPLOAD_CHUNK_MB", default=15)
# The bid page's upload capability (bids/upload_capability.py) lasts this long; the page
# asks for a new one before. Each upload request still checks the company, the account,
# the session record and the upload stage; the expiry bounds the session's timeouts.
BID_UPLOAD_CAPABILITY_MINUTES = env.int("BID_UPLOAD_CAPABILITY_MINUTES", default=30)
# Vendor registration: the confirmation link's validity and how many may be sent per hour.
REGISTRATION_CONFIRMATION_HOURS = env.int("REGISTRATION_CONFIRMATION_HOURS", default=48)
REGISTRATION_CONFIRMATIONS_PER_HOUR = env.int("REGISTRATION_CONFIRMATIONS_PER_HOUR", default=3)
# A registration nobody confirmed is deleted this long after its last link
# (`prune_registrations`), freeing the NPWP for the real company.
REGISTRATION_UNCONFIRMED_DAYS = env.int("REGISTRATION_UNCONFIRMED_DAYS", default=7)
# After approval: a new company email address's confirmation link, and how many such
# links a company may ask for per hour; company user invitations.
COMPANY_EMAIL_CHANGE_HOURS = env.int("COMPANY_EMAIL_CHANGE_HOURS", default=48)
COMPANY_EMAIL_CHANGES_PER_HOUR = env.int("COMPANY_EMAIL_CHANGES_PER_HOUR", default=3)
COMPANY_INVITATION_DAYS = env.int("COMPANY_INVITATION_DAYS", default=7)
COMPANY_INVITATIONS_PER_DAY = env.int("COMPANY_INVITATIONS_PER_DAY", default=10)
# Helpdesk tickets one email address may open per portal and hour.
HELPDESK_TICKETS_PER_EMAIL_PER_HOUR = env.int("HELPDESK_TICKETS_PER_EMAIL_PER_HOUR", default=3)
# A ticket (messages, attachment files) with no activity for this many days, resolved or
# abandoned, is deleted by `prune_tickets` (UU PDP: personal data is not kept forever).
HELPDESK_TICKET_RETENTION_DAYS = env.int("HELPDESK_TICKET_RETENTION_DAYS", default=730)
# A ticket's private link works for this many days after it was mailed; then the page
# offers to mail a new link to the ticket's address (the old one stops working).
HELPDESK_TICKET_LINK_DAYS = env.int("HELPDESK_TICKET_LINK_DAYS", default=30)
# KBLI 2020 reference data for `load_kbli`: the table shipped in the project
# (inaproc/reference/data/, with its provenance), or another file of the same format.
KBLI_CSV_PATH = env.path(
    "KBLI_CSV_PATH", default=str(BASE_DIR / "inaproc" / "reference" / "data" / "kbli2020.csv")
)

# =============================================================================
# Email and background work
# =============================================================================
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Inaproc <noreply@inaproc.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=8)

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# =============================================================================
# Platform
# =============================================================================
# Public base URL used in emails sent by the worker (no request there).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
AUDIT_PAGE_SIZE = 50
# The transparency log's signing keys are stored encrypted under a key derived from this
# secret; empty: derived from SECRET_KEY (development and tests only; docs/decisions/0012).
LOG_KEY_ENCRYPTION_KEY = env.str("LOG_KEY_ENCRYPTION_KEY", default="")

# LOG_FORMAT: "plain" (a line a person reads) or "json" (one object per line, for a log
# collector); both carry the request id (inaproc.core.requestid) and an ISO 8601 time.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "inaproc.core.requestid.RequestIdFilter"},
        "without_traceback": {"()": "inaproc.core.logfilters.WithoutTraceback"},
        "private_links_masked": {"()": "inaproc.core.logfilters.PrivateLinksMasked"},
    },
    "formatters": {
        "plain": {
            "()": "inaproc.core.logfilters.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
        "json": {
            "()": "inaproc.core.logfilters.IsoJsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id", "private_links_masked"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Only the root's handler: Django's own defaults (a console handler for DEBUG, an
        # email to ADMINS for every error of the `django` loggers) are replaced here;
        # production adds the email for request errors (config/settings/production.py).
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # A request for a host name not in ALLOWED_HOSTS: one line, not a traceback.
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
    },
}

# Operations (docs/operations.md, "Health, readiness, metrics"): /metrics answers only
# with "Authorization: Bearer <METRICS_TOKEN>" and does not exist without it; /readyz
# fails on a cache that does not answer only when asked to.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
READYZ_REQUIRE_CACHE = env.bool("READYZ_REQUIRE_CACHE", default=False)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# =============================================================================
# Second factors (django-otp TOTP, recovery codes, passkeys)
# =============================================================================
# Wrong codes count towards the portal's lockout like wrong passwords; django-otp's own
# per-device delay would only add a second, differently behaving limit.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = "Inaproc"
# Sensitive actions ask for the second factor again when the last check is older.
SECOND_FACTOR_STEP_UP_MINUTES = env.int("SECOND_FACTOR_STEP_UP_MINUTES", default=10)
SECOND_FACTOR_REMEMBER_DAYS = 30
RECOVERY_CODE_COUNT = 10
