"""Settings helpers fail loudly on bad values."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from egov_portal.env import email_settings, env_bool, env_int, env_list, env_str


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)]
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG") is expected


def test_env_bool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env_bool("FLAG")


def test_env_int_refuses_words(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("N", 1)


def test_env_str_without_default_is_required(monkeypatch):
    monkeypatch.delenv("MISSING_VALUE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="MISSING_VALUE must be set"):
        env_str("MISSING_VALUE")


def test_env_list_splits_and_refuses_empty(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("HOSTS", " , ")
    with pytest.raises(ImproperlyConfigured):
        env_list("HOSTS", [])


def test_email_url_smtp_with_credentials():
    settings = email_settings("smtp+tls://user%40gov:p%40ss@mail.gov.ir:587")
    assert settings["EMAIL_HOST"] == "mail.gov.ir"
    assert settings["EMAIL_PORT"] == 587
    assert settings["EMAIL_HOST_USER"] == "user@gov"
    assert settings["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert settings["EMAIL_USE_TLS"] is True


@pytest.mark.parametrize("url", ["ftp://x", "smtp://", "smtp://host:port"])
def test_email_url_refuses_bad_values(url):
    with pytest.raises(ImproperlyConfigured):
        email_settings(url)


def test_settings_refuse_a_short_secret_key_in_production():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import egov_portal.settings"],
        env={"DEBUG": "0", "SECRET_KEY": "short", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent),
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be a random string" in result.stderr


# --- SECRET_KEY: what Django's deployment check asks, required at start-up ----------------

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
# Exactly at Django's minimum: 50 characters, 5 different ones.
BOUNDARY_KEY = "a1b2-" * 10


def _start(env: dict[str, str], *command: str):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, *command],
        env={"PATH": "/usr/bin:/bin", "DEBUG": "0", "ALLOWED_HOSTS": "egov.gilan.example", **env},
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=120,
    )


def test_secret_key_rule_is_djangos_deploy_check():
    from django.core.checks.security import base

    from egov_portal import env

    assert env.SECRET_KEY_MIN_LENGTH == base.SECRET_KEY_MIN_LENGTH
    assert env.SECRET_KEY_MIN_UNIQUE_CHARACTERS == base.SECRET_KEY_MIN_UNIQUE_CHARACTERS
    assert env.SECRET_KEY_INSECURE_PREFIX == base.SECRET_KEY_INSECURE_PREFIX


@pytest.mark.parametrize(
    "key",
    [
        "k" * 10 + "0123456789abcdefghijklmnopqrstuvwxyz"[:30],  # 40 characters
        BOUNDARY_KEY[:-1],  # 49
        "abcd" * 20,  # 80 characters, 4 different
        "django-insecure-" + "0123456789abcdefghijklmnopqrstuvwxyz0123456789",
    ],
)
def test_check_secret_key_refuses_what_check_deploy_would_flag(key):
    from django.core.checks.security.base import _check_secret_key

    from egov_portal.env import check_secret_key

    assert not _check_secret_key(key)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be a random string of 50"):
        check_secret_key(key)


def test_settings_refuse_a_40_character_secret_key_in_production():
    result = _start({"SECRET_KEY": "0123456789abcdefghij" * 2}, "-c", "import egov_portal.settings")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be a random string of 50 characters" in (
        result.stderr
    )
    assert "at least 5 different characters" in result.stderr


def test_the_shortest_accepted_secret_key_passes_check_deploy_without_w009():
    env = {"SECRET_KEY": BOUNDARY_KEY, "DJANGO_SETTINGS_MODULE": "egov_portal.settings"}
    result = _start(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert "security.W009" not in result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_refuse_a_short_backup_key():
    env = {"SECRET_KEY": BOUNDARY_KEY, "BACKUP_KEY": "short-backup-key"}
    result = _start(env, "-c", "import egov_portal.settings")
    assert result.returncode != 0
    assert "BACKUP_KEY must be a random string of 50 characters" in result.stderr
