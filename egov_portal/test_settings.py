"""Settings for the test suite: the real settings with fast, isolated overrides."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from egov_portal.settings import *  # noqa: F403
from egov_portal.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="egov-test-media-")
FILE_UPLOAD_TEMP_DIR = tempfile.mkdtemp(prefix="egov-test-upload-tmp-")
STORAGES = {
    **STORAGES,
    "default": {**STORAGES["default"], "OPTIONS": {"location": MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
STATIC_ROOT = tempfile.mkdtemp(prefix="egov-test-static-")
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Each test process has its own cache, even when REDIS_URL is set in the environment: a
# test's cache.clear() must never empty a Redis database that someone else uses.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Public pages are not kept between requests (a test changes data inside one transaction,
# whose commit never comes); tests/test_page_cache.py turns the cache on where it tests it.
PUBLIC_PAGE_CACHE_SECONDS = 0
DASHBOARD_CACHE_SECONDS = 0
USER_SCOPE_CACHE_SECONDS = 0
API_LIST_CACHE_SECONDS = 0
# Webhook tests deliver to a small HTTP server of their own on 127.0.0.1, never further.
WEBHOOK_ALLOW_LOCAL_HTTP = True
# Documents are unsigned unless a test gives a certificate (tests/test_signed_documents.py),
# whatever SIGNING_P12 the environment holds.
SIGNING_P12 = ""
