"""The application's own Prometheus metrics (docs/operations.md, "Metrics and alerts").

Counters live here, below every domain app, so that accounts, uploads and notifications
can count without knowing how metrics are exported (`inaproc.ops` serves them). Under
gunicorn, set PROMETHEUS_MULTIPROC_DIR so that every worker's counts are added up at the
scrape. Labels stay few and bounded: a portal's slug, an upload's purpose.
"""

from prometheus_client import Counter

LOGIN_FAILURES = Counter(
    "inaproc_login_failures_total",
    "Sign-ins refused for a wrong password or code (counted toward the lock).",
    ["portal"],
)
ACCOUNT_LOCKS = Counter(
    "inaproc_account_locks_total",
    "Usernames locked after too many failures.",
    ["portal"],
)
UPLOAD_BYTES = Counter(
    "inaproc_upload_bytes_total",
    "Bytes received and made durable by resumable uploads.",
    ["purpose"],
)
EMAIL_ATTEMPTS_FAILED = Counter(
    "inaproc_email_attempts_failed_total",
    "Email delivery attempts that failed; final=yes when the email is given up.",
    ["final"],
)
