"""The test suite: the same stack, with a fast hasher and in-memory email."""

import atexit
import os
import shutil
import tempfile

from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Argon2 stays first so that tests exercise the real hasher on the paths that matter;
# its cost is lowered to keep the suite fast (the algorithm and code path are the same).
PASSWORD_HASHERS = ["inaproc.accounts.hashers.FastArgon2PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": {"BACKEND": "inaproc.files.storage.PrivateFileSystemStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Each test process its own local-memory cache, never a REDIS_URL of the environment; no
# caching across requests unless a test turns it on (tests/core/test_cache.py): most
# tests make their data with factories, behind the services that invalidate the cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SHARED_CACHE = False
# Documents written by tests (load_demo in the browser tests, for one) go to a temporary
# folder, never into the developer's var/documents.
DOCUMENT_ROOT = tempfile.mkdtemp(prefix="inaproc-test-documents-")
atexit.register(shutil.rmtree, DOCUMENT_ROOT, ignore_errors=True)
DEMO_KEY_DIR = tempfile.mkdtemp(prefix="inaproc-test-demo-keys-")
atexit.register(shutil.rmtree, DEMO_KEY_DIR, ignore_errors=True)
UPLOAD_TEMP_ROOT = tempfile.mkdtemp(prefix="inaproc-test-uploads-")
atexit.register(shutil.rmtree, UPLOAD_TEMP_ROOT, ignore_errors=True)
OCDS_BULK_ROOT = tempfile.mkdtemp(prefix="inaproc-test-ocds-bulk-")
atexit.register(shutil.rmtree, OCDS_BULK_ROOT, ignore_errors=True)
# SQLite: a test database in a file, not in memory. The browser tests' live server
# answers requests in threads; an in-memory shared-cache database refuses a write while
# another thread writes ("database table is locked") instead of waiting, as a file
# database (and PostgreSQL) do.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"inaproc-test-{os.getpid()}.sqlite3")
    }
