"""Settings of egov-portal, read from environment variables (see README, "Configuration").

SQLite in the project folder is the embedded default; set ``DATABASE_URL`` for PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from egov_portal.env import (
    check_secret_key,
    email_settings,
    env_base_url,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else None)
if not DEBUG:
    # Django's own rule (check --deploy, security.W009), so every key accepted here is clean.
    check_secret_key(SECRET_KEY)
    if SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be a random string, not the development key.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_jalali",
    "guardian",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "egov_portal",
    "members",
    "committees",
    "resolutions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Control characters (NUL …) stripped from every query parameter before anything reads one.
    "egov_portal.middleware.QueryControlCharsMiddleware",
    # An ETag (and 304) for what is not private; outside everything that changes the content.
    "egov_portal.caching.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "egov_portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on every response that depends on who is asking.
    "egov_portal.caching.PrivateResponseMiddleware",
    "egov_portal.audit.trail.AuditUserMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Refuses an oversized request from its Content-Length. Nothing above reads the body,
    # and the 413 page still gets their headers (CSP, frames), cookies and signed-in user.
    "egov_portal.limits.RequestSizeLimitMiddleware",
    "egov_portal.accounts.security.SessionTimeoutMiddleware",
    "axes.middleware.AxesMiddleware",
    "egov_portal.accounts.security.TwoFactorMiddleware",
]

ROOT_URLCONF = "egov_portal.urls"
WSGI_APPLICATION = "egov_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "egov_portal.context_processors.portal",
                "egov_portal.notifications.context_processors.unread_count",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Behind PgBouncer in transaction pooling mode: CONN_MAX_AGE=0 and
# DISABLE_SERVER_SIDE_CURSORS=1 (a named cursor does not survive the pooler handing the
# connection to another client between transactions). See README, "Beyond one machine".
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DISABLE_SERVER_SIDE_CURSORS", default=False
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while locked out
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; the public sees public pages only
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_URL_PATH = "/accounts/login/"
LOGIN_REDIRECT_URL = "committees:home"
LOGOUT_REDIRECT_URL = "committees:structure"

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("فارسی")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", default="Asia/Tehran")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Uploaded papers and evidence are private: never under static/, served through views
# that check access. MEDIA_URL is deliberately not routed to the files.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
MEDIA_URL = "/files/"

_email = email_settings(
    env_str("EMAIL_URL", default="console://" if DEBUG else "smtp://localhost:25")
)
globals().update(_email)
# Thursdays are closed in most of the province's executive agencies (deadlines in working days).
THURSDAY_IS_WEEKEND = env_bool("THURSDAY_IS_WEEKEND", default=True)

# Largest accepted upload (agenda papers, evidence files), in bytes.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# A request's form fields (everything but its files) may take this much; Django refuses more.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Django's two upload handlers, cutting an overlong file name first (egov_portal.uploads).
FILE_UPLOAD_HANDLERS = [
    "egov_portal.uploads.ShortNameMemoryFileUploadHandler",
    "egov_portal.uploads.ShortNameTemporaryFileUploadHandler",
]
# An uploaded file up to 1 MB is read into memory; a larger one is written, while the
# request is read, to FILE_UPLOAD_TEMP_DIR: the portal's own directory (made 0700 at
# start-up) beside MEDIA_ROOT, so a stored file is moved rather than copied, never the shared
# /tmp. A worker killed mid-upload leaves its file there: `manage.py clean_upload_tmp`
# (cron, README "Beyond one machine") removes such leftovers.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_TEMP_DIR = env_str(
    "FILE_UPLOAD_TEMP_DIR", default=str(MEDIA_ROOT.parent / "upload-tmp")
)
# A request whose Content-Length is larger is refused with 413 before its body is read
# (egov_portal.limits); the reverse proxy's limit should match (README, "Beyond one machine").
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", UPLOAD_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE)

# Backups (manage.py backup/restore): signed with a key derived from BACKUP_KEY, or from
# SECRET_KEY when it is empty; BACKUP_ENCRYPT=1 also encrypts them (README, "Backups").
BACKUP_KEY = env_str("BACKUP_KEY", default="")
if BACKUP_KEY:
    check_secret_key(BACKUP_KEY, name="BACKUP_KEY")
BACKUP_ENCRYPT = env_bool("BACKUP_ENCRYPT", default=False)

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="egov-portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background jobs (PDF batches): on Celery with this Redis when set, in-process otherwise.
REDIS_URL = env_str("REDIS_URL", default="")

# Django's cache: on Redis when REDIS_URL is set, shared by every gunicorn process and
# machine; local memory (one per process) otherwise. REDIS_CACHE_URL gives the cache a
# Redis database of its own (cache.clear() empties the whole database, Celery's queue with
# it when they share one).
REDIS_CACHE_URL = env_str("REDIS_CACHE_URL", default=REDIS_URL)
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "egov_portal.cache.ReusedClientRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "egov",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database; with Redis, also in the cache, so a signed-in request
# reads its session without a query (and any gunicorn instance continues it).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_CACHE_URL
    else "django.contrib.sessions.backends.db"
)
# How long a public page (structure, agencies, bodies, public resolutions) is served from
# the cache to visitors who are not signed in, at most (egov_portal.page_cache): any write
# through the models ends it at once; this bounds only bulk updates and the view counter.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 300)
# How long the dashboard's figures for one view of it are kept, at most (any write through
# the models ends it sooner, as for the public pages).
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 600)
# How long what a user may see (the bodies he chairs today) is kept between his requests, at
# most; a change to seats, rights or groups ends it sooner.
USER_SCOPE_CACHE_SECONDS = env_int("USER_SCOPE_CACHE_SECONDS", 600)
# The directives API's lists (per agency and query), until a write of the portal's data.
API_LIST_CACHE_SECONDS = env_int("API_LIST_CACHE_SECONDS", 300)

# The public address of the portal: every absolute link in e-mails, calendar files, QR codes
# and PDFs starts with it (`make run` sets it from its HOST and PORT).
PORTAL_BASE_URL = env_base_url("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# The province's organisational certificate (PKCS#12: key, certificate, CA certificates) that
# signs the archived minutes and the directive letters (egov_portal.signing); empty: documents
# are unsigned and say so. `manage.py make_demo_certificate` makes a demo one (README,
# "Signed documents").
SIGNING_P12 = env_str("SIGNING_P12", default="")
SIGNING_P12_PASSWORD = env_str("SIGNING_P12_PASSWORD", default="")
# Largest PDF the verification page (/verify/) accepts for checking.
VERIFY_UPLOAD_MAX_BYTES = env_int("VERIFY_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

# --- security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
# The language switch (Django's set_language) keeps the choice in this cookie for a year.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# A session ends after SESSION_IDLE_SECONDS without a request, and in any case
# SESSION_ABSOLUTE_SECONDS after sign-in (egov_portal.accounts.security.SessionTimeoutMiddleware).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 8 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (see README, production).
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# An intranet portal is never submitted to the browsers' public HSTS preload list.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content-Security-Policy (django-csp 4): no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Sign-in throttling (django-axes): failures counted per user name and per address in the
# database, which every application server shares; an administrator unlocks in the admin
# («تلاش‌های ورود») or with `manage.py axes_reset_username <user>`.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Two-factor sign-in (django-otp, TOTP with one-time backup codes): whoever has confirmed a
# device enters a code after the password. With TWO_FACTOR_REQUIRED on it is mandatory for
# superusers, staff and secretariat staff (egov_portal.accounts.two_factor.two_factor_required); they
# reach nothing but enrolment, sign-out and help until they enrol.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = "egov-portal"
# Exponential back-off after wrong codes (1, 2, 4, 8 … seconds), per device.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin never shows a TOTP secret, its QR code or the backup codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- the directives API for agency systems (resolutions/api/, README "APIs") ----------------
# Only what the API views name: each view states its own authentication (an agency's key),
# permission and throttle; JSON in and out (multipart for evidence files), no browsable API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "resolutions.api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "egov-portal directives API",
    "DESCRIPTION": "Directives addressed to an agency, its acknowledgements and progress reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DirectiveStateEnum": "resolutions.models.DirectiveState",
        "MeetingStateEnum": "committees.models.MeetingState",
    },
}
# Requests one agency key may make (DRF's rate: "120/min", "5000/day" …).
API_RATE_LIMIT = env_str("API_RATE_LIMIT", default="120/min")
# Webhook deliveries: seconds to wait for the agency's server, and how many attempts in all.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6)
# Webhook addresses must be https://; the tests alone also accept http://127.0.0.1.
WEBHOOK_ALLOW_LOCAL_HTTP = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "egov_portal.security": {"level": "INFO"},
    },
}

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "egov_portal.storage.PortalStaticFilesStorage"
        )
    },
}
