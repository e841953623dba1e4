"""Reading settings from environment variables, failing loudly on bad values.

Every helper raises ``ImproperlyConfigured`` naming the variable and what was wrong, so
a typo in a deployment shows up at start-up instead of as odd behaviour later.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

# What Django's deployment check (security.W009) asks of a secret key.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
SECRET_KEY_INSECURE_PREFIX = "django-insecure-"


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_base_url(name: str, default: str) -> str:
    """An absolute http(s) address without a trailing slash, e.g. ``https://egov.gilan.ir``
    (what links in e-mails, calendar files, QR codes and PDFs start with)."""
    value = env_str(name, default).strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not an absolute http(s) address such as https://egov.gilan.ir."
        )
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} has a port that is not a number.") from None
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but lists nothing (comma-separated values).")
    return items


def check_secret_key(value: str, *, name: str = "SECRET_KEY") -> str:
    """Return ``value`` if it is a key ``manage.py check --deploy`` accepts, else raise:
    50 characters or more, 5 or more different ones, no ``django-insecure-`` prefix."""
    if (
        len(value) < SECRET_KEY_MIN_LENGTH
        or len(set(value)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or value.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        raise ImproperlyConfigured(
            f"{name} must be a random string of {SECRET_KEY_MIN_LENGTH} characters or more "
            f"with at least {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different characters, not "
            f"starting with {SECRET_KEY_INSECURE_PREFIX!r} (what Django's check --deploy "
            f"requires); make one with: python -c 'from django.core.management.utils "
            f"import get_random_secret_key; print(get_random_secret_key())'"
        )
    return value


def email_settings(url: str) -> dict[str, object]:
    """Translate ``EMAIL_URL`` into Django's e-mail settings.

    ``console://``, ``locmem://``, ``dummy://`` pick those backends;
    ``smtp://user:password@host:port`` (or ``smtp+tls://``, ``smtp+ssl://``) the SMTP one.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    simple = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if scheme in simple:
        return {"EMAIL_BACKEND": simple[scheme]}
    if scheme not in {"smtp", "smtp+tls", "smtp+ssl"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {scheme!r} is not supported: use smtp://, smtp+tls://, "
            "smtp+ssl://, console://, locmem:// or dummy://."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL must name a host, e.g. smtp://mail.example:25.")
    try:
        port = parts.port or (465 if scheme == "smtp+ssl" else 25)
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from None
    options = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp+tls",
        "EMAIL_USE_SSL": scheme == "smtp+ssl",
        "EMAIL_TIMEOUT": int(options.get("timeout", ["10"])[0]),
    }


def redis_url() -> str:
    """``settings.REDIS_URL`` (or the environment variable when settings do not define it);
    empty means no Celery: jobs run in threads of the web process."""
    from django.conf import settings  # read lazily: settings may not be configured yet

    value = getattr(settings, "REDIS_URL", None)
    if value is None:
        value = os.environ.get("REDIS_URL", "")
    return (value or "").strip()
